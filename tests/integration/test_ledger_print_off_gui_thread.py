"""A slow ledger does not hold the window: the end of a print is written off the GUI thread.

The ledger file is locked by another connection (as another station's long write would)
from the moment the label is claimed until a second after its job ended; the settle waits
for the lock in the background helper's serial lane while a 20 ms timer on the GUI thread
keeps ticking, and the print still ends with its outcome on record.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QTimer
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger_records import PrintOutcome
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.queue_model import RowState
from tests.integration.cups_support import fresh_order_id
from tests.unit.ui.ledger_support import ledger_window, prints_of
from tests.unit.ui.support import sandbox_settings

LOCK_AFTER_END_S = 1.0
TICK_MS = 20


class WriteLock:
    """Another connection holding the ledger's write lock until `release_in` says."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.held = False
        self.released_at = 0.0
        self._timer: threading.Timer | None = None

    def take(self) -> None:
        if not self.held:
            self._conn.execute("BEGIN IMMEDIATE")
            self.held = True

    def release_in(self, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self._release)
        self._timer.start()

    def _release(self) -> None:
        self.released_at = time.monotonic()
        self._conn.execute("COMMIT")

    def close(self) -> None:
        if self._timer is not None:
            self._timer.join()
        self._conn.close()


def test_a_print_ends_while_the_ledger_is_locked_and_the_window_keeps_turning(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    path = tmp_path / "ledger.sqlite3"
    order = fresh_order_id()
    with ledger_window(
        sandbox,
        label_profile,
        print_queue,
        tmp_path / "pdf",
        path,
        settings=sandbox_settings(sandbox),
    ) as (window, features):
        window.add_text(order)
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
        qtbot.waitUntil(window.actions_.print_all.isEnabled, timeout=10_000)
        lock = WriteLock(path)
        ended_at: list[float] = []
        printed_at: list[float] = []
        ticks: list[float] = []

        def row_changed(
            top: QModelIndex | QPersistentModelIndex, *_args: object
        ) -> None:  # claimed and marked printing: from now on the ledger is locked
            state = window.model.row_at(top.row()).state
            if state is RowState.PRINTING:
                lock.take()
            elif state is RowState.PRINTED and not printed_at:
                printed_at.append(time.monotonic())

        def job_ended(*_args: object) -> None:
            ended_at.append(time.monotonic())
            lock.release_in(LOCK_AFTER_END_S)

        timer = QTimer()
        timer.setInterval(TICK_MS)
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        window.model.dataChanged.connect(row_changed)
        print_queue.jobEnded.connect(job_ended)
        try:
            timer.start()
            window.actions_.print_all.trigger()
            qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=30_000)
        finally:
            timer.stop()
            print_queue.jobEnded.disconnect(job_ended)
            lock.close()
        (end,) = ended_at
        assert lock.held and printed_at
        # the row turned printed only after the lock went: the settle waited for it ...
        assert printed_at[0] >= lock.released_at >= end + LOCK_AFTER_END_S * 0.9
        # ... and meanwhile the GUI thread kept turning
        during = [end, *(t for t in ticks if end < t < printed_at[0]), printed_at[0]]
        gaps = [b - a for a, b in itertools.pairwise(during)]
        longest_ms = max(gaps) * 1000
        print(f"ticks while locked: {len(during) - 2}, longest gap {longest_ms:.0f} ms")
        assert len(during) - 2 >= LOCK_AFTER_END_S * 1000 / TICK_MS / 2
        assert longest_ms < 150
        (record,) = prints_of(features.session.ledger, order)
        assert record.outcome is PrintOutcome.SPOOLED
        assert window.model.row_at(0).state is RowState.PRINTED
