"""Printing for real: PrintQueue → CUPS → cups-pdf, then the output PDFs are checked.

Every test runs on both backends: the vector PDF handed to `lp` ("cups-pdf") and Qt's
rasterising print engine ("qt-raster"). Each printed PDF must have its label's page size
and a barcode that scans back to the waybill id; a missing printer must leave no trace in
CUPS.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.printers import list_printers, resolve_printer
from app.printing.profile import LabelProfile
from app.printing.queue import BACKEND_CUPS, BACKEND_RASTER, PrintJob, PrintQueue
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import barcode_label_html, dispose, pdf_pages, read_barcodes_from_pdf
from tests.integration.cups_support import wait_for_own_pdfs

pytestmark = pytest.mark.cups

LABELS = {
    "SF1000000001": (100, 150),
    "YT2000000002": (76, 130),
    "ZTO3000000003": (100, 180),
}
OTHER_OUTPUT_DIRS = [Path("/root/PDF"), Path("/var/spool/cups-pdf/ANONYMOUS")]


@pytest.fixture(params=[BACKEND_CUPS, BACKEND_RASTER])
def print_queue(
    request: pytest.FixtureRequest, label_profile: LabelProfile
) -> Iterator[PrintQueue]:
    queue = PrintQueue(label_profile, backend=request.param)
    yield queue
    queue.shutdown()
    dispose(queue)


def other_pdfs() -> set[Path]:
    return {pdf for folder in OTHER_OUTPUT_DIRS if folder.is_dir() for pdf in folder.rglob("*.pdf")}


def job(job_id: int, waybill_id: str, printer: str) -> PrintJob:
    width, height = LABELS[waybill_id]
    return PrintJob(
        job_id=job_id,
        html=barcode_label_html(waybill_id, width, height),
        page_size=PageSizeMm(width, height),
        printer_name=printer,
        title=waybill_id,
    )


def finished_jobs(qtbot: QtBot, queue: PrintQueue, count: int) -> dict[int, tuple[bool, str]]:
    finished: dict[int, tuple[bool, str]] = {}

    def record(job_id: int, ok: bool, message: str) -> None:
        assert job_id not in finished
        finished[job_id] = (ok, message)

    queue.jobFinished.connect(record)
    qtbot.waitUntil(lambda: len(finished) == count, timeout=60_000)
    queue.jobFinished.disconnect(record)
    return finished


def test_queue_is_visible_to_qt(qapp: object, cups_pdf_queue: CupsPdfQueue) -> None:
    assert cups_pdf_queue.name in [p.name for p in list_printers()]
    assert resolve_printer(cups_pdf_queue.name).printerName() == cups_pdf_queue.name


def test_three_sizes_print_with_their_size_and_barcode(
    qtbot: QtBot, print_queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    before = cups_pdf_queue.snapshot()
    ids = list(LABELS)
    for n, waybill_id in enumerate(ids, start=1):
        print_queue.submit(job(n, waybill_id, cups_pdf_queue.name))
    finished = finished_jobs(qtbot, print_queue, 3)
    assert all(ok for ok, _ in finished.values()), finished

    outputs = cups_pdf_queue.wait_for_jobs(3, before)
    assert len(outputs) == 3
    for pdf, waybill_id in zip(outputs.values(), ids, strict=True):
        assert pdf.name.startswith(waybill_id)  # the job title reached CUPS
        width, height = LABELS[waybill_id]
        pages = pdf_pages(pdf)
        assert len(pages) == 1, (pdf, pages)
        assert pages[0] == pytest.approx((width, height), abs=1.0)
        assert read_barcodes_from_pdf(pdf) == [waybill_id]


def test_missing_printer_fails_and_sends_nothing(
    qtbot: QtBot, print_queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    before = cups_pdf_queue.snapshot()
    elsewhere = other_pdfs()
    print_queue.submit(job(1, "SF1000000001", "NoSuchLabelPrinter"))
    # A real job after it: once that one is out, the failed one had every chance to be too.
    print_queue.submit(job(2, "YT2000000002", cups_pdf_queue.name))
    finished = finished_jobs(qtbot, print_queue, 2)
    ok, message = finished[1]
    assert not ok
    assert "'NoSuchLabelPrinter' not found" in message
    assert cups_pdf_queue.name in message  # the available printers are listed
    assert finished[2][0] is True

    outputs = cups_pdf_queue.wait_for_jobs(1, before)
    assert len(cups_pdf_queue.new_jobs_since(before)) == 1
    assert [pdf.name.split("_")[0] for pdf in outputs.values()] == ["YT2000000002"]
    assert len(cups_pdf_queue.new_pdfs_since(before)) == 1
    assert other_pdfs() == elsewhere


def test_back_to_back_prints_both_come_out(
    qtbot: QtBot, print_queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    before = cups_pdf_queue.snapshot()
    print_queue.submit(job(1, "SF1000000001", cups_pdf_queue.name))
    print_queue.submit(job(2, "ZTO3000000003", cups_pdf_queue.name))
    finished = finished_jobs(qtbot, print_queue, 2)
    assert [finished[1][0], finished[2][0]] == [True, True]
    outputs = cups_pdf_queue.wait_for_jobs(2, before)
    barcodes = [read_barcodes_from_pdf(pdf) for pdf in outputs.values()]
    assert barcodes == [["SF1000000001"], ["ZTO3000000003"]]


def test_copies_reach_cups(
    qtbot: QtBot, print_queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    before = cups_pdf_queue.snapshot()
    copies = PrintJob(
        1,
        barcode_label_html("SF1000000001", 100, 150),
        PageSizeMm(100, 150),
        cups_pdf_queue.name,
        copies=2,
        title="SF1000000001",
    )
    print_queue.submit(copies)
    assert finished_jobs(qtbot, print_queue, 1)[1][0] is True
    (pdf,) = cups_pdf_queue.wait_for_jobs(1, before).values()
    assert len(pdf_pages(pdf)) == 2
    assert read_barcodes_from_pdf(pdf) == ["SF1000000001"] * 2


def test_cups_backend_names_the_cups_job(
    qtbot: QtBot, label_profile: LabelProfile, cups_pdf_queue: CupsPdfQueue
) -> None:
    queue = PrintQueue(label_profile, backend=BACKEND_CUPS)
    assert queue.route(job(1, "SF1000000001", cups_pdf_queue.name)) == "cups-pdf"
    before = cups_pdf_queue.snapshot()
    queue.submit(job(1, "SF1000000001", cups_pdf_queue.name))
    ok, message = finished_jobs(qtbot, queue, 1)[1]
    assert ok, message
    match = re.search(rf"accepted by CUPS as {cups_pdf_queue.name}-(\d+)", message)
    assert match is not None, message
    assert int(match[1]) in cups_pdf_queue.new_jobs_since(before)
    queue.shutdown()
    dispose(queue)


def test_many_back_to_back_jobs_come_out_once_each_in_order(
    qtbot: QtBot, label_profile: LabelProfile, cups_pdf_queue: CupsPdfQueue
) -> None:
    queue = PrintQueue(label_profile, backend=BACKEND_CUPS)
    before = cups_pdf_queue.snapshot()
    run = uuid.uuid4().int % 10**8
    ids = [f"JT{run:08d}{n:02d}" for n in range(1, 7)]
    for n, waybill_id in enumerate(ids, start=1):
        queue.submit(
            PrintJob(
                n,
                barcode_label_html(waybill_id, 76, 130),
                PageSizeMm(76, 130),
                cups_pdf_queue.name,
                dpi=203,
                title=waybill_id,
            )
        )
    finished = finished_jobs(qtbot, queue, len(ids))
    assert all(ok for ok, _ in finished.values()), finished
    # The shared queue may print other runs' jobs meanwhile: pick out ours by title.
    outputs = wait_for_own_pdfs(cups_pdf_queue, before, ids, len(ids))
    assert [pdf.name.split("_")[0] for pdf in outputs] == ids
    assert [read_barcodes_from_pdf(pdf) for pdf in outputs] == [[i] for i in ids]
    queue.shutdown()
    dispose(queue)
