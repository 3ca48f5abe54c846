"""PDF export: one file per label, or one combined PDF whose pages keep each label's size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.export import ExportLabel, ExportResult, PdfExport
from app.printing.profile import MAX_LABEL_BYTES
from app.printing.render import LabelRenderer
from tests.fixtures.qt import barcode_label_html, dispose, pdf_pages, read_barcodes_from_pdf

SIZES = {"SF1000000001": (100, 150), "7300000002": (76, 130), "YT2000000003": (100, 180)}


def labels() -> list[ExportLabel]:
    return [
        ExportLabel(code, barcode_label_html(code, w, h), PageSizeMm(w, h))
        for code, (w, h) in SIZES.items()
    ]


@pytest.fixture
def exporter(renderer: LabelRenderer) -> Iterator[PdfExport]:
    export = PdfExport(renderer)
    yield export
    dispose(export)


def run(qtbot: QtBot, exporter: PdfExport, items: list[ExportLabel], **where: Path) -> ExportResult:
    with qtbot.waitSignal(exporter.finished, timeout=60_000) as finished:
        assert exporter.start(items, **where)
        assert exporter.running
        assert not exporter.start(items, **where)  # one export at a time
    assert not exporter.running
    result = finished.args[0]
    assert isinstance(result, ExportResult)
    return result


def test_a_combined_pdf_has_a_page_per_label_at_its_size(
    qtbot: QtBot, exporter: PdfExport, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "labels.pdf"
    result = run(qtbot, exporter, labels(), combined=target)
    assert result.ok and result.files == [target] and result.pages == 3
    pages = pdf_pages(target)
    assert len(pages) == 3
    for page, (width, height) in zip(pages, SIZES.values(), strict=True):
        assert page == pytest.approx((width, height), abs=1.0)
    assert read_barcodes_from_pdf(target) == list(SIZES)
    assert [p.name for p in target.parent.iterdir()] == ["labels.pdf"]  # no temp file left


def test_one_file_per_label_never_overwrites(
    qtbot: QtBot, exporter: PdfExport, tmp_path: Path
) -> None:
    (tmp_path / "SF1000000001.pdf").write_bytes(b"%PDF-old")
    result = run(qtbot, exporter, labels(), folder=tmp_path)
    assert result.ok and result.pages == 3
    names = [p.name for p in result.files]
    assert names == ["SF1000000001-2.pdf", "7300000002.pdf", "YT2000000003.pdf"]
    assert (tmp_path / "SF1000000001.pdf").read_bytes() == b"%PDF-old"
    for path, (code, (width, height)) in zip(result.files, SIZES.items(), strict=True):
        assert pdf_pages(path) == [pytest.approx((width, height), abs=1.0)]
        assert read_barcodes_from_pdf(path) == [code]


def test_a_label_that_cannot_render_is_reported_and_left_out(
    qtbot: QtBot, exporter: PdfExport, tmp_path: Path
) -> None:
    huge = ExportLabel("HUGE1", "<html>" + "x" * MAX_LABEL_BYTES + "</html>", None)
    items = [labels()[0], huge]
    result = run(qtbot, exporter, items, combined=tmp_path / "c.pdf")
    assert not result.ok and result.error is None
    assert [name for name, _ in result.failed] == ["HUGE1"]
    assert "too large" in result.failed[0][1]
    assert len(pdf_pages(tmp_path / "c.pdf")) == 1


def test_an_unwritable_target_is_an_error(
    qtbot: QtBot, exporter: PdfExport, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run(qtbot, exporter, labels()[:1], combined=blocker / "x.pdf")
    assert result.error is not None and result.files == []
