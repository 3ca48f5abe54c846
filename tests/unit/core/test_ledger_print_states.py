"""Print states of schema v4 on both engines: sent → printed / stuck / failed with the typed
kind and the CUPS job; a sent or stuck print blocks a second original print; old rows get
their kind from their message's first word when migrated."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from app.core.batch_run import OUTPUT_FAILED, BatchRun
from app.core.ledger import Ledger
from app.core.ledger_db import SQLITE
from app.core.ledger_records import (
    AlreadyPrinted,
    HistoryFilter,
    LedgerError,
    OrderState,
    PrintOutcome,
)
from app.core.ledger_schema import MIGRATIONS, SCHEMA_VERSION
from app.core.model import OrderRef, Waybill
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.ledger_guard import command_line_guard
from tests.unit.core.ledger_support import StepClock, ok_waybill


def fetched(ledger: Ledger, order: str, waybill: str) -> int:
    (row,) = ledger.record_queued([OrderRef(order, "SF")])
    ledger.record_fetch_started([row])
    ledger.record_fetch_result(row, ok_waybill(OrderRef(order, "SF"), waybill))
    return row


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.sqlite3")
    else:
        yield request.getfixturevalue("pg_url")


def sent(ledger: Ledger, row: int, waybill: str, job: int) -> int:
    print_id = ledger.begin_print(row, waybill_id=waybill, printer="Bench", copies=1)
    ledger.settle_print(
        print_id,
        PrintOutcome.SENT,
        message=f"spooled: sent to Bench (accepted by CUPS as Bench-{job})",
        kind=OutcomeKind.SPOOLED,
        cups_job=job,
    )
    return print_id


def test_a_sent_print_becomes_printed_only_on_completion(where: str) -> None:
    with Ledger(where, clock=StepClock()) as ledger:
        row = fetched(ledger, "O1", "SF1")
        print_id = sent(ledger, row, "SF1", 41)
        (record,) = ledger.attempts(row)
        assert (record.outcome, record.kind, record.cups_job) == (
            PrintOutcome.SENT,
            OutcomeKind.SPOOLED,
            41,
        )
        assert not ledger.was_printed("SF1")
        assert ledger.search(HistoryFilter(order_id="O1"))[0].state is OrderState.FETCHED
        ledger.settle_print(
            print_id, PrintOutcome.PRINTED, message="printed: done", kind=OutcomeKind.PRINTED
        )
        (record,) = ledger.attempts(row)
        assert (record.outcome, record.kind, record.cups_job) == (
            PrintOutcome.PRINTED,
            OutcomeKind.PRINTED,
            41,
        )
        assert ledger.was_printed("SF1")
        assert ledger.search(HistoryFilter(order_id="O1"))[0].state is OrderState.PRINTED


def test_a_stuck_print_blocks_a_second_original_and_only_a_cancel_frees_it(where: str) -> None:
    with Ledger(where, clock=StepClock()) as ledger:
        row = fetched(ledger, "O2", "SF2")
        print_id = sent(ledger, row, "SF2", 42)
        reason = "stuck: printer Bench is stopped (paused): Out of labels"
        ledger.settle_print(print_id, PrintOutcome.STUCK, message=reason, kind=OutcomeKind.STUCK)
        with pytest.raises(AlreadyPrinted):
            ledger.begin_print(row, waybill_id="SF2", printer="Bench", copies=1)
        with pytest.raises(LedgerError, match="cancel the job first"):
            ledger.confirm_print(print_id, printed=False)
        (record,) = ledger.attempts(row)
        assert (record.outcome, record.message) == (PrintOutcome.STUCK, reason)
        # cancelled in CUPS: failed with the reason, and the waybill may print again
        ledger.settle_print(
            print_id, PrintOutcome.FAILED, message="job_failed: job 42 cancelled in CUPS"
        )
        again = ledger.begin_print(row, waybill_id="SF2", printer="Bench", copies=1)
        assert again != print_id
        assert not ledger.was_printed("SF2")


def test_a_stuck_print_the_packer_saw_come_out_is_confirmed_printed(where: str) -> None:
    with Ledger(where, clock=StepClock()) as ledger:
        row = fetched(ledger, "O3", "SF3")
        print_id = sent(ledger, row, "SF3", 43)
        ledger.settle_print(print_id, PrintOutcome.STUCK, message="stuck", kind=OutcomeKind.STUCK)
        ledger.confirm_print(print_id, printed=True)
        (record,) = ledger.attempts(row)
        assert record.outcome is PrintOutcome.CONFIRMED_PRINTED
        assert ledger.was_printed("SF3")
        with pytest.raises(LedgerError, match="already"):
            ledger.settle_print(print_id, PrintOutcome.PRINTED, message="printed")


def test_an_earlier_runs_sent_and_stuck_prints_come_back_to_be_followed(where: str) -> None:
    with Ledger(where, clock=StepClock()) as ledger:
        rows = [fetched(ledger, f"O4{i}", f"SF4{i}") for i in range(3)]
        first = sent(ledger, rows[0], "SF40", 50)
        second = sent(ledger, rows[1], "SF41", 51)
        ledger.settle_print(second, PrintOutcome.STUCK, message="stuck", kind=OutcomeKind.STUCK)
        third = sent(ledger, rows[2], "SF42", 52)
        ledger.settle_print(third, PrintOutcome.PRINTED, message="printed")
    with Ledger(where, clock=StepClock(1_800_000_000.0)) as later:
        recovery = later.recover()
        assert [(p.id, p.cups_job) for p in recovery.in_printer] == [(first, 50), (second, 51)]
        assert recovery.unprinted == () and recovery.unknown_prints == ()


class FollowingSink:
    """A printer that takes every label as CUPS job 7 and ends it as told; records the
    ledger's state of the print while it is followed."""

    target = "printer"
    name = "Bench"

    def __init__(self, ledger: Ledger, end: OutcomeKind) -> None:
        self.ledger = ledger
        self.end = end
        self.seen_while_following: list[PrintOutcome] = []

    def finished_file(self, waybill: Waybill) -> str | None:
        return None

    def output(self, waybill: Waybill, *, copies: int) -> PrintResult:
        return PrintResult(OutcomeKind.SPOOLED, "sent to Bench", cups_job=7)

    def follows(self, result: PrintResult) -> bool:
        return result.cups_job is not None

    def follow(self, result: PrintResult) -> PrintResult:
        last = self.ledger.last_print("SF5")
        assert last is not None
        self.seen_while_following.append(last.outcome)
        return PrintResult(self.end, "printer Bench is stopped: Out of labels", cups_job=7)


