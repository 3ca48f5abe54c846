"""The window's first fetch reads the AppSecret in the keyring lane, never on the GUI thread.

The credential store is real (`CredentialStore`) over a keyring backend that holds its
reads until the test releases them, as the Secret Service does until the keyring is
unlocked. While the read is held the window turns (a timer fires, keys posted to the scan
field are echoed), the rows show fetching and a second Fetch starts nothing; once it is
released the fetch goes to the sandbox on loopback. Cancelling or closing meanwhile
fetches nothing; a keyring that fails leads to the session-secret prompt on the GUI
thread, and declining it puts the rows back with the message they always got.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import keyring.errors
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from pytestqt.qtbot import QtBot

from app.core.carrier_cache import CarrierCache
from app.core.credentials import SERVICE, CredentialStore
from app.core.model import OrderRef
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.sandbox.server import SandboxServer
from app.ui.background import BackgroundRunner
from app.ui.credentials_flow import CredentialsFlow
from app.ui.fetch_controller import FetchController
from app.ui.main_window import MainWindow
from app.ui.queue_model import OrderQueueModel
from app.ui.services import DEFAULT_CARRIERS
from tests.fixtures.qt import dispose
from tests.unit.ui.credentials_support import (
    RecordedPrompts,
    click_cancel,
    credentials_window,
    flow_of,
    on_next_dialog,
)
from tests.unit.ui.held_keyring import HeldKeyring, gui_thread_turns
from tests.unit.ui.support import row_states

BATCH = "/cgi-bin/express/business/order/batchget"
STABLE = "/cgi-bin/stable_token"
ORDERS = "4200001001,SF\n4200001002,ZTO\n4200001003,TEST\n"
TYPED = "echo"


def held_keyring(sandbox: SandboxServer, tmp_path: Path | None = None) -> HeldKeyring:
    """The keyring with the account's secret saved earlier; with `tmp_path`, the window's
    carrier list is fresh there, so its daily refresh (which reads the keyring too, in a
    worker thread) does not run: the reads counted are the fetch's."""
    backend = HeldKeyring(SERVICE)
    backend.passwords[(SERVICE, sandbox.appid)] = sandbox.secret
    if tmp_path is not None:
        data_dir = AppPaths.under(tmp_path).ensure().data_dir
        CarrierCache(data_dir / "carriers.json").save(DEFAULT_CARRIERS)
    return backend


def account(sandbox: SandboxServer) -> Settings:
    return Settings(appid=sandbox.appid, api_base=sandbox.base_url)


def post_keys(target: QObject, text: str) -> None:
    """Key presses queued to the event loop, as a keyboard's would be."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, ord(char.upper()), Qt.KeyboardModifier.NoModifier, char)
            QCoreApplication.postEvent(target, event)


def fetch_while_held(window: MainWindow, backend: HeldKeyring, qtbot: QtBot) -> None:
    """Press Fetch and wait until the keyring read is held (it started in the lane)."""
    reads = len(backend.threads)
    window.actions_.fetch.trigger()
    qtbot.waitUntil(lambda: len(backend.threads) == reads + 1, timeout=5000)


def lane_delivered(window: MainWindow, qtbot: QtBot) -> None:
    """Everything given to the keyring lane before now has been delivered: the lane is
    serial, and the first run's check (a keyring read of its own) answers after it."""
    flow = flow_of(window)
    with qtbot.waitSignal(flow.setupChecked, timeout=10_000):
        flow.first_run(window)


def test_the_first_fetch_waits_for_the_keyring_in_the_lane_and_the_window_turns(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = held_keyring(sandbox, tmp_path)
    with credentials_window(tmp_path, CredentialStore(backend), settings=account(sandbox)) as w:
        w.add_text(ORDERS)
        fetch_while_held(w, backend, qtbot)
        assert w.fetcher.running
        assert set(row_states(w).values()) == {"fetching"}
        assert not w.actions_.fetch.isEnabled() and w.actions_.cancel.isEnabled()
        w.fetch()  # a second press, as print on scan would: no second fetch, no second read
        gui_thread_turns(qtbot)
        w.scan_bar.field.clear()
        post_keys(w.scan_bar.field, TYPED)
        qtbot.waitUntil(lambda: w.scan_bar.field.text() == TYPED, timeout=5000)
        assert len(backend.threads) == 1 and sandbox.stats.calls(BATCH) == 0

        backend.release.set()
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=30_000)
        assert set(row_states(w).values()) == {"ready"}, w.scan_bar.message_text()
        assert "Fetched: 3 ready" in w.scan_bar.message_text()
    assert threading.main_thread() not in backend.threads
    assert sandbox.stats.calls(BATCH) == 1 and sandbox.stats.calls(STABLE) == 1


