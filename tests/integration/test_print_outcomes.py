"""Every outcome kind through the real print queue, with its ledger record and its message.

The window's print service (PrintService over a real PrintQueue, settled by the ledger's
print policy on a real SQLite ledger) prints to:

- the cups-pdf queue `LabelPDF` → `SPOOLED`, and the label comes out;
- a queue of this test's own that is stopped and rejects jobs → `REFUSED` before CUPS
  accepted anything, tried exactly twice (the one automatic retry), nothing comes out;
- a printer that does not exist → `NO_PRINTER`;
- a label too large to be drawn → `RENDER_FAILED` (and its message never blames the
  printer);
- a job cancelled before it started → `CANCELLED`;
- an `lp` that never answers → `TIMED_OUT`, kept `unknown` in the ledger (it may have
  printed), not retried.

Only `REFUSED` is retried; every other kind ends after one attempt.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome, PrintRecord
from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.core.print_outcome import OutcomeKind, PrintResult, kind_of_message
from app.core.settings import Settings
from app.printing.ledger_guard import LedgerPrintGuard
from app.printing.print_service import PrintService
from app.printing.profile import MAX_LABEL_BYTES
from app.printing.queue import PrintQueue
from tests.fixtures.cups import CupsPdfQueue, start_cups
from tests.fixtures.qt import barcode_label_html, dispose, read_barcodes_from_pdf
from tests.integration.cups_support import wait_for_own_pdfs
from tests.unit.printing.fake_lp import silent_lp

pytestmark = [pytest.mark.cups, pytest.mark.slow]

STOPPED_QUEUE = "WaybillStopped"


def label(size: float = 0) -> Waybill:
    waybill_id = f"SF{uuid.uuid4().int % 10**12:012d}"
    html = barcode_label_html(waybill_id, 100, 150)
    if size:  # padded beyond what a page can load
        html = html.replace("</body>", f"<!-- {'x' * int(size)} --></body>")
    return Waybill(
        ref=OrderRef(f"OUT{waybill_id}", "SF"),
        status=WaybillStatus.OK,
        errcode=0,
        errmsg="ok",
        waybill_id=waybill_id,
        html=html,
        page_size=PageSizeMm(100, 150),
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "ledger.sqlite3") as opened:
        yield opened


@pytest.fixture
def stopped_queue(tmp_path: Path) -> Iterator[str]:
    """A cups-pdf queue of this test's own, stopped and not accepting jobs."""
    start_cups(STOPPED_QUEUE, Path("/var/spool/cups-pdf") / STOPPED_QUEUE)
    subprocess.run(["cupsdisable", STOPPED_QUEUE], check=True)
    subprocess.run(["cupsreject", STOPPED_QUEUE], check=True)
    yield STOPPED_QUEUE
    subprocess.run(["lpadmin", "-x", STOPPED_QUEUE], check=False)


class Station:
    """The window's print service on a real queue and ledger."""

    def __init__(self, queue: PrintQueue, ledger: Ledger, printer: str) -> None:
        self.ledger = ledger
        self.guard = LedgerPrintGuard(ledger)
        settings = Settings(printer_name=printer)
        self.service = PrintService(queue, settings, self.guard)
        self.printer = printer
        self.ended: dict[int, PrintResult] = {}
        self.service.ended.connect(lambda ticket, result: self.ended.__setitem__(ticket, result))

    def send(self, waybill: Waybill) -> int:
        token = self.service.claim(
            waybill, where=self.printer, pdf=False, reprint=False, source="t"
        )
        return self.service.send(waybill, token, printer=self.printer)

    def print(self, waybill: Waybill, qtbot: QtBot, timeout: int = 60_000) -> PrintResult:
        ticket = self.send(waybill)
        qtbot.waitUntil(lambda: ticket in self.ended, timeout=timeout)
        return self.ended[ticket]

    def record(self, waybill: Waybill) -> PrintRecord:
        assert waybill.waybill_id is not None
        last = self.ledger.last_print(waybill.waybill_id)
        assert last is not None
        return last


MakeStation = Callable[..., Station]


@pytest.fixture
def station_for(label_profile: QWebEngineProfile, ledger: Ledger) -> Iterator[MakeStation]:
    made: list[tuple[PrintQueue, Station]] = []

    def make(printer: str, **queue_options: object) -> Station:
        queue = PrintQueue(label_profile, **queue_options)  # type: ignore[arg-type]
        station = Station(queue, ledger, printer)
        made.append((queue, station))
        return station

    yield make
    for queue, station in made:
        queue.shutdown()
        dispose(station.service)
        dispose(queue)


def test_spooled_comes_out_and_is_recorded(
    station_for: MakeStation,
    cups_pdf_queue: CupsPdfQueue,
    qtbot: QtBot,
) -> None:
    station = station_for(cups_pdf_queue.name)
    waybill = label()
    before = cups_pdf_queue.snapshot()
    result = station.print(waybill, qtbot)
    assert (result.kind, result.attempts) == (OutcomeKind.SPOOLED, 1)
    assert result.message().startswith("Sent to the printer.")
    record = station.record(waybill)
    assert record.outcome is PrintOutcome.SPOOLED
    assert kind_of_message(record.message) is OutcomeKind.SPOOLED
    (pdf,) = wait_for_own_pdfs(cups_pdf_queue, before, [waybill.waybill_id or ""], 1)
    assert waybill.waybill_id in read_barcodes_from_pdf(pdf)


