"""The claim that starts every print runs off the GUI thread: a slow ledger never holds
the window before a label goes out.

The real ledger — a SQLite file, or a PostgreSQL server the test starts — is locked by
another connection (as another program's or station's long write would) before Print
all is pressed. The label's claim starts in the background helper's
serial lane and waits there for the lock; meanwhile keys posted to the scan field go
through the GUI event loop and are echoed, the row is not printed and no file is written.
Once the lock is released, the claim goes through and the label is printed exactly once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome
from app.printing.ledger_guard import LedgerPrintGuard
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.queue_model import RowState
from tests.fixtures.cups import CupsPdfQueue
from tests.integration.cups_support import fresh_order_id
from tests.unit.ui.ledger_support import ledger_window, prints_of
from tests.unit.ui.support import sandbox_settings

TYPED = "echo"


class ClaimSpy:
    """Wraps the real guard's `claim_write`: notes the thread each claim runs on and
    whether it is running now (the claim itself is the real ledger's)."""

    def __init__(self, guard: LedgerPrintGuard) -> None:
        self._claim_write = guard.claim_write
        self.threads: list[threading.Thread] = []
        self.started = threading.Event()
        self.finished = threading.Event()

    def claim_write(self, *args: object, **kwargs: object) -> Callable[[], object]:
        write = self._claim_write(*args, **kwargs)  # type: ignore[arg-type]

        def claim() -> object:
            self.threads.append(threading.current_thread())
            self.started.set()
            try:
                return write()
            finally:
                self.finished.set()

        return claim


def post_keys(target: object, text: str) -> None:
    """Key presses queued to the event loop, as a keyboard's would be."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, ord(char.upper()), Qt.KeyboardModifier.NoModifier, char)
            QCoreApplication.postEvent(target, event)  # type: ignore[arg-type]


class SqliteLock:
    """Another connection holding the ledger file's write lock."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("BEGIN IMMEDIATE")

    def has_waiter(self) -> bool:
        return True  # SQLite does not show who waits: the claim's own note must do

    def release(self) -> None:
        self._conn.execute("COMMIT")
        self._conn.close()


class PgLock:
    """Another connection holding the prints table against every writer."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn = psycopg.connect(url)
        self._conn.execute("LOCK TABLE prints IN EXCLUSIVE MODE")

    def has_waiter(self) -> bool:
        """True while another connection waits for a lock (the claim, for this one)."""
        with psycopg.connect(self._url, autocommit=True) as other:
            row = other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).fetchone()
        return row is not None and row[0] > 0

    def release(self) -> None:
        self._conn.commit()
        self._conn.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_window_echoes_keys_while_a_claim_waits_for_the_ledger_then_prints_once(
    backend: str,
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
    request: pytest.FixtureRequest,
) -> None:
    path: Path | str = tmp_path / "ledger.sqlite3"
    if backend == "postgresql":
        path = str(request.getfixturevalue("pg_url"))
    pdf_dir = tmp_path / "pdf"
    order = fresh_order_id()
    with ledger_window(
        sandbox, label_profile, print_queue, pdf_dir, path, settings=sandbox_settings(sandbox)
    ) as (window, features):
        guard = window.printer.guard
        assert isinstance(guard, LedgerPrintGuard)
        spy = ClaimSpy(guard)
        guard.claim_write = spy.claim_write  # type: ignore[method-assign]
        window.add_text(order)
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
        qtbot.waitUntil(window.actions_.print_all.isEnabled, timeout=10_000)
        waybill_id = window.model.row_at(0).waybill_id
        field = window.scan_bar.field
        field.clear()

        # every other writer waits, the claim too
        lock = SqliteLock(path) if isinstance(path, Path) else PgLock(path)
        try:
            window.actions_.print_all.trigger()
            assert spy.started.wait(10)  # the claim is running, and waits for the lock
            qtbot.waitUntil(lock.has_waiter, timeout=10_000)
            post_keys(field, TYPED)
            qtbot.waitUntil(lambda: field.text() == TYPED, timeout=5_000)
            # the GUI thread turned while the claim is still waiting for the ledger
            assert not spy.finished.is_set()
            assert window.printer.pending == 1
            assert window.model.row_at(0).state is RowState.READY
            assert list(pdf_dir.glob("*.pdf")) == []
        finally:
            lock.release()

        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=30_000)
        assert window.model.row_at(0).state is RowState.PRINTED
        (claimed_on,) = spy.threads
        assert claimed_on is not threading.main_thread()
        assert [f.stem for f in pdf_dir.glob("*.pdf")] == [waybill_id]
        (record,) = prints_of(features.session.ledger, order)
        assert record.outcome is PrintOutcome.SPOOLED
        assert not record.is_reprint


def test_scans_while_the_ledger_is_locked_print_in_the_order_scanned(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    """Print on scan: three fetched orders scanned while the ledger is locked. Each scan
    is taken at once (the field is free for the next), the claims wait in the lane, and
    once the lock goes the labels print in the order scanned, each once."""
    path, pdf_dir = tmp_path / "ledger.sqlite3", tmp_path / "pdf"
    orders = [fresh_order_id() for _ in range(3)]
    settings = sandbox_settings(sandbox, scan_to_print=True)
    with ledger_window(sandbox, label_profile, print_queue, pdf_dir, path, settings=settings) as (
        window,
        features,
    ):
        window.add_text("\n".join(orders))
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
        qtbot.waitUntil(window.actions_.print_all.isEnabled, timeout=10_000)
        assert window.printer.pending == 0
        ended: list[str] = []
        window.printer.jobEnded.connect(lambda key, _ok, _message: ended.append(key[0]))
        scanned = [orders[2], orders[0], orders[1]]
        field = window.scan_bar.field
        lock = SqliteLock(path)
        try:
            for order in scanned:
                qtbot.keyClicks(field, order)
                qtbot.keyClick(field, Qt.Key.Key_Return)
                assert field.text() == ""  # taken: the field is free for the next scan
            assert window.printer.claiming == 3
            post_keys(field, TYPED)
            qtbot.waitUntil(lambda: field.text() == TYPED, timeout=5_000)
            assert window.printer.claiming == 3 and ended == []
            assert list(pdf_dir.glob("*.pdf")) == []
        finally:
            lock.release()
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
        assert ended == scanned
        waybills = {row.key[0]: row.waybill_id for row in window.model.rows()}
        assert sorted(p.stem for p in pdf_dir.glob("*.pdf")) == sorted(waybills.values())
        for order in orders:
            (record,) = prints_of(features.session.ledger, order)
            assert record.outcome is PrintOutcome.SPOOLED


@pytest.mark.cups
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_claim_running_when_the_window_closes_is_recorded_not_printed(
    backend: str,
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    tmp_path: Path,
    qtbot: QtBot,
    request: pytest.FixtureRequest,
) -> None:
    """The window closes while a label's claim waits for the ledger in the lane: the
    claim goes through after the window is gone and its answer never reaches the GUI
    thread. The print is on record as not printed (failed), never pending — which the
    next start would call `unknown` and ask the packer about."""
    path: Path | str = tmp_path / "ledger.sqlite3"
    if backend == "postgresql":
        path = str(request.getfixturevalue("pg_url"))
    order = fresh_order_id()
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    before = cups_pdf_queue.snapshot()
    with ledger_window(sandbox, label_profile, print_queue, None, path, settings=settings) as (
        window,
        _features,
    ):
        guard = window.printer.guard
        assert isinstance(guard, LedgerPrintGuard)
        spy = ClaimSpy(guard)
        guard.claim_write = spy.claim_write  # type: ignore[method-assign]
        window.add_text(order)
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
        qtbot.waitUntil(window.actions_.print_all.isEnabled, timeout=10_000)
        qtbot.waitUntil(lambda: window.printers.snapshot is not None, timeout=10_000)
        lock = SqliteLock(path) if isinstance(path, Path) else PgLock(path)
        try:
            window.actions_.print_all.trigger()
            assert spy.started.wait(10)  # the claim is running, and waits for the lock
            qtbot.waitUntil(lock.has_waiter, timeout=10_000)
            window.close()
        finally:
            lock.release()
        # leaving the block shuts the background helper down at once, as the program
        # does once its window has closed: the claim's answer is never delivered
    assert spy.finished.is_set()
    (claimed_on,) = spy.threads
    assert claimed_on is not threading.main_thread()
    ledger = Ledger(path)
    try:
        (record,) = prints_of(ledger, order)
        assert record.outcome is PrintOutcome.FAILED, record
        assert ledger.recover().unknown_prints == ()
    finally:
        ledger.close()
    assert cups_pdf_queue.new_jobs_since(before) == set()  # nothing went to the printer
