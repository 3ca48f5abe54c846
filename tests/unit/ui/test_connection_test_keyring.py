"""Settings → Test connection with the AppSecret field empty: the saved AppSecret is read in
the keyring lane, never on the GUI thread, and the test then runs against the sandbox; a
keyring that refuses still lets the test run and say what is missing. After OK, the
window's credentials flow reads the saved AppSecret back for the log filter in that lane
too, and so does the first run's check whether anything is configured."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import keyring.errors
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.core.credentials import SERVICE, CredentialStore
from app.core.secret_registry import SecretRegistry
from app.core.settings import ConnectionResult, Settings, TokenMode
from app.sandbox.server import SandboxServer
from app.ui.background import BackgroundRunner
from app.ui.credentials_flow import CredentialsFlow
from app.ui.settings_dialog import SettingsDialog
from app.wiring.client import check_connection
from tests.fixtures.qt import dispose
from tests.unit.ui.credentials_support import (
    RecordedPrompts,
    click_cancel,
    click_ok,
    credentials_window,
    fill_account,
    flow_of,
    on_next_dialog,
)
from tests.unit.ui.held_keyring import HeldKeyring, gui_thread_turns

TOKEN_PATH = "/cgi-bin/token"
APPID = "wx1234567890abcdef"


@dataclass
class Slot:
    settings: Settings = field(default_factory=Settings)


def open_dialog(
    qtbot: QtBot, sandbox: SandboxServer, backend: HeldKeyring, runner: BackgroundRunner
) -> SettingsDialog:
    settings = Settings(
        appid=sandbox.appid,
        api_base=sandbox.base_url,
        token_mode=TokenMode.CLASSIC,
        read_timeout=10.0,
    )
    dialog = SettingsDialog(
        settings,
        CredentialStore(backend),
        connection_tester=check_connection,
        run_in_background=runner.run,
        keyring_run=runner.lane().run,
        language="en",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def token_calls(sandbox: SandboxServer) -> int:
    return sandbox.stats.calls(TOKEN_PATH)


def test_the_saved_secret_is_read_off_the_gui_thread_then_the_sandbox_is_asked(
    qtbot: QtBot, runner: BackgroundRunner, sandbox: SandboxServer
) -> None:
    backend = HeldKeyring(SERVICE)
    backend.passwords[(SERVICE, sandbox.appid)] = sandbox.secret
    dialog = open_dialog(qtbot, sandbox, backend, runner)
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)  # the opening read
    dialog.test_button.click()  # returns while the keyring is held
    assert dialog.test_result.text() == "Testing the connection…"
    assert not dialog.test_button.isEnabled()
    gui_thread_turns(qtbot)  # while the keyring is held
    assert token_calls(sandbox) == 0  # no test without the secret
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000) as blocker:
        backend.release.set()
    [result] = blocker.args
    assert isinstance(result, ConnectionResult) and result.ok, result
    assert dialog.test_result.text().startswith("Connection works. Connected: token received")
    assert sandbox.secret not in dialog.test_result.text()
    assert token_calls(sandbox) == 1
    assert dialog.test_button.isEnabled()
    assert len(backend.threads) == 2  # the opening read, then the test's
    assert threading.main_thread() not in backend.threads


def test_a_refusing_keyring_still_runs_the_test_without_a_secret(
    qtbot: QtBot, runner: BackgroundRunner, sandbox: SandboxServer
) -> None:
    backend = HeldKeyring(SERVICE)
    backend.passwords[(SERVICE, sandbox.appid)] = sandbox.secret
    backend.fail_with = keyring.errors.KeyringLocked("the keyring stayed locked")
    dialog = open_dialog(qtbot, sandbox, backend, runner)
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)
    dialog.test_button.click()
    gui_thread_turns(qtbot)
    assert dialog.test_result.text() == "Testing the connection…"
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000) as blocker:
        backend.release.set()
    [result] = blocker.args
    assert isinstance(result, ConnectionResult) and not result.ok
    assert dialog.test_result.text().startswith("Connection failed.")
    assert sandbox.secret not in dialog.test_result.text()
    assert dialog.test_button.isEnabled()
    assert threading.main_thread() not in backend.threads


def test_the_accepted_secret_is_registered_from_the_keyring_lane(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    """After OK the flow reads the saved AppSecret back for the log filter: in the keyring
    lane, while the GUI thread turns."""
    backend = HeldKeyring(SERVICE)
    backend.release.set()  # the dialog's own reads and its save go through
    secrets = SecretRegistry()
    flow = CredentialsFlow(
        Slot(),
        CredentialStore(backend),
        runner,
        env={},
        settings_store=None,
        secrets=secrets,
        prompts=RecordedPrompts().prompts(),
    )
    secret = "flow-secret-9z8y7x6w5v"
    held_at: list[int] = []

    def hold_what_follows() -> None:  # the save is done: hold the keyring from here on
        held_at.append(len(backend.threads))
        backend.release.clear()

    def opened(dialog: object) -> None:
        assert isinstance(dialog, SettingsDialog)

        def act() -> None:
            dialog.accepted.connect(hold_what_follows)
            fill_account(dialog, appid=APPID, secret=secret)
            click_ok(dialog)

        QTimer.singleShot(0, act)

    flow.dialogOpened.connect(opened)
    parent = QWidget()
    qtbot.addWidget(parent)
    new = flow.edit(parent, Settings())  # returns while the read-back is held
    assert new is not None and new.appid == APPID
    qtbot.waitUntil(lambda: len(backend.threads) == held_at[0] + 1, timeout=5000)
    gui_thread_turns(qtbot)
    assert secret not in secrets.values()  # not registered yet: the read is held
    backend.release.set()
    qtbot.waitUntil(lambda: secret in secrets.values(), timeout=5000)
    assert backend.passwords[(SERVICE, APPID)] == secret
    assert threading.main_thread() not in backend.threads
    dispose(flow)


def test_first_run_asks_the_keyring_off_the_gui_thread_then_opens_the_settings(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """At start-up, whether an AppSecret is saved is read in the keyring lane: the window
    turns while the keyring is held; the Settings dialog opens once it has answered."""
    backend = HeldKeyring(SERVICE)
    prompts = RecordedPrompts()
    settings = Settings(appid=APPID, token_mode=TokenMode.CLASSIC)
    with credentials_window(
        tmp_path, CredentialStore(backend), settings=settings, prompts=prompts, first_run=True
    ) as window:
        seen = on_next_dialog(window, click_cancel)
        flow = flow_of(window)
        qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)  # the read is held
        gui_thread_turns(qtbot)
        assert seen == []
        with qtbot.waitSignal(flow.setupChecked, timeout=5000) as checked:
            backend.release.set()
        assert checked.args == [True]  # nothing saved: the settings open
        qtbot.waitUntil(lambda: seen == ["Settings"], timeout=10_000)
    assert threading.main_thread() not in backend.threads