@pytest.mark.parametrize(
    ("end", "outcome", "ok"),
    [
        (OutcomeKind.PRINTED, PrintOutcome.PRINTED, True),
        (OutcomeKind.CONFIRMED_PRINTED, PrintOutcome.CONFIRMED_PRINTED, True),
        (OutcomeKind.STUCK, PrintOutcome.STUCK, False),
        (OutcomeKind.JOB_FAILED, PrintOutcome.FAILED, False),
    ],
)
def test_a_batch_print_is_sent_while_followed_then_settled_by_the_printer(
    tmp_path: Path, end: OutcomeKind, outcome: PrintOutcome, ok: bool
) -> None:
    with Ledger(tmp_path / "l.sqlite3", clock=StepClock()) as ledger:
        row = fetched(ledger, "O5", "SF5")
        waybill = ledger.stored_waybill(row)
        assert waybill is not None
        sink = FollowingSink(ledger, end)
        put = BatchRun(ledger, command_line_guard(ledger)).put_out(row, waybill, sink)
        assert sink.seen_while_following == [PrintOutcome.SENT]
        assert (put.ok, put.kind) == (ok, end)
        assert put.errcode == (0 if ok else OUTPUT_FAILED)
        (record,) = ledger.attempts(row)
        assert (record.outcome, record.kind, record.cups_job) == (outcome, end, 7)
        assert "Out of labels" in record.message
        assert ledger.was_printed("SF5") is ok


# -- migration from version 3 ------------------------------------------------------------