def test_after_a_settings_change_the_keyring_is_read_in_the_lane_again(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = held_keyring(sandbox, tmp_path)
    backend.release.set()
    with credentials_window(tmp_path, CredentialStore(backend), settings=account(sandbox)) as w:
        w.add_text(ORDERS)
        w.fetch()
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=30_000)
        assert set(row_states(w).values()) == {"ready"}
        w.apply_settings(w.settings.replace(concurrency=2))  # the source is dropped
        w.model.clear()
        w.add_text(ORDERS)
        backend.release = threading.Event()
        fetch_while_held(w, backend, qtbot)
        gui_thread_turns(qtbot)
        assert set(row_states(w).values()) == {"fetching"}
        backend.release.set()
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=30_000)
        assert set(row_states(w).values()) == {"ready"}
    assert len(backend.threads) == 2 and threading.main_thread() not in backend.threads
    assert sandbox.stats.calls(BATCH) == 2


def test_cancel_while_the_keyring_is_read_puts_the_rows_back_and_fetches_nothing(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = held_keyring(sandbox, tmp_path)
    with credentials_window(tmp_path, CredentialStore(backend), settings=account(sandbox)) as w:
        w.add_text(ORDERS)
        fetch_while_held(w, backend, qtbot)
        w.actions_.cancel.trigger()
        assert not w.fetcher.running  # at once: the held read is not waited for
        assert set(row_states(w).values()) == {"queued"}
        assert w.actions_.fetch.isEnabled()
        backend.release.set()
        lane_delivered(w, qtbot)  # the cancelled read's client came back and was dropped
        assert set(row_states(w).values()) == {"queued"} and not w.fetcher.running
        assert sandbox.stats.calls(BATCH) == 0 and sandbox.stats.calls(STABLE) == 0
        w.fetch()  # the next Fetch asks again and goes through
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=30_000)
        assert set(row_states(w).values()) == {"ready"}
    assert sandbox.stats.calls(BATCH) == 1
    assert threading.main_thread() not in backend.threads


def test_closing_the_window_while_the_keyring_is_read_fetches_nothing(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = held_keyring(sandbox, tmp_path)
    with credentials_window(tmp_path, CredentialStore(backend), settings=account(sandbox)) as w:
        w.add_text(ORDERS)
        fetch_while_held(w, backend, qtbot)
        w.close()
        assert not w.fetcher.running
        backend.release.set()
        lane_delivered(w, qtbot)
        assert set(row_states(w).values()) == {"queued"}
    assert sandbox.stats.calls(BATCH) == 0 and sandbox.stats.calls(STABLE) == 0


@dataclass
class Slot:
    settings: Settings = field(default_factory=Settings)


def test_an_answer_after_the_window_is_gone_is_dropped(
    qtbot: QtBot, runner: BackgroundRunner, sandbox: SandboxServer
) -> None:
    """The flow and the fetcher are deleted with their window while the read is held;
    the read's answer then reaches neither, and nothing is fetched."""
    backend = held_keyring(sandbox)
    window = QObject()
    flow = CredentialsFlow(
        Slot(account(sandbox)),
        CredentialStore(backend),
        runner,
        env={},
        settings_store=None,
        prompts=RecordedPrompts().prompts(),
        parent=window,
    )
    model = OrderQueueModel(window)
    model.add_refs([OrderRef("4200001001", "SF")])
    fetcher = FetchController(model, runner, flow.request_source, window)
    assert fetcher.start(model.fetchable_refs())
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)
    dispose(window)
    backend.release.set()
    qtbot.waitUntil(lambda: runner.active_count == 0, timeout=10_000)  # delivered
    assert sandbox.stats.calls(BATCH) == 0 and sandbox.stats.calls(STABLE) == 0


@dataclass
class ThreadPrompts(RecordedPrompts):
    """Recorded prompts that also note the thread each question was asked on."""

    threads: list[threading.Thread] = field(default_factory=list)

    def ask(self, title: str, text: str) -> bool:
        self.threads.append(threading.current_thread())
        return super().ask(title, text)


