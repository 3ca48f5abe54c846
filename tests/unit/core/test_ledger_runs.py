"""Runs that know who is alive, and the claim on a waybill, on a real SQLite file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted, PrintOutcome
from app.core.ledger_runs import STALE_AFTER_S, pid_alive
from app.core.model import OrderRef
from tests.unit.core.ledger_support import StepClock, ok_waybill

REPO = Path(__file__).resolve().parents[3]


def fetched(ledger: Ledger, order: str, waybill: str) -> int:
    (row,) = ledger.record_queued([OrderRef(order, "SF")])
    ledger.record_fetch_result(row, ok_waybill(OrderRef(order, "SF"), waybill))
    return row


def test_a_live_run_keeps_its_pending_print_while_another_run_recovers(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    with Ledger(path, station="bench-1") as first:
        row = fetched(first, "O1", "W1")
        pending = first.begin_print(row, waybill_id="W1", printer="P", copies=1)
        with Ledger(path, station="bench-1") as second:
            recovery = second.recover()
            assert recovery.empty  # the first run is alive: nothing of it is touched
            with pytest.raises(AlreadyPrinted) as refused:
                second.begin_print(row, waybill_id="W1", printer="P", copies=1)
            assert refused.value.last_print.outcome is PrintOutcome.PENDING
            assert refused.value.last_print.station == "bench-1"
            assert "bench-1" in str(refused.value)
        first.finish_print(pending, ok=True)  # not "already unknown"
        (record,) = first.attempts(row)
        assert (record.outcome, record.station) == (PrintOutcome.SPOOLED, "bench-1")


def test_a_run_whose_process_died_is_settled(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from app.core.ledger import Ledger
        from app.core.model import OrderRef
        from tests.unit.core.test_ledger_runs import fetched
        ledger = Ledger(Path({str(path)!r}))
        row = fetched(ledger, "O1", "W1")
        ledger.begin_print(row, waybill_id="W1", printer="P", copies=1)
        os._exit(3)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    assert child.wait(timeout=60) == 3  # reaped: its pid is gone
    assert not pid_alive("", child.pid)
    with Ledger(path) as ledger:
        (unknown,) = ledger.recover().unknown_prints
        assert (unknown.waybill_id, unknown.outcome) == ("W1", PrintOutcome.UNKNOWN)


def test_a_silent_run_is_settled_even_if_its_pid_lives(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    clock = StepClock()
    first = Ledger(path, clock=clock)
    row = fetched(first, "O1", "W1")
    first.begin_print(row, waybill_id="W1", printer="P", copies=1)
    with Ledger(path, clock=clock) as second:
        assert second.recover().unknown_prints == ()  # alive and recent
        clock.now += STALE_AFTER_S + 1  # no heartbeat for longer than allowed
        (unknown,) = second.recover().unknown_prints
        assert unknown.outcome is PrintOutcome.UNKNOWN
    first.close()


def test_the_heartbeat_keeps_a_quiet_run_alive(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    clock = StepClock()
    with Ledger(path, clock=clock, heartbeat_s=0.05) as first:
        row = fetched(first, "O1", "W1")
        first.begin_print(row, waybill_id="W1", printer="P", copies=1)
        clock.now += STALE_AFTER_S + 1  # long quiet: only the heartbeat speaks
        target = clock.now + 3  # each beat reads the clock once: three beats
        give_up = time.monotonic() + 30
        while clock.now < target and time.monotonic() < give_up:
            time.sleep(0.01)
        assert clock.now >= target
        with Ledger(path, clock=clock) as second:
            assert second.recover().unknown_prints == ()


def test_two_ledgers_claim_a_waybill_once_and_a_reprint_is_its_own_claim(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.sqlite3"
    with Ledger(path, station="A") as a, Ledger(path, station="B") as b:
        row = fetched(a, "O1", "W1")
        a.begin_print(row, waybill_id="W1", printer="P", copies=1)
        with pytest.raises(AlreadyPrinted):
            b.begin_print(row, waybill_id="W1", printer="P", copies=1)
        again = b.begin_print(row, waybill_id="W1", printer="P", copies=1, reprint=True)
        records = {r.id: r for r in b.attempts(row)}
        assert records[again].is_reprint and records[again].station == "B"
        assert [r.is_reprint for r in records.values()] == [False, True]
