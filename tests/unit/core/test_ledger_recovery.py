"""Recovery after the program died: nothing lost, nothing reprinted behind the packer's back."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted, OrderState, PrintOutcome
from tests.unit.core.ledger_support import (
    FETCHED,
    FETCHING,
    QUEUED,
    StepClock,
    leave_a_mess,
    ok_waybill,
)

REPO = Path(__file__).resolve().parents[3]


def check_recovery(path: Path, rows: dict[str, int]) -> None:
    with Ledger(path, clock=StepClock(1_800_000_000.0)) as ledger:
        recovery = ledger.recover()
        assert not recovery.empty
        assert [(o.order_row_id, o.ref) for o in recovery.unfetched] == [
            (rows["queued"], QUEUED),
            (rows["fetching"], FETCHING),
        ]
        assert [(w.order_row_id, w.waybill) for w in recovery.unprinted] == [
            (rows["fetched"], ok_waybill(FETCHED, "SF-OK"))
        ]
        [unknown] = recovery.unknown_prints
        assert (unknown.id, unknown.waybill_id) == (rows["pending_print"], "SF-PENDING")
        assert unknown.outcome is PrintOutcome.UNKNOWN
        assert "ended" in unknown.message
        # Never reprinted automatically: an ordinary print of it is refused...
        try:
            ledger.begin_print(rows["pending"], waybill_id="SF-PENDING", printer="P", copies=1)
        except AlreadyPrinted as refused:
            assert refused.last_print.id == unknown.id
        else:
            raise AssertionError("a print with unknown outcome did not block")
        # ... the unfinished PDF counts as failed, the order that printed stays quiet.
        [pdf] = [a for a in ledger.attempts(rows["fetched"]) if a.target == "pdf"]
        assert pdf.outcome is PrintOutcome.FAILED
        states = {h.order_row_id: h.state for h in ledger.search()}
        assert states[rows["fetching"]] is OrderState.QUEUED
        assert states[rows["printed"]] is OrderState.PRINTED
        assert states[rows["failed"]] is OrderState.FAILED


def test_a_new_run_recovers_what_the_previous_one_left(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, clock=StepClock()) as first:
        rows = leave_a_mess(first)
    check_recovery(path, rows)


def test_recovery_after_the_process_died_mid_print(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    script = textwrap.dedent(
        f"""
        import json, os, sys
        from pathlib import Path
        from app.core.ledger import Ledger
        from tests.unit.core.ledger_support import leave_a_mess
        ledger = Ledger(Path({str(path)!r}))
        rows = leave_a_mess(ledger)
        sys.stdout.write(json.dumps(rows))
        sys.stdout.flush()
        os._exit(3)  # dies: no close(), no finish_print
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr
    rows = {k: int(v) for k, v in json.loads(done.stdout).items()}
    check_recovery(path, rows)


def test_recovery_never_touches_the_current_runs_jobs(tmp_path: Path) -> None:
    with Ledger(tmp_path / "ledger.sqlite3", clock=StepClock()) as ledger:
        rows = leave_a_mess(ledger)
        recovery = ledger.recover()
        assert recovery.empty
        [pending] = [a for a in ledger.attempts(rows["pending"])]
        assert pending.outcome is PrintOutcome.PENDING
        ledger.finish_print(rows["pending_print"], ok=True)
        assert ledger.was_printed("SF-PENDING")


def test_the_packers_answer_settles_an_unknown_print(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, clock=StepClock()) as first:
        rows = leave_a_mess(first)
    with Ledger(path, clock=StepClock(1_800_000_000.0)) as second:
        [unknown] = second.recover().unknown_prints
        second.confirm_print(unknown.id, False)  # nothing came out
        assert not second.was_printed("SF-PENDING")
        reprint = second.begin_print(
            rows["pending"], waybill_id="SF-PENDING", printer="P", copies=1
        )
        second.finish_print(reprint, ok=True)
        assert second.was_printed("SF-PENDING")
    with Ledger(path, clock=StepClock(1_900_000_000.0)) as third:
        recovery = third.recover()
        assert recovery.unknown_prints == ()
        # queued work of the first run still waits; the printed waybill does not come back
        assert [w.waybill.waybill_id for w in recovery.unprinted] == ["SF-OK"]
        assert len(recovery.unfetched) == 2


def test_an_unknown_print_confirmed_printed_is_not_offered_again(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, clock=StepClock()) as first:
        rows = leave_a_mess(first)
    with Ledger(path, clock=StepClock(1_800_000_000.0)) as second:
        [unknown] = second.recover().unknown_prints
        second.confirm_print(unknown.id, True)
        assert second.was_printed("SF-PENDING")
        states = {h.order_row_id: h.state for h in second.search()}
        assert states[rows["pending"]] is OrderState.PRINTED


def test_done_orders_are_not_resurrected(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, clock=StepClock()) as first:
        rows = leave_a_mess(first)
        for key in ("queued", "fetching", "fetched"):
            first.mark_done(rows[key])
    with Ledger(path, clock=StepClock(1_800_000_000.0)) as second:
        recovery = second.recover()
        assert recovery.unfetched == () and recovery.unprinted == ()
        assert len(recovery.unknown_prints) == 1
