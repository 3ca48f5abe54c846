"""The ledger-backed print guard on a real ledger file: every print on record before it
goes out, a second print refused as "printed already" unless reprinted."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.ledger import Ledger
from app.core.ledger_records import HistoryFilter, PrintOutcome
from app.core.model import OrderRef, Waybill, WaybillStatus
from app.core.print_outcome import OutcomeKind, PrintResult
from app.core.print_policy import Claim
from app.printing.guard import TARGET_PDF, TARGET_PRINTER, PrintRefused
from app.printing.ledger_guard import LedgerPrintGuard, LedgerRows, tag_order
from tests.unit.ui.ledger_support import stored_label


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "ledger.sqlite3") as opened:
        yield opened


def send(guard: LedgerPrintGuard, waybill: Waybill, **kw: object) -> object:
    args: dict[str, object] = {
        "printer": "Label1",
        "copies": 1,
        "target": TARGET_PRINTER,
        "reprint": False,
        "source": "selected",
    }
    args.update(kw)
    return guard.before_print(waybill, **args)  # type: ignore[arg-type]


def test_print_is_pending_before_and_spooled_after(ledger: Ledger) -> None:
    rows = LedgerRows()
    (row,) = ledger.record_queued([OrderRef("G1", "SF")])
    rows.bind([(("G1", "SF"), row)])
    guard = LedgerPrintGuard(ledger, rows)
    waybill = stored_label("G1", "SF100")
    token = send(guard, waybill)
    (pending,) = ledger.attempts(row)
    assert (
        isinstance(token, Claim)
        and pending.id == token.print_id
        and pending.outcome is PrintOutcome.PENDING
    )
    guard.after_print(token, PrintResult(OutcomeKind.SPOOLED, ""))
    assert ledger.attempts(row)[0].outcome is PrintOutcome.SPOOLED
    assert ledger.was_printed("SF100")


def test_second_print_is_refused_as_printed_and_reprint_is_recorded(ledger: Ledger) -> None:
    guard = LedgerPrintGuard(ledger)
    waybill = stored_label("G2", "SF200")
    guard.after_print(send(guard, waybill), PrintResult(OutcomeKind.SPOOLED, ""))
    with pytest.raises(PrintRefused) as refused:
        send(guard, waybill)
    assert refused.value.already_printed
    assert "SF200" in refused.value.reason and "Label1" in refused.value.reason
    token = send(guard, waybill, reprint=True)
    guard.after_print(token, PrintResult(OutcomeKind.SPOOLED, ""))
    row = guard.rows.get(("G2", "SF"))
    assert row is not None  # recorded as queued on the way
    assert [(a.is_reprint, a.outcome) for a in ledger.attempts(row)] == [
        (False, PrintOutcome.SPOOLED),
        (True, PrintOutcome.SPOOLED),
    ]


def test_a_failed_print_does_not_block_the_next(ledger: Ledger) -> None:
    guard = LedgerPrintGuard(ledger)
    waybill = stored_label("G3", "SF300")
    guard.after_print(send(guard, waybill), PrintResult(OutcomeKind.REFUSED, "paper out"))
    guard.after_print(send(guard, waybill), PrintResult(OutcomeKind.SPOOLED, ""))
    assert ledger.was_printed("SF300")


def test_unknown_outcome_of_an_earlier_run_blocks(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    earlier = Ledger(path)
    (row,) = earlier.record_queued([OrderRef("G4", "SF")])
    earlier.record_fetch_result(row, stored_label("G4", "SF400"))
    earlier.begin_print(row, waybill_id="SF400", printer="Label1", copies=1)
    earlier.close()  # the job never reported back
    with Ledger(path) as ledger:
        assert len(ledger.recover().unknown_prints) == 1
        guard = LedgerPrintGuard(ledger)
        with pytest.raises(PrintRefused) as refused:
            send(guard, stored_label("G4", "SF400"))
        assert refused.value.already_printed
        assert "unknown" in refused.value.reason


def test_pdf_folder_refuses_a_second_file_unless_reprinted(ledger: Ledger) -> None:
    guard = LedgerPrintGuard(ledger)
    waybill = stored_label("G5", "SF500")
    guard.after_print(
        send(guard, waybill, target=TARGET_PDF, printer="/out"),
        PrintResult(OutcomeKind.SPOOLED, ""),
    )
    with pytest.raises(PrintRefused) as refused:
        send(guard, waybill, target=TARGET_PDF, printer="/out")
    assert refused.value.already_printed
    other = send(guard, waybill, target=TARGET_PDF, printer="/elsewhere")
    again = send(guard, waybill, target=TARGET_PDF, printer="/out", reprint=True)
    assert isinstance(other, Claim) and isinstance(again, Claim)
    # PDF files never block the label printer
    assert isinstance(send(guard, waybill), Claim)


def test_a_tagged_label_prints_under_its_own_ledger_order(ledger: Ledger) -> None:
    (old_row,) = ledger.record_queued([OrderRef("G6", "SF")])
    guard = LedgerPrintGuard(ledger)
    guard.rows.bind([(("G6", "SF"), 999_999)])  # a queue row of another ledger order
    token = send(guard, tag_order(stored_label("G6", "SF600"), old_row))
    assert isinstance(token, Claim)
    assert [a.id for a in ledger.attempts(old_row)] == [token.print_id]


def test_refusals_that_are_not_about_printing_twice(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    guard = LedgerPrintGuard(ledger)
    no_id = Waybill(OrderRef("G7", "SF"), WaybillStatus.OK, 0, "ok", None, "<p>x</p>")
    with pytest.raises(PrintRefused) as refused:
        send(guard, no_id)
    assert not refused.value.already_printed and "waybill id" in refused.value.reason
    ledger.close()
    with pytest.raises(PrintRefused) as closed:
        send(guard, stored_label("G8", "SF800"))
    assert not closed.value.already_printed and "could not record" in closed.value.reason


def test_an_order_written_to_a_pdf_file_is_closed(ledger: Ledger) -> None:
    guard = LedgerPrintGuard(ledger)
    guard.after_print(
        send(guard, stored_label("G9", "SF900"), target=TARGET_PDF),
        PrintResult(OutcomeKind.SPOOLED, ""),
    )
    row = guard.rows.get(("G9", "SF"))
    assert row is not None
    (found,) = ledger.search(HistoryFilter(order_id="G9"))
    assert found.state.value == "done"
    assert ledger.recover().empty


def test_the_refusal_names_the_station_and_time_of_the_earlier_print(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    label = stored_label("G9", "SF0000000000099")
    with Ledger(path, station="bench-7") as first, Ledger(path, station="bench-3") as second:
        token = send(LedgerPrintGuard(first), label)
        with pytest.raises(PrintRefused) as in_flight:
            send(LedgerPrintGuard(second), label)
        assert "is being printed on Label1 at station bench-7" in in_flight.value.reason
        LedgerPrintGuard(first).after_print(token, PrintResult(OutcomeKind.SPOOLED, "job 1"))
        with pytest.raises(PrintRefused) as refused:
            send(LedgerPrintGuard(second), label)
        assert refused.value.already_printed
        (record,) = [p for r in second.search() for p in second.attempts(r.order_row_id)]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(record.started_at))
        assert refused.value.reason == (
            f"SF0000000000099 was printed on Label1 at station bench-7 at {when} already"
        )
