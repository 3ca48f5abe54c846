"""The ledger on a real SQLite file: orders, fetches, prints and the duplicate-print guard."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted, LedgerError, OrderState, PrintOutcome
from app.core.ledger_schema import SCHEMA_VERSION
from app.core.model import OrderRef, PageSizeMm, WaybillStatus
from tests.unit.core.ledger_support import StepClock, cancelled_waybill, error_waybill, ok_waybill

SF1 = OrderRef("ORDER-001", "SF")
SF2 = OrderRef("ORDER-002", "SF")


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def ledger(tmp_path: Path, clock: StepClock) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.sqlite3", clock=clock) as opened:
        yield opened


def fetched(ledger: Ledger, ref: OrderRef, waybill_id: str) -> int:
    [row] = ledger.record_queued([ref])
    ledger.record_fetch_started([row])
    ledger.record_fetch_result(row, ok_waybill(ref, waybill_id))
    return row


def state_of(ledger: Ledger, row: int) -> OrderState:
    [found] = [h for h in ledger.search(limit=10_000) if h.order_row_id == row]
    return found.state


def test_the_file_is_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "ledger.sqlite3"
    with Ledger(path) as ledger:
        assert ledger.journal_mode == "wal"
        assert ledger.path == path
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
        runs = raw.execute("SELECT pid, ended_at FROM runs").fetchall()
    finally:
        raw.close()
    assert len(runs) == 1
    assert runs[0][1] is not None  # close() marked the run ended


def test_a_closed_ledger_refuses_calls(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.close()
    ledger.close()  # twice is harmless
    with pytest.raises(LedgerError, match="closed"):
        ledger.record_queued([SF1])


def test_queued_orders_get_ids_and_active_ones_are_not_duplicated(ledger: Ledger) -> None:
    first = ledger.record_queued([SF1, SF2], session_id="s1")
    assert len(set(first)) == 2
    again = ledger.record_queued([SF2, SF1, OrderRef("ORDER-001", "ZTO")])
    assert again[:2] == [first[1], first[0]]
    assert again[2] not in first
    rows = {h.order_row_id: h for h in ledger.search()}
    assert rows[first[0]].session_id == "s1"
    assert rows[first[0]].state is OrderState.QUEUED


def test_recording_orders_as_fetching_is_queue_and_start_in_one(ledger: Ledger) -> None:
    [earlier] = ledger.record_queued([SF1])
    ledger.record_fetch_started([earlier])  # an unanswered fetch, dropped by the next start
    rows = ledger.record_fetching([SF2, SF1, SF2], session_id="s2")
    assert rows[1] == earlier and rows[0] != rows[2] and earlier not in (rows[0], rows[2])
    assert {state_of(ledger, row) for row in rows} == {OrderState.FETCHING}

    def fetch_rows() -> list[tuple[int, float, float | None]]:
        with ledger._tx(write=False) as conn:
            found = conn.execute(
                "SELECT order_row, started_at, finished_at FROM fetches ORDER BY id"
            ).fetchall()
        return [tuple(r) for r in found]

    # the order found active gets an open fetch (its earlier unanswered one dropped); a new
    # order's fetch row is written once, with its answer, started when it was recorded
    [(open_row, started, unfinished)] = fetch_rows()
    assert (open_row, unfinished) == (earlier, None)
    ledger.record_fetch_results(
        [(rows[1], ok_waybill(SF1, "SF100")), (rows[0], error_waybill(SF2))],
        close_printable=True,
    )
    assert state_of(ledger, rows[1]) is OrderState.DONE
    assert state_of(ledger, rows[0]) is OrderState.FAILED
    assert ledger.stored_waybill(rows[1]) == ok_waybill(SF1, "SF100")
    assert ledger.stored_waybill(rows[0]) == error_waybill(SF2)
    finished = {row: (began, ended) for row, began, ended in fetch_rows()}
    assert set(finished) == {earlier, rows[0]}
    assert finished[earlier][0] == started  # the open fetch, finished in place
    assert finished[rows[0]][0] == started  # started in the same transaction
    assert all(ended is not None and ended > started for _, ended in finished.values())
    assert ledger.record_fetching([]) == []


def test_a_finished_order_queued_again_gets_a_new_row(ledger: Ledger) -> None:
    row = fetched(ledger, SF1, "SF100")
    ledger.mark_done(row)
    [again] = ledger.record_queued([SF1])
    assert again != row
    assert state_of(ledger, row) is OrderState.DONE


def test_fetch_result_stores_the_decoded_label(ledger: Ledger) -> None:
    row = fetched(ledger, SF1, "SF100")
    assert state_of(ledger, row) is OrderState.FETCHED
    stored = ledger.stored_waybill(row)
    assert stored == ok_waybill(SF1, "SF100")
    assert stored is not None
    assert "张三" in (stored.html or "")
    assert stored.page_size == PageSizeMm(100.0, 150.0)
    assert stored.waybill_data == (("SF_bagAddr", "广州"), ("SF_mark", "021WT-A"))
    assert stored.extra == {"order_status": "0"}
    assert ledger.stored_waybill("SF100") == stored
    assert ledger.stored_waybill("SF-NOPE") is None
    assert ledger.stored_waybill(9999) is None


def test_fetch_errors_and_cancellations_are_final_with_their_hint(ledger: Ledger) -> None:
    bad, gone = ledger.record_queued([SF1, SF2])
    ledger.record_fetch_started([bad, gone])
    ledger.record_fetch_result(bad, error_waybill(SF1))
    ledger.record_fetch_result(gone, cancelled_waybill(SF2, "SF200"))
    assert state_of(ledger, bad) is OrderState.FAILED
    assert state_of(ledger, gone) is OrderState.CANCELLED
    stored = ledger.stored_waybill(bad)
    assert stored is not None
    assert stored.status is WaybillStatus.ERROR
    assert stored.errcode == 930563
    assert stored.hint is not None and stored.hint.zh == "请检查订单号。"
    row = next(h for h in ledger.search() if h.order_row_id == bad)
    assert (row.fetch_status, row.errcode, row.errmsg) == ("error", 930563, "order not exist")


def test_a_result_for_another_order_is_refused(ledger: Ledger) -> None:
    [row] = ledger.record_queued([SF1])
    with pytest.raises(LedgerError, match="ORDER-002"):
        ledger.record_fetch_result(row, ok_waybill(SF2, "SF200"))
    with pytest.raises(LedgerError, match="no ledger order"):
        ledger.record_fetch_result(12345, ok_waybill(SF1, "SF100"))


def test_a_result_without_fetch_started_is_still_recorded(ledger: Ledger) -> None:
    [row] = ledger.record_queued([SF1])
    ledger.record_fetch_result(row, ok_waybill(SF1, "SF100"))
    assert ledger.stored_waybill(row) == ok_waybill(SF1, "SF100")


def test_print_is_recorded_before_and_after(ledger: Ledger) -> None:
    row = fetched(ledger, SF1, "SF100")
    print_id = ledger.begin_print(row, waybill_id="SF100", printer="Label-1", copies=1)
    pending = ledger.last_print("SF100")
    assert pending is not None
    assert (pending.id, pending.outcome, pending.finished_at) == (
        print_id,
        PrintOutcome.PENDING,
        None,
    )
    assert not ledger.was_printed("SF100")
    ledger.finish_print(print_id, ok=True, message="job 17")
    done = ledger.last_print("SF100")
    assert done is not None
    assert (done.outcome, done.message, done.printer) == (PrintOutcome.SPOOLED, "job 17", "Label-1")
    assert done.finished_at is not None and done.finished_at > done.started_at
    assert ledger.was_printed("SF100")
    assert state_of(ledger, row) is OrderState.PRINTED
    with pytest.raises(LedgerError, match="already spooled"):
        ledger.finish_print(print_id, ok=False)


@pytest.mark.parametrize("outcome", ["pending", "spooled", "unknown", "confirmed_printed"])
def test_a_second_print_is_refused_unless_reprint(
    tmp_path: Path, clock: StepClock, outcome: str
) -> None:
    path = tmp_path / "ledger.sqlite3"
    first = Ledger(path, clock=clock)
    row = fetched(first, SF1, "SF100")
    print_id = first.begin_print(row, waybill_id="SF100", printer="Label-1", copies=1)
    if outcome in ("spooled", "confirmed_printed"):
        first.finish_print(print_id, ok=True)
    if outcome == "confirmed_printed":
        first.confirm_print(print_id, True)
    ledger = first
    if outcome == "unknown":  # the program's process ended with the job pending
        ledger = Ledger(path, clock=clock, process_alive=lambda _host, _pid: False)
        ledger.recover()
    try:
        with pytest.raises(AlreadyPrinted) as refused:
            ledger.begin_print(row, waybill_id="SF100", printer="Label-2", copies=1)
        assert refused.value.waybill_id == "SF100"
        assert refused.value.last_print.id == print_id
        assert refused.value.last_print.outcome.value == outcome
        assert len(ledger.attempts(row)) == 1  # the refused attempt left no row
        again = ledger.begin_print(
            row, waybill_id="SF100", printer="Label-2", copies=2, reprint=True
        )
        ledger.finish_print(again, ok=True)
        records = ledger.attempts(row)
        assert [(r.id, r.is_reprint) for r in records] == [(print_id, False), (again, True)]
        assert records[1].copies == 2
    finally:
        ledger.close()
        first.close()


def test_a_failed_or_denied_print_does_not_block(ledger: Ledger) -> None:
    row = fetched(ledger, SF1, "SF100")
    failed = ledger.begin_print(row, waybill_id="SF100", printer="P", copies=1)
    ledger.finish_print(failed, ok=False, message="printer offline")
    spooled = ledger.begin_print(row, waybill_id="SF100", printer="P", copies=1)
    ledger.finish_print(spooled, ok=True)
    ledger.confirm_print(spooled, False)  # jammed: the packer says nothing came out
    assert not ledger.was_printed("SF100")
    assert state_of(ledger, row) is OrderState.FETCHED
    third = ledger.begin_print(row, waybill_id="SF100", printer="P", copies=1)
    ledger.finish_print(third, ok=True)
    outcomes = [(r.outcome, r.is_reprint, r.message) for r in ledger.attempts(row)]
    assert outcomes == [
        (PrintOutcome.FAILED, False, "printer offline"),
        (PrintOutcome.CONFIRMED_NOT_PRINTED, False, ""),
        (PrintOutcome.SPOOLED, False, ""),
    ]


def test_reprint_flag_without_an_earlier_print_is_an_ordinary_print(ledger: Ledger) -> None:
    row = fetched(ledger, SF1, "SF100")
    print_id = ledger.begin_print(row, waybill_id="SF100", printer="P", copies=1, reprint=True)
    [record] = ledger.attempts(row)
    assert record.id == print_id and not record.is_reprint


def test_the_guard_spans_order_rows_of_the_same_waybill(ledger: Ledger) -> None:
    first = fetched(ledger, SF1, "SF100")
    ledger.finish_print(
        ledger.begin_print(first, waybill_id="SF100", printer="P", copies=1), ok=True
    )
    second = fetched(ledger, SF1, "SF100")  # scanned again after it was printed
    assert second != first
    with pytest.raises(AlreadyPrinted):
        ledger.begin_print(second, waybill_id="SF100", printer="P", copies=1)


def test_pdf_files_are_recorded_but_never_block(ledger: Ledger) -> None:
    row = fetched(ledger, SF1, "SF100")
    pdf = ledger.begin_print(row, waybill_id="SF100", printer="", copies=1, target="pdf")
    ledger.finish_print(pdf, ok=True, pdf_path="/tmp/SF100.pdf")
    assert not ledger.was_printed("SF100")
    last = ledger.last_print("SF100")
    assert last is not None and (last.target, last.pdf_path) == ("pdf", "/tmp/SF100.pdf")
    paper = ledger.begin_print(row, waybill_id="SF100", printer="P", copies=1)
    ledger.finish_print(paper, ok=True)
    second_pdf = ledger.begin_print(row, waybill_id="SF100", printer="", copies=1, target="pdf")
    assert not ledger.attempts(row)[-1].is_reprint
    assert second_pdf == ledger.attempts(row)[-1].id


def test_confirm_print_only_for_unknown_or_spooled(ledger: Ledger) -> None:
    row = fetched(ledger, SF1, "SF100")
    print_id = ledger.begin_print(row, waybill_id="SF100", printer="P", copies=1)
    with pytest.raises(LedgerError, match="pending"):
        ledger.confirm_print(print_id, True)
    ledger.finish_print(print_id, ok=False)
    with pytest.raises(LedgerError, match="failed"):
        ledger.confirm_print(print_id, True)
    with pytest.raises(LedgerError, match="no print"):
        ledger.confirm_print(999, True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"copies": 0}, "copies"),
        ({"target": "fax"}, "target"),
        ({"waybill_id": ""}, "waybill"),
    ],
)
def test_begin_print_validates_its_arguments(
    ledger: Ledger, kwargs: dict[str, object], message: str
) -> None:
    row = fetched(ledger, SF1, "SF100")
    args: dict[str, object] = {"waybill_id": "SF100", "printer": "P", "copies": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        ledger.begin_print(row, **args)  # type: ignore[arg-type]
    assert ledger.attempts(row) == []


def test_begin_print_for_an_unknown_order_is_refused(ledger: Ledger) -> None:
    with pytest.raises(LedgerError, match="no ledger order"):
        ledger.begin_print(404, waybill_id="SF1", printer="P", copies=1)
    assert ledger.last_print("SF1") is None
