"""Fetching from the main window against the sandbox: every row gets its state, batches
arrive as they come back, the event loop keeps running during a slow call, Cancel works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.queue_model import Column, RowState
from tests.unit.ui.support import open_window, row_states, sandbox_settings


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    with open_window(sandbox, label_profile, print_queue, tmp_path) as win:
        yield win


def wait_for_fetch(window: MainWindow, qtbot: QtBot, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=timeout)


def test_fetch_fills_every_rows_state(
    window: MainWindow, sandbox: SandboxServer, qtbot: QtBot
) -> None:
    window.add_text(
        "4200000001\n4200000002,ZTO\nCANCEL-0003\nMISSING-0004\nNOLABEL-0005\nA6,NOSUCHCARRIER\n"
    )
    window.actions_.fetch.trigger()
    assert window.panel.progress_row.isVisible()
    wait_for_fetch(window, qtbot)
    assert row_states(window) == {
        "4200000001": "ready",
        "4200000002": "ready",
        "CANCEL-0003": "cancelled",
        "MISSING-0004": "error",
        "NOLABEL-0005": "error",
        "A6": "error",
    }
    model = window.model
    assert model.data(model.index(0, Column.WAYBILL_ID)).startswith("SF")
    assert "930563" in model.data(model.index(3, Column.MESSAGE))
    assert model.row_at(3).waybill is not None and model.row_at(3).waybill.hint is not None
    hint = model.row_at(3).waybill.hint.en
    assert hint in model.data(model.index(3, Column.MESSAGE))  # says what to do
    assert "9300503" in model.data(model.index(5, Column.MESSAGE))
    assert not window.panel.progress_row.isVisible()
    message = window.scan_bar.message_text()
    assert "2 ready" in message and "1 cancelled" in message and "3 with errors" in message
    # a second Fetch only asks for the rows that failed
    sandbox.stats.reset()
    window.actions_.fetch.trigger()
    wait_for_fetch(window, qtbot)
    assert sandbox.stats.batch_sizes == [3]
    assert row_states(window)["4200000001"] == "ready"


def test_rows_update_batch_by_batch(window: MainWindow, qtbot: QtBot) -> None:
    window.add_text("\n".join(f"B{n:04d}" for n in range(250)))
    progress: list[tuple[int, int]] = []
    ready_seen: list[int] = []

    def on_progress(answered: int, total: int) -> None:
        progress.append((answered, total))
        ready_seen.append(window.model.counts()[RowState.READY])

    window.fetcher.progressed.connect(on_progress)
    window.fetch()
    wait_for_fetch(window, qtbot)
    # three calls of at most 100: three batch reports, then the final one
    assert len(progress) >= 4
    assert [answered for answered, _ in progress[:3]] == sorted(
        answered for answered, _ in progress[:3]
    )
    assert progress[0][0] in (50, 100) and progress[0][1] == 250
    assert ready_seen[0] == progress[0][0]  # the rows were already updated then
    assert progress[-1] == (250, 250)
    assert window.model.counts()[RowState.READY] == 250


def test_event_loop_keeps_ticking_during_a_slow_fetch(
    window: MainWindow, sandbox: SandboxServer, qtbot: QtBot
) -> None:
    sandbox.latency = 1.5
    window.add_text("T1\nT2\nCANCEL-T3")
    ticks_while_fetching = 0

    def tick() -> None:
        nonlocal ticks_while_fetching
        if window.fetcher.running:
            ticks_while_fetching += 1

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(tick)
    timer.start()
    window.fetch()
    assert window.fetcher.running
    assert row_states(window) == {"T1": "fetching", "T2": "fetching", "CANCEL-T3": "fetching"}
    wait_for_fetch(window, qtbot)
    timer.stop()
    assert ticks_while_fetching >= 15
    assert row_states(window) == {"T1": "ready", "T2": "ready", "CANCEL-T3": "cancelled"}


def test_cancel_stops_the_fetch_and_requeues_the_rest(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    sandbox.latency = 1.0
    settings = sandbox_settings(sandbox, concurrency=1)
    with open_window(sandbox, label_profile, print_queue, tmp_path, settings=settings) as window:
        window.add_text("\n".join(f"C{n:04d}" for n in range(250)))
        window.fetch()
        assert window.actions_.cancel.isEnabled()
        window.actions_.cancel.trigger()
        wait_for_fetch(window, qtbot)
        counts = window.model.counts()
        assert counts[RowState.FETCHING] == 0
        assert counts[RowState.QUEUED] >= 150  # the calls after the first never ran
        assert counts[RowState.QUEUED] + counts[RowState.READY] == 250
        assert "stopped" in window.scan_bar.message_text()
        assert not window.actions_.cancel.isEnabled()
        assert window.actions_.fetch.isEnabled()


def test_missing_credentials_are_reported_not_raised(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    from app.wiring.client import Credentials, build_client

    settings = sandbox_settings(sandbox)

    def no_secret() -> object:
        return build_client(settings, Credentials(appid=sandbox.appid, secret=None))

    with open_window(
        sandbox, label_profile, print_queue, tmp_path, make_source=no_secret
    ) as window:
        window.add_text("N1")
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=10_000)
        assert row_states(window) == {"N1": "queued"}
        assert "credentials" in window.scan_bar.message_text().lower()
        assert window.scan_bar.message.property("tone") == "error"