def test_a_stopped_queue_refuses_and_is_retried_exactly_once(
    station_for: MakeStation,
    stopped_queue: str,
    qtbot: QtBot,
) -> None:
    station = station_for(stopped_queue)
    waybill = label()
    result = station.print(waybill, qtbot)
    assert (result.kind, result.attempts) == (OutcomeKind.REFUSED, 2)
    assert "not accepting jobs" in result.detail
    assert "nothing was printed" in result.message()
    assert "未打印" in result.message("zh_CN")
    record = station.record(waybill)
    assert record.outcome is PrintOutcome.FAILED  # nothing came out: may be printed again
    assert kind_of_message(record.message) is OutcomeKind.REFUSED
    jobs = subprocess.run(
        ["lpstat", "-W", "all", "-o", stopped_queue], capture_output=True, text=True, check=False
    ).stdout
    assert jobs.strip() == ""  # CUPS took nothing


def test_a_missing_printer_sends_nothing(
    station_for: MakeStation,
    qtbot: QtBot,
) -> None:
    station = station_for(f"NoSuchPrinter{uuid.uuid4().hex[:6]}")
    waybill = label()
    result = station.print(waybill, qtbot)
    assert (result.kind, result.attempts) == (OutcomeKind.NO_PRINTER, 1)
    assert "not available" in result.message()
    record = station.record(waybill)
    assert record.outcome is PrintOutcome.FAILED
    assert kind_of_message(record.message) is OutcomeKind.NO_PRINTER


def test_two_services_on_one_queue_each_hear_only_their_own_jobs_end(
    label_profile: QWebEngineProfile,
    ledger: Ledger,
    cups_pdf_queue: CupsPdfQueue,
    qtbot: QtBot,
) -> None:
    """Two windows' print services sharing one queue: job ids are the queue's, so the end
    of one service's job is never taken for the other's (which would record a label that
    has not come out yet as spooled)."""
    queue = PrintQueue(label_profile)
    spooling = Station(queue, ledger, cups_pdf_queue.name)
    missing = Station(queue, ledger, f"NoSuchPrinter{uuid.uuid4().hex[:6]}")
    try:
        out, nowhere = label(), label()
        first = spooling.send(out)
        second = missing.send(nowhere)
        assert first != second
        qtbot.waitUntil(lambda: first in spooling.ended and second in missing.ended, timeout=60_000)
        assert list(spooling.ended) == [first] and list(missing.ended) == [second]
        assert spooling.ended[first].kind is OutcomeKind.SPOOLED
        assert missing.ended[second].kind is OutcomeKind.NO_PRINTER
        assert spooling.record(out).outcome is PrintOutcome.SPOOLED
        assert missing.record(nowhere).outcome is PrintOutcome.FAILED
    finally:
        queue.shutdown()
        dispose(spooling.service)
        dispose(missing.service)
        dispose(queue)


def test_a_label_that_cannot_be_drawn_does_not_blame_the_printer(
    station_for: MakeStation,
    cups_pdf_queue: CupsPdfQueue,
    qtbot: QtBot,
) -> None:
    station = station_for(cups_pdf_queue.name)
    waybill = label(size=MAX_LABEL_BYTES + 1024)
    before = cups_pdf_queue.snapshot()
    result = station.print(waybill, qtbot)
    assert (result.kind, result.attempts) == (OutcomeKind.RENDER_FAILED, 1)
    assert "too large" in result.detail
    assert "printer" not in result.hint().en.replace("sent to the printer", "")
    assert "could not be drawn" in result.message()
    record = station.record(waybill)
    assert record.outcome is PrintOutcome.FAILED
    assert kind_of_message(record.message) is OutcomeKind.RENDER_FAILED
    assert cups_pdf_queue.new_jobs_since(before) == set() or all(
        not p.name.startswith(waybill.waybill_id or "-")
        for p in cups_pdf_queue.new_pdfs_since(before)
    )


def test_a_cancelled_job_is_recorded_as_cancelled(
    station_for: MakeStation,
    cups_pdf_queue: CupsPdfQueue,
    qtbot: QtBot,
) -> None:
    station = station_for(cups_pdf_queue.name)
    first, second = label(), label()
    station.send(first)
    ticket = station.send(second)  # the queue starts the first on the next event-loop turn
    assert station.service.cancel(ticket)
    qtbot.waitUntil(lambda: len(station.ended) == 2, timeout=60_000)
    result = station.ended[ticket]
    assert (result.kind, result.attempts) == (OutcomeKind.CANCELLED, 1)
    assert "cancelled" in result.message()
    record = station.record(second)
    assert record.outcome is PrintOutcome.FAILED
    assert kind_of_message(record.message) is OutcomeKind.CANCELLED
    assert station.record(first).outcome is PrintOutcome.SPOOLED


def test_an_lp_that_never_answers_is_timed_out_unknown_and_not_retried(
    station_for: MakeStation,
    cups_pdf_queue: CupsPdfQueue,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    silent = silent_lp(tmp_path / "lp")
    station = station_for(cups_pdf_queue.name, lp_path=str(silent.path), print_timeout_s=5.0)
    waybill = label()
    result = station.print(waybill, qtbot)
    assert (result.kind, result.attempts) == (OutcomeKind.TIMED_OUT, 1)
    assert "may or may not have printed" in result.message()
    record = station.record(waybill)
    assert record.outcome is PrintOutcome.UNKNOWN  # the packer checks, nothing reprints it
    assert kind_of_message(record.message) is OutcomeKind.TIMED_OUT
