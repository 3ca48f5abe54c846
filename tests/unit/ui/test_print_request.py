"""Print requests on a real ledger: claims off the GUI thread, answers back in order.

A real SQLite ledger file, its `LedgerPrintGuard`, the background helper's serial lane and
the real print queue writing PDF files. Another connection holding the ledger's write lock
stands for a slow disk or a busy warehouse ledger: the claims wait in the lane while the
GUI thread goes on, and what the packer asked for comes out in the order asked, once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome, PrintRecord
from app.core.settings import Settings
from app.printing.ledger_guard import LedgerPrintGuard
from app.printing.queue import PrintQueue
from app.ui.background import BackgroundRunner
from app.ui.print_controller import PrintController
from app.ui.queue_model import OrderQueueModel, RowState
from tests.fixtures.qt import dispose, print_queue_idle, wait_until_quiet
from tests.unit.ui.test_print_controller import Asker, waybill


class Station:
    def __init__(self, queue: PrintQueue, tmp_path: Path) -> None:
        self.path = tmp_path / "ledger.sqlite3"
        self.pdf_dir = tmp_path / "pdf"
        self.queue = queue
        self.ledger = Ledger(self.path, station="here")
        self.guard = LedgerPrintGuard(self.ledger)
        self.runner = BackgroundRunner()
        self.model = OrderQueueModel()
        self.asker = Asker(False)
        self.controller = PrintController(
            self.model, queue, Settings(), pdf_dir=self.pdf_dir, guard=self.guard, ask=self.asker
        )
        self.controller.service.set_settle_lane(self.runner.lane())
        self.waybills = [waybill(n) for n in (1, 2, 3)]
        self.model.add_refs(w.ref for w in self.waybills)
        self.model.set_fetching(w.ref.key for w in self.waybills)
        self.model.apply_waybills(self.waybills)
        self.ended: list[str] = []  # order ids in the order their jobs ended
        self.controller.jobEnded.connect(lambda key, _ok, _message: self.ended.append(key[0]))
        self._lock: sqlite3.Connection | None = None

    def files(self) -> list[str]:
        return sorted(p.stem for p in self.pdf_dir.glob("*.pdf")) if self.pdf_dir.exists() else []

    def lock(self) -> None:
        """Another connection takes the ledger's write lock: every claim waits for it."""
        self._lock = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._lock.execute("BEGIN IMMEDIATE")

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.execute("COMMIT")
            self._lock.close()
            self._lock = None

    def prints(self) -> list[PrintRecord]:
        return [
            p for r in self.ledger.search(limit=100) for p in self.ledger.attempts(r.order_row_id)
        ]

    def quiet(self, qtbot: QtBot) -> None:
        wait_until_quiet(
            qtbot, lambda: self.controller.pending == 0 and print_queue_idle(self.queue)
        )

    def close(self) -> None:
        self.unlock()
        self.runner.shutdown()
        dispose(self.controller)
        self.runner.deleteLater()
        self.ledger.close()


@pytest.fixture
def station(print_queue: PrintQueue, tmp_path: Path) -> Iterator[Station]:
    made = Station(print_queue, tmp_path)
    yield made
    made.close()


def ids(station: Station, *numbers: int) -> list[str]:
    return [station.waybills[n - 1].waybill_id for n in numbers]


def test_requests_made_while_the_ledger_is_locked_print_in_the_order_made(
    station: Station, qtbot: QtBot
) -> None:
    keys = [w.ref.key for w in station.waybills]
    station.lock()
    first = station.controller.print_keys([keys[2]], source="scan")
    second = station.controller.print_keys([keys[0], keys[1]], source="scan")
    # the claims wait in the lane; the GUI thread is back at once
    assert not first.finished and not second.finished
    assert station.controller.pending == 3
    assert [row.state for row in station.model.rows()] == [RowState.READY] * 3
    station.unlock()
    qtbot.waitUntil(lambda: first.finished and second.finished, timeout=30_000)
    assert (first.submitted, second.submitted) == (1, 2)
    station.quiet(qtbot)
    assert station.ended == ["O3", "O1", "O2"]  # one job at a time: ended as started
    assert station.files() == sorted(ids(station, 1, 2, 3))
    assert sorted(p.outcome.value for p in station.prints()) == ["spooled"] * 3


def test_a_label_being_claimed_is_not_asked_for_twice(station: Station, qtbot: QtBot) -> None:
    key = station.waybills[0].ref.key
    station.lock()
    first = station.controller.print_keys([key], source="scan")
    again = station.controller.print_keys([key], source="scan")
    assert again.finished and again.submitted == 0
    assert again.refused == [(key, "it is already being printed")]
    station.unlock()
    station.quiet(qtbot)
    assert first.finished and first.submitted == 1
    assert station.files() == ids(station, 1)
    assert [p.outcome for p in station.prints()] == [PrintOutcome.SPOOLED]


def test_printed_before_is_asked_once_when_the_claims_are_back(
    station: Station, qtbot: QtBot
) -> None:
    ctl = station.controller
    done = ctl.print_waybills(station.waybills[:1], reprint=False, source="selected")
    qtbot.waitUntil(lambda: done.finished, timeout=30_000)
    station.quiet(qtbot)
    # the first label again with the second: asked once, about the first; "no"
    result = ctl.print_waybills(station.waybills[:2], reprint=False, source="selected")
    assert station.asker.questions == []  # not asked before its claim came back
    qtbot.waitUntil(lambda: result.finished, timeout=30_000)
    ((_title, question),) = station.asker.questions
    assert f"{station.waybills[0].waybill_id} was written to {station.pdf_dir}" in question
    assert (result.submitted, result.declined) == (1, 1)
    station.quiet(qtbot)
    # and "yes": printed again as a reprint
    station.asker.answer = True
    result = ctl.print_waybills(station.waybills[:1], reprint=False, source="selected")
    qtbot.waitUntil(lambda: result.finished, timeout=30_000)
    assert (result.submitted, result.reprinted, len(station.asker.questions)) == (1, 1, 2)
    station.quiet(qtbot)
    firsts = [p for p in station.prints() if p.waybill_id == station.waybills[0].waybill_id]
    assert len(firsts) == 2  # printed, and printed again when the packer said yes
    assert sorted(station.files()) == sorted([*ids(station, 1, 2), f"{ids(station, 1)[0]}-2"])
    assert {p.outcome for p in station.prints()} == {PrintOutcome.SPOOLED}


def test_cancel_printing_while_claims_wait_leaves_nothing_pending(
    station: Station, qtbot: QtBot
) -> None:
    keys = [w.ref.key for w in station.waybills]
    station.lock()
    result = station.controller.print_keys(keys, source="all")
    assert station.controller.cancel_pending() == 3
    station.unlock()
    qtbot.waitUntil(lambda: result.finished, timeout=30_000)
    station.quiet(qtbot)
    assert result.cancelled and result.submitted == 0
    assert station.files() == []
    # at most the claim that was already waiting is on record, and it is settled
    records = station.prints()
    assert len(records) <= 1
    assert all(p.outcome is PrintOutcome.FAILED for p in records)
    assert [row.state for row in station.model.rows()] == [RowState.READY] * 3