OLD_MESSAGES = (
    ("spooled", "spooled: sent to Bench (accepted by CUPS as Bench-3)", OutcomeKind.SPOOLED),
    ("failed", "refused: printing to Bench failed: not accepting jobs", OutcomeKind.REFUSED),
    ("unknown", "the program ended before the printer answered", None),
)


def _v3_rows(execute: object) -> None:
    run = execute  # a callable taking (sql) for the engine at hand
    assert callable(run)
    run("INSERT INTO runs (id, pid, started_at, ended_at) VALUES (99, 1, 1000, 1001)")
    for i, (outcome, message, _) in enumerate(OLD_MESSAGES, start=1):
        run(
            "INSERT INTO orders (id, order_id, delivery_id, queued_at, state, run_id, updated_at)"
            f" VALUES ({i}, 'V3-{i}', 'SF', 1000, 'fetched', 99, 1000)"
        )
        run(
            "INSERT INTO prints (id, order_row, waybill_id, printer, copies, started_at, outcome,"
            f" message, run_id) VALUES ({100 + i}, {i}, 'SF-V3-{i}', 'Bench', 1, 1000,"
            f" '{outcome}', '{message}', 99)"
        )


def _check_migrated(ledger: Ledger) -> None:
    assert ledger.migrated_from == 3
    for i, (outcome, message, kind) in enumerate(OLD_MESSAGES, start=1):
        (record,) = ledger.attempts(i)
        assert (record.outcome.value, record.message, record.kind) == (outcome, message, kind)
    # the claim still holds: spooled and unknown block, failed does not
    with pytest.raises(AlreadyPrinted):
        ledger.begin_print(1, waybill_id="SF-V3-1", printer="Bench", copies=1)
    with pytest.raises(AlreadyPrinted):
        ledger.begin_print(3, waybill_id="SF-V3-3", printer="Bench", copies=1)
    ledger.begin_print(2, waybill_id="SF-V3-2", printer="Bench", copies=1)


def test_a_version_3_sqlite_file_migrates_with_kinds_from_the_messages(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        for step in MIGRATIONS[:3]:
            for statement in step.get("*", step.get(SQLITE, ())):
                raw.execute(statement)
        _v3_rows(raw.execute)
        raw.execute("PRAGMA user_version = 3")
    finally:
        raw.close()
    with Ledger(path, clock=StepClock()) as ledger:
        _check_migrated(ledger)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        indexes = {row[1] for row in raw.execute("PRAGMA index_list(prints)")}
    finally:
        raw.close()
    assert {"prints_claim", "prints_order", "prints_waybill", "prints_station"} <= indexes


def test_a_version_3_postgresql_database_migrates_with_kinds_from_the_messages(
    pg_url: str,
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for step in MIGRATIONS[:3]:
            for statement in step.get("*", step.get("postgresql", ())):
                conn.execute(statement.encode())
        _v3_rows(conn.execute)
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (3)")
    with Ledger(pg_url, clock=StepClock()) as ledger:
        _check_migrated(ledger)


def test_history_and_its_csv_say_a_print_is_stuck_and_why(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite3", clock=StepClock()) as ledger:
        row = fetched(ledger, "O6", "SF6")
        print_id = sent(ledger, row, "SF6", 60)
        reason = "stuck: printer Bench is stopped (paused): Out of labels"
        ledger.settle_print(print_id, PrintOutcome.STUCK, message=reason, kind=OutcomeKind.STUCK)
        [history] = ledger.search(HistoryFilter(order_id="O6"))
        assert (history.last_outcome, history.last_kind, history.last_message) == (
            PrintOutcome.STUCK,
            OutcomeKind.STUCK,
            reason,
        )
        target = tmp_path / "history.csv"
        Ledger.export_csv([history], target)
    with target.open(encoding="utf-8-sig", newline="") as stream:
        [header, line] = list(csv.reader(stream))
    cells = dict(zip(header, line, strict=True))
    assert (cells["last_print_outcome"], cells["last_print_kind"]) == ("stuck", "stuck")
    assert cells["last_print_message"] == reason
