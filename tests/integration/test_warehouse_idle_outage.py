"""The idle window notices the warehouse ledger going away, and coming back.

A real PostgreSQL server of this test's own is stopped while the window is up and nobody
prints: the ledger's heartbeat (on its own thread) fails, and the window's yellow line says
the warehouse ledger does not answer — without asking the packer anything and without
leaving the warehouse ledger. Started again, the next beat goes through and the line says
it answers again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger_records import LedgerUnavailable
from app.core.ledger_url import LedgerLocation
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.ledger_fallback import FallbackPrintGuard
from app.ui.ledger_session import attach_ledger
from app.ui.ledger_startup import open_window_ledger
from tests.fixtures.postgres import PgServer
from tests.unit.ui.support import open_window, sandbox_settings


def never_choose(problem: str) -> str:
    raise AssertionError(f"the packer was asked while nobody printed: {problem}")


def test_the_idle_window_says_when_the_warehouse_ledger_goes_and_comes_back(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    own_server: PgServer,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    url = own_server.new_database()
    session = open_window_ledger(
        LedgerLocation(tmp_path / "ledger.sqlite3", url), 180, station="win-A", heartbeat_s=0.2
    )
    guard = session.guard
    assert isinstance(guard, FallbackPrintGuard)
    guard.choose = never_choose
    try:
        with open_window(
            sandbox,
            label_profile,
            print_queue,
            tmp_path / "pdf",
            settings=sandbox_settings(sandbox),
            print_guard=guard,
        ) as window:
            features = attach_ledger(window, session)
            assert features.fallback is not None
            features.fallback.watch.setInterval(50)
            assert session.ledger.heartbeat_problem is None
            away = "does not answer"
            assert away not in window.scan_bar.message_text()

            own_server.stop()
            qtbot.waitUntil(lambda: away in window.scan_bar.message_text(), timeout=30_000)
            assert not guard.local and not features.fallback.banner.isVisible()
            assert window.printer.pending == 0

            own_server.start()
            back = "answers again"
            qtbot.waitUntil(lambda: back in window.scan_bar.message_text(), timeout=60_000)
            assert session.ledger.heartbeat_problem is None
            assert not guard.local
            # the window's own connection was cut by the restart: its first use finds that
            # out, the next one reconnects (what Retry does for a print)
            with contextlib.suppress(LedgerUnavailable):
                session.ledger.ping()
            session.ledger.ping()
    finally:
        session.close()
