"""The calibration offset moves the label on paper: measured in the printed output.

A label with a barcode at a known place is printed with no offset and with a known offset
(left/up, right/down); the first bar's left edge and top edge are found in the rasterised
output, and must move by the offset within 0.3 mm. Through every route a label takes:
the exported PDF file, the Qt raster route, and CUPS (cups-pdf, vector PDF and Qt raster).

Right/down is the direction that once failed: the offset was a transform of `<html>`,
which made the document wider than the page, and Chromium shrank it to fit (3.5 mm right,
2.5 mm down came out as 2.7 mm and 1.4 mm: the whole label at 96.6 %). The rendered PDF
is moved now, so the barcode keeps its size too (its width is checked as well).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.queue import BACKEND_AUTO, BACKEND_RASTER, PrintJob, PrintQueue
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.placement import (
    BARCODE_LEFT_MM,
    BARCODE_TOP_MM,
    ink_box_mm,
    placed_barcode_label,
)
from tests.integration.cups_support import fresh_order_id, wait_for_own_pdfs

TOLERANCE_MM = 0.3
DIRECTIONS = [
    pytest.param((-2.5, -3.5), id="left-up"),
    pytest.param((3.5, 2.5), id="right-down"),
]


@pytest.fixture
def jobs_done(print_queue: PrintQueue) -> Iterator[dict[int, tuple[bool, str]]]:
    done: dict[int, tuple[bool, str]] = {}

    def record(job_id: int, ok: bool, message: str) -> None:
        done[job_id] = (ok, message)

    print_queue.jobFinished.connect(record)
    yield done
    print_queue.jobFinished.disconnect(record)


def print_all(
    qtbot: QtBot,
    queue: PrintQueue,
    done: dict[int, tuple[bool, str]],
    code: str,
    printer: str,
    pdf_dir: Path | None,
    offsets: list[tuple[float, float]],
) -> list[Path | None]:
    """Print the label once per offset; wait until every job ended well."""
    paths: list[Path | None] = []
    for n, offset in enumerate(offsets, start=1):
        path = pdf_dir / f"{code}-{n}.pdf" if pdf_dir is not None else None
        paths.append(path)
        queue.submit(
            PrintJob(
                job_id=n,
                html=placed_barcode_label(code),
                page_size=PageSizeMm(100, 150),
                printer_name=printer,
                title=f"{code}-{n}",
                pdf_path=path,
                offset_mm=offset,
            )
        )
    qtbot.waitUntil(lambda: len(done) == len(offsets), timeout=120_000)
    assert all(ok for ok, _message in done.values()), done
    return paths


def assert_moves_by_the_offset(outputs: list[Path], offsets: list[tuple[float, float]]) -> None:
    boxes = [ink_box_mm(output) for output in outputs]
    found = [(left, top) for left, top, _right, _bottom in boxes]
    sizes = [(right - left, bottom - top) for left, top, right, bottom in boxes]
    # the same barcode, not a scaled one (a shrunk barcode may not scan)
    assert sizes == [pytest.approx(sizes[0], abs=TOLERANCE_MM)] * len(sizes), boxes
    x0, y0 = found[0]
    # where the label puts it (a printer route may shift everything by its margins alike)
    assert (x0, y0) == pytest.approx((BARCODE_LEFT_MM, BARCODE_TOP_MM), abs=1.0), found
    moved = [(x - x0, y - y0) for x, y in found]
    assert moved == [pytest.approx(offset, abs=TOLERANCE_MM) for offset in offsets], found


@pytest.mark.parametrize("offset", DIRECTIONS)
@pytest.mark.parametrize("backend", [BACKEND_AUTO, BACKEND_RASTER])
def test_an_exported_label_moves_by_the_offset(
    qtbot: QtBot,
    print_queue: PrintQueue,
    jobs_done: dict[int, tuple[bool, str]],
    tmp_path: Path,
    backend: str,
    offset: tuple[float, float],
) -> None:
    print_queue.set_backend(backend)
    offsets = [(0.0, 0.0), offset]
    paths = print_all(qtbot, print_queue, jobs_done, "OFS1234567", "", tmp_path, offsets)
    assert_moves_by_the_offset([p for p in paths if p is not None], offsets)


@pytest.mark.cups
@pytest.mark.parametrize("offset", DIRECTIONS)
@pytest.mark.parametrize("backend", [BACKEND_AUTO, BACKEND_RASTER])
def test_a_label_printed_through_cups_moves_by_the_offset(
    qtbot: QtBot,
    print_queue: PrintQueue,
    jobs_done: dict[int, tuple[bool, str]],
    cups_pdf_queue: CupsPdfQueue,
    backend: str,
    offset: tuple[float, float],
) -> None:
    print_queue.set_backend(backend)
    offsets = [(0.0, 0.0), offset]
    code = f"OF{fresh_order_id()[-10:]}"
    before = cups_pdf_queue.snapshot()
    print_all(qtbot, print_queue, jobs_done, code, cups_pdf_queue.name, None, offsets)
    outputs = wait_for_own_pdfs(cups_pdf_queue, before, [code], len(offsets))
    assert len(outputs) == len(offsets)
    assert_moves_by_the_offset(outputs, offsets)  # in job order: the offsets' order
