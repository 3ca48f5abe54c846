"""Settings → Test connection with the AppSecret field empty: the saved AppSecret is read in
the keyring lane, never on the GUI thread, and the test then runs against the sandbox; a
keyring that refuses still lets the test run and say what is missing."""

from __future__ import annotations

import threading

import keyring.errors
from pytestqt.qtbot import QtBot

from app.core.credentials import SERVICE, CredentialStore
from app.core.settings import ConnectionResult, Settings, TokenMode
from app.sandbox.server import SandboxServer
from app.ui.background import BackgroundRunner
from app.ui.settings_dialog import SettingsDialog
from app.wiring.client import check_connection
from tests.unit.ui.held_keyring import HeldKeyring, gui_thread_turns

TOKEN_PATH = "/cgi-bin/token"


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