def test_a_failing_keyring_leads_to_the_session_prompt_on_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = held_keyring(sandbox, tmp_path)
    backend.fail_with = keyring.errors.KeyringLocked("locked")
    prompts = ThreadPrompts(answer=True, secret=sandbox.secret)
    store = CredentialStore(backend)
    with credentials_window(tmp_path, store, settings=account(sandbox), prompts=prompts) as w:
        w.add_text(ORDERS)
        fetch_while_held(w, backend, qtbot)
        gui_thread_turns(qtbot)
        assert prompts.questions == []  # the keyring has not answered yet
        backend.release.set()
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=30_000)
        assert set(row_states(w).values()) == {"ready"}, w.scan_bar.message_text()
        (title, question), *_ = prompts.questions
        assert "keyring" in title.lower() and "locked" in question
        assert prompts.threads == [threading.main_thread()]
        assert len(prompts.secret_requests) == 1
        assert store.is_session_only(sandbox.appid)
    assert threading.main_thread() not in backend.threads
    assert sandbox.stats.calls(BATCH) == 1


def test_declining_the_session_prompt_puts_the_rows_back_and_says_why(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = held_keyring(sandbox, tmp_path)
    backend.fail_with = keyring.errors.KeyringLocked("locked")
    prompts = ThreadPrompts(answer=False)
    store = CredentialStore(backend)
    with credentials_window(tmp_path, store, settings=account(sandbox), prompts=prompts) as w:
        w.add_text(ORDERS)
        fetch_while_held(w, backend, qtbot)
        backend.release.set()
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=30_000)
        assert set(row_states(w).values()) == {"queued"}
        message = w.scan_bar.message_text()
        assert message.startswith("Cannot fetch:") and "locked" in message
        assert w.scan_bar.message.property("tone") == "error"
        assert w.actions_.fetch.isEnabled() and not w.actions_.cancel.isEnabled()
        assert prompts.threads == [threading.main_thread()]
        assert prompts.secret_requests == []
        assert not store.is_session_only(sandbox.appid)
    assert sandbox.stats.calls(BATCH) == 0 and sandbox.stats.calls(STABLE) == 0


def test_a_bad_api_address_is_told_as_before(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = held_keyring(sandbox, tmp_path)
    backend.release.set()
    settings = account(sandbox).replace(api_base="ftp://example.com")
    with credentials_window(tmp_path, CredentialStore(backend), settings=settings) as w:
        w.add_text(ORDERS)
        w.fetch()
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=10_000)
        message = w.scan_bar.message_text()
        assert message.startswith("Cannot fetch: API address") and "https://" in message
        assert set(row_states(w).values()) == {"queued"}
    assert sandbox.stats.calls(BATCH) == 0


def test_print_on_scan_waits_for_the_keyring_and_prints_each_scan_once(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    """Scans arriving while the read is held start no second fetch; once it is back the
    first scan is fetched and printed, then the second (the source is kept)."""
    backend = held_keyring(sandbox, tmp_path)
    settings = account(sandbox).replace(scan_to_print=True)
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    store = CredentialStore(backend)
    with credentials_window(tmp_path, store, settings=settings, pdf_dir=pdf_dir) as w:
        w.add_scan("4200001001,SF")
        qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)
        w.add_scan("4200001002,ZTO")
        gui_thread_turns(qtbot)
        assert row_states(w) == {"4200001001": "fetching", "4200001002": "queued"}
        backend.release.set()
        qtbot.waitUntil(
            lambda: set(row_states(w).values()) == {"printed"} and not w.fetcher.running,
            timeout=60_000,
        )
        assert len(list(pdf_dir.glob("*.pdf"))) == 2
    assert len(backend.threads) == 1 and sandbox.stats.calls(BATCH) == 2


def test_print_on_scan_says_why_once_when_the_secret_is_declined(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    """A refused source does not make print on scan ask again by itself: one question,
    one message; the scan waits for the next scan or Fetch."""
    backend = held_keyring(sandbox, tmp_path)
    backend.fail_with = keyring.errors.KeyringLocked("locked")
    backend.release.set()
    prompts = ThreadPrompts(answer=False)
    settings = account(sandbox).replace(scan_to_print=True)
    store = CredentialStore(backend)
    with credentials_window(tmp_path, store, settings=settings, prompts=prompts) as w:
        w.add_scan("4200001001,SF")
        qtbot.waitUntil(lambda: not w.fetcher.running, timeout=10_000)
        assert w.scan_bar.message_text().startswith("Cannot fetch:")
        # nothing more was asked of the keyring lane meanwhile (the check finds no usable
        # secret and opens the settings: cancelled)
        seen = on_next_dialog(w, click_cancel)
        lane_delivered(w, qtbot)
        qtbot.waitUntil(lambda: seen == ["Settings"], timeout=10_000)
        assert not w.fetcher.running and len(prompts.questions) == 1
        assert row_states(w) == {"4200001001": "queued"}
        assert w.scan_print.waiting == [("4200001001", "SF")]
    assert sandbox.stats.calls(BATCH) == 0
