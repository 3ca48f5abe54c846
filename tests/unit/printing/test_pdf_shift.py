"""The calibration offset on a rendered label PDF: the drawing moves, the page does not."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from app.core.model import PageSizeMm
from app.printing.pdf_output import label_pdf_file
from app.printing.pdf_shift import PdfShiftError, shifted_pdf
from app.printing.render import LabelRenderer
from tests.fixtures.placement import first_ink_mm, placed_barcode_label
from tests.fixtures.qt import pdf_pages, read_barcodes_from_pdf


def barcodes(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "label.pdf"
    path.write_bytes(pdf)
    return read_barcodes_from_pdf(path)


@pytest.fixture
def label_pdf(renderer: LabelRenderer) -> bytes:
    return renderer.render_pdf_blocking(placed_barcode_label("SHIFT12345"), PageSizeMm(100, 150))


@pytest.mark.parametrize("offset", [(3.5, 2.5), (-2.5, -3.5), (0.0, 7.0), (12.0, 0.0)])
def test_the_drawing_moves_by_the_offset_and_the_page_stays(
    label_pdf: bytes, offset: tuple[float, float], tmp_path: Path
) -> None:
    x0, y0 = first_ink_mm(label_pdf)
    moved = shifted_pdf(label_pdf, offset)
    x, y = first_ink_mm(moved)
    assert (x - x0, y - y0) == pytest.approx(offset, abs=0.05)
    assert pdf_pages(moved) == [pytest.approx(pdf_pages(label_pdf)[0], abs=0.01)]
    assert barcodes(moved, tmp_path) == ["SHIFT12345"]


def test_it_is_an_incremental_update_of_the_rendered_bytes(label_pdf: bytes) -> None:
    moved = shifted_pdf(label_pdf, (1.0, 1.0))
    assert moved.startswith(label_pdf)
    assert shifted_pdf(label_pdf, (0.0, 0.0)) is label_pdf


def test_what_moves_past_the_edge_is_cut_off(label_pdf: bytes, tmp_path: Path) -> None:
    # The barcode starts 20 mm from the left: 75 mm right leaves only its start on the page.
    moved = shifted_pdf(label_pdf, (75.0, 0.0))
    assert first_ink_mm(moved)[0] == pytest.approx(first_ink_mm(label_pdf)[0] + 75, abs=0.05)
    assert barcodes(moved, tmp_path) == []
    assert pdf_pages(moved) == [pytest.approx(pdf_pages(label_pdf)[0], abs=0.01)]


def test_a_moved_label_can_still_be_titled_as_a_file(label_pdf: bytes, tmp_path: Path) -> None:
    titled = label_pdf_file(shifted_pdf(label_pdf, (2.0, 3.0)), title="SF 运单")
    reader = pypdf.PdfReader(io.BytesIO(titled))
    assert reader.metadata is not None and reader.metadata.title == "SF 运单"
    assert barcodes(titled, tmp_path) == ["SHIFT12345"]


def test_a_pdf_pdfium_cannot_read_is_an_error() -> None:
    with pytest.raises(PdfShiftError):
        shifted_pdf(b"%PDF-1.4 not really", (1.0, 0.0))
