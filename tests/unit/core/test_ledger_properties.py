"""Random sequences of prints, answers, crashes and restarts never print a waybill twice unseen.

A Hypothesis state machine drives the real ledger file next to a tiny model: any print
outcome that says "a label came out, or may have" blocks every later ordinary print of
the same waybill, so at most one such non-reprint print exists per waybill.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted
from app.core.model import OrderRef
from tests.unit.core.ledger_support import StepClock, ok_waybill

WAYBILLS = ("W1", "W2")
BLOCKING = {"pending", "unknown", "spooled", "confirmed_printed"}


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ledger-prop-"))
        self.clock = StepClock()
        self.ledger = Ledger(self.folder / "ledger.sqlite3", clock=self.clock)
        self.rows: dict[str, int] = {}
        for waybill in WAYBILLS:
            ref = OrderRef(f"O-{waybill}", "SF")
            [row] = self.ledger.record_queued([ref])
            self.ledger.record_fetch_result(row, ok_waybill(ref, waybill))
            self.rows[waybill] = row
        # print id -> [waybill, target, is_reprint, outcome]
        self.model: dict[int, list[str | bool]] = {}

    def _blocked(self, waybill: str) -> bool:
        return any(
            p[0] == waybill and p[1] == "printer" and p[3] in BLOCKING for p in self.model.values()
        )

    def _with_outcome(self, *outcomes: str) -> list[int]:
        return sorted(pid for pid, p in self.model.items() if p[3] in outcomes)

    @rule(
        waybill=st.sampled_from(WAYBILLS),
        reprint=st.booleans(),
        kind=st.sampled_from(["printer", "printer", "pdf"]),
    )
    def begin(self, waybill: str, reprint: bool, kind: str) -> None:
        blocked = kind == "printer" and self._blocked(waybill)
        try:
            print_id = self.ledger.begin_print(
                self.rows[waybill],
                waybill_id=waybill,
                printer="P",
                copies=1,
                target=kind,
                reprint=reprint,
            )
        except AlreadyPrinted:
            assert blocked and not reprint
            return
        assert reprint or not blocked
        self.model[print_id] = [waybill, kind, blocked, "pending"]

    @precondition(lambda self: bool(self._with_outcome("pending")))
    @rule(data=st.data(), ok=st.booleans())
    def finish(self, data: st.DataObject, ok: bool) -> None:
        print_id = data.draw(st.sampled_from(self._with_outcome("pending")))
        self.ledger.finish_print(print_id, ok=ok)
        self.model[print_id][3] = "spooled" if ok else "failed"

    @precondition(lambda self: bool(self._with_outcome("unknown", "spooled")))
    @rule(data=st.data(), printed=st.booleans())
    def confirm(self, data: st.DataObject, printed: bool) -> None:
        print_id = data.draw(st.sampled_from(self._with_outcome("unknown", "spooled")))
        self.ledger.confirm_print(print_id, printed)
        self.model[print_id][3] = "confirmed_printed" if printed else "confirmed_not_printed"

    @rule()
    def crash_and_restart(self) -> None:
        """A new run opens the file while the old one is still open (its process died)."""
        dead = self.ledger
        self.ledger = Ledger(dead.path, clock=self.clock, process_alive=lambda _h, _p: False)
        recovery = self.ledger.recover()
        dead.close()
        for print_id in self._with_outcome("pending"):
            self.model[print_id][3] = (
                "unknown" if self.model[print_id][1] == "printer" else "failed"
            )
        assert {p.id for p in recovery.unknown_prints} == set(self._with_outcome("unknown"))

    @invariant()
    def ledger_matches_model(self) -> None:
        for waybill in WAYBILLS:
            records = self.ledger.attempts(self.rows[waybill])
            seen = {r.id: [r.waybill_id, r.target, r.is_reprint, r.outcome.value] for r in records}
            assert seen == {pid: p for pid, p in self.model.items() if p[0] == waybill}
            originals = [r for r in records if r.blocking and not r.is_reprint]
            assert len(originals) <= 1
            assert self.ledger.was_printed(waybill) == any(
                r.target == "printer" and r.outcome.value in ("spooled", "confirmed_printed")
                for r in records
            )

    def teardown(self) -> None:
        self.ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)


LedgerMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerMachine = LedgerMachine.TestCase
