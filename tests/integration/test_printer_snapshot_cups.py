"""The print queue checks a CUPS job's printer against the window's list of printers,
taken in the background, instead of asking CUPS on the GUI thread — and a printer the
list lacks still ends its job `NO_PRINTER` with the printers there are, sending nothing.
Real CUPS (the shared cups-pdf queue), real labels, barcodes read back."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.printers import PrinterNames
from app.printing.profile import LabelProfile
from app.printing.queue import BACKEND_CUPS, PrintJob, PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.print_report import PrintRequestResult
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import barcode_label_html, dispose, read_barcodes_from_pdf
from tests.integration.cups_support import fresh_order_id, wait_for_own_pdfs, window_settled
from tests.unit.ui.support import open_window
from tests.unit.ui.test_print_controller import waybill
from tests.unit.ui.test_printer_lookup import Lookup

pytestmark = pytest.mark.cups


class Snapshot:
    """The window's last list of printers, remembering the thread of each look at it."""

    def __init__(self, names: PrinterNames | None) -> None:
        self.names = names
        self.threads: list[threading.Thread] = []

    def __call__(self) -> PrinterNames | None:
        self.threads.append(threading.current_thread())
        return self.names


@pytest.fixture
def queue(label_profile: LabelProfile) -> Iterator[PrintQueue]:
    queue = PrintQueue(label_profile, backend=BACKEND_CUPS)
    yield queue
    queue.shutdown()
    dispose(queue)


def job(job_id: int, waybill_id: str, printer: str) -> PrintJob:
    return PrintJob(
        job_id=job_id,
        html=barcode_label_html(waybill_id, 100, 150),
        page_size=PageSizeMm(100, 150),
        printer_name=printer,
        title=waybill_id,
    )


def ends(qtbot: QtBot, queue: PrintQueue, count: int) -> dict[int, PrintResult]:
    ended: dict[int, PrintResult] = {}
    queue.jobEnded.connect(lambda job_id, result: ended.__setitem__(job_id, result))
    qtbot.waitUntil(lambda: len(ended) == count, timeout=60_000)
    return ended


def test_a_printer_in_the_snapshot_is_printed_to_without_asking_cups_first(
    qtbot: QtBot, queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    snapshot = Snapshot(PrinterNames((cups_pdf_queue.name,), None))
    queue.use_printer_snapshot(snapshot)
    before = cups_pdf_queue.snapshot()
    waybill_id = fresh_order_id()
    queue.submit(job(1, waybill_id, cups_pdf_queue.name))
    [result] = ends(qtbot, queue, 1).values()
    assert result.kind is OutcomeKind.SPOOLED and result.cups_job is not None
    [pdf] = wait_for_own_pdfs(cups_pdf_queue, before, [waybill_id], 1)
    assert read_barcodes_from_pdf(pdf) == [waybill_id]
    assert snapshot.threads  # the job's printer was checked against the snapshot


def test_a_printer_the_snapshot_lacks_ends_no_printer_with_the_list_and_sends_nothing(
    qtbot: QtBot, queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    # CUPS has the queue, the snapshot does not: the snapshot decides (CUPS is not asked)
    snapshot = Snapshot(PrinterNames(("OfficeLaser", "Other"), "OfficeLaser"))
    queue.use_printer_snapshot(snapshot)
    before = cups_pdf_queue.snapshot()
    missing, sentinel = fresh_order_id(), fresh_order_id()
    queue.submit(job(1, missing, cups_pdf_queue.name))
    ended = ends(qtbot, queue, 1)
    assert ended[1].kind is OutcomeKind.NO_PRINTER
    assert f"printer {cups_pdf_queue.name!r} not found" in ended[1].detail
    assert "available printers: OfficeLaser, Other" in ended[1].detail
    # a real job after it: once it is out, the refused one had every chance to be too
    snapshot.names = PrinterNames((cups_pdf_queue.name,), None)
    queue.submit(job(2, sentinel, cups_pdf_queue.name))
    qtbot.waitUntil(lambda: 2 in ended, timeout=60_000)
    assert ended[2].kind is OutcomeKind.SPOOLED
    [pdf] = wait_for_own_pdfs(cups_pdf_queue, before, [missing, sentinel], 1)
    assert pdf.name.startswith(sentinel)


def test_before_the_snapshot_is_known_cups_itself_refuses_a_missing_printer(
    qtbot: QtBot, queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    queue.use_printer_snapshot(Snapshot(None))
    queue.submit(job(1, fresh_order_id(), "NoSuchLabelPrinter"))
    [result] = ends(qtbot, queue, 1).values()
    assert result.kind is OutcomeKind.REFUSED  # nothing accepted: nothing printed
    assert "NoSuchLabelPrinter" in result.detail


def test_the_window_hands_the_queue_its_list_taken_off_the_gui_thread(
    qtbot: QtBot,
    sandbox: SandboxServer,
    label_profile: LabelProfile,
    queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
) -> None:
    # The window's list lacks the CUPS queue; a label sent there by name (a stuck label
    # printed again elsewhere skips the window's own check) is refused by the queue
    # from that list, with the printers there are, and never reaches CUPS.
    lookup = Lookup(PrinterNames(("OfficeLaser",), "OfficeLaser"))
    lookup.release.set()
    with open_window(sandbox, label_profile, queue, None, printer_lookup=lookup) as window:
        qtbot.waitUntil(lambda: window.printers.snapshot is not None, timeout=10_000)
        label = waybill(7)
        window.model.add_refs([label.ref])
        window.model.set_fetching([label.ref.key])
        window.model.apply_waybills([label])
        before = cups_pdf_queue.snapshot()
        results: list[PrintRequestResult] = []
        window.printer.print_waybills(
            [label],
            reprint=False,
            source="selected",
            printer=cups_pdf_queue.name,
            then=results.append,
        )
        ended: list[tuple[object, bool, str]] = []
        window.printer.jobEnded.connect(lambda *args: ended.append(args))
        qtbot.waitUntil(lambda: len(ended) == 1, timeout=60_000)
        [(key, ok, message)] = ended
        assert key == label.ref.key and not ok
        assert "OfficeLaser" in message
        window_settled(qtbot, window, queue, cups_pdf_queue, before)
        assert cups_pdf_queue.new_jobs_since(before) == set()
        assert threading.main_thread() not in lookup.threads
