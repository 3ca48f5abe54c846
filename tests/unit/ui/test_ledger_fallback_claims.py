"""The fallback guard's claims off the GUI thread keep its books: a local claim built on the
GUI thread holds back the look for the warehouse ledger until it ended, was refused, or
was dropped before it ran — never forever, never too early.

Real SQLite ledgers on both sides (the warehouse one stands in for PostgreSQL here: the
bookkeeping does not depend on the backend) and the real background helper.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_sync import SyncReport
from app.core.model import OrderRef
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.guard import TARGET_PRINTER, PrintRefused
from app.printing.ledger_guard import LedgerAway, LedgerPrintGuard
from app.ui.background import BackgroundRunner
from app.ui.ledger_fallback import FallbackPrintGuard
from app.ui.ledger_outage_prompt import LOCAL
from tests.unit.core.ledger_support import ok_waybill


@pytest.fixture
def guard(tmp_path: Path) -> Iterator[FallbackPrintGuard]:
    shared = Ledger(tmp_path / "warehouse.sqlite3", station="here")
    made = FallbackPrintGuard(
        LedgerPrintGuard(shared), tmp_path / "local.sqlite3", station="here", choose=lambda _: LOCAL
    )
    yield made
    made.close()
    shared.close()


def claim(guard: FallbackPrintGuard, n: int, dropped: threading.Event | None = None) -> object:
    """Build the claim on this (the GUI) thread and run it on another, as the lane does."""
    waybill = ok_waybill(OrderRef(f"O{n}", "SF"), f"SF{n:011d}")
    write = guard.claim_write(
        waybill,
        printer="Label",
        copies=1,
        target=TARGET_PRINTER,
        reprint=False,
        source="all",
        dropped=dropped,
    )
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(write())
        except PrintRefused as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    return outcome[0]


def test_a_local_claim_holds_the_look_until_its_print_ended(
    guard: FallbackPrintGuard, runner: BackgroundRunner, qtbot: QtBot
) -> None:
    assert guard.retry_claim(PrintRefused("not away")) is None  # not its business
    assert guard.retry_claim(LedgerAway("away", "connection refused")) is True
    assert guard.local
    token = claim(guard, 1)
    assert not isinstance(token, PrintRefused)
    assert not guard.look_for_warehouse(runner)  # its print is on its way
    result = PrintResult(OutcomeKind.SPOOLED, "ok")
    guard.settle_write(token, result)()
    guard.settled(token, result)
    with qtbot.waitSignal(guard.returned, timeout=30_000) as back:
        assert guard.look_for_warehouse(runner)
    report = back.args[0]
    assert isinstance(report, SyncReport) and report.copied == 1
    assert not guard.local


def test_a_dropped_local_claim_does_not_hold_the_look(
    guard: FallbackPrintGuard, runner: BackgroundRunner, qtbot: QtBot
) -> None:
    assert guard.retry_claim(LedgerAway("away", "connection refused")) is True
    dropped = threading.Event()
    dropped.set()
    refused = claim(guard, 1, dropped)
    assert isinstance(refused, PrintRefused)
    with qtbot.waitSignal(guard.returned, timeout=30_000) as back:
        assert guard.look_for_warehouse(runner)
    assert back.args[0].copied == 0 and not guard.local
