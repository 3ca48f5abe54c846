"""The window's first run and its Settings command: the dialog, the keyring, the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from keyring.backends import fail
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from app.core.credentials import SERVICE, CredentialStore
from app.core.paths import AppPaths
from app.core.settings import ConnectionResult, Settings, TokenMode
from app.sandbox.server import SandboxServer
from app.ui.credentials_flow import is_configured
from app.ui.settings_dialog import SettingsDialog
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.credentials_support import (
    RecordedPrompts,
    click_cancel,
    click_ok,
    credentials_window,
    fill_account,
    flow_of,
    on_next_dialog,
)

APPID = "wx00112233445566aa"
SECRET = "first-run-secret-6f0d4c2b9a"


def files_containing(root: Path, needle: str) -> list[Path]:
    data = needle.encode()
    return [p for p in root.rglob("*") if p.is_file() and data in p.read_bytes()]


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def store(backend: MemoryKeyring) -> CredentialStore:
    return CredentialStore(backend)


def test_first_run_opens_the_dialog_and_keeps_the_secret_out_of_the_file(
    qapp: Any, qtbot: QtBot, tmp_path: Path, backend: MemoryKeyring, store: CredentialStore
) -> None:
    with credentials_window(tmp_path, store, first_run=True) as window:

        def answer(dialog: SettingsDialog) -> None:
            assert dialog.isVisible() and dialog.isModal()
            fill_account(dialog, appid=APPID, secret=SECRET)
            click_ok(dialog)

        seen = on_next_dialog(window, answer)
        qtbot.waitUntil(lambda: seen == ["Settings"], timeout=10_000)
        assert window.settings.appid == APPID
        assert not flow_of(window).needs_setup()
    assert backend.passwords == {(SERVICE, APPID): SECRET}
    settings_file = AppPaths.under(tmp_path).settings_file
    saved = json.loads(settings_file.read_text(encoding="utf-8"))
    assert saved["appid"] == APPID
    assert SECRET not in settings_file.read_text(encoding="utf-8")
    assert files_containing(tmp_path, SECRET) == []


def test_cancelling_the_first_run_saves_nothing(
    qapp: Any, qtbot: QtBot, tmp_path: Path, backend: MemoryKeyring, store: CredentialStore
) -> None:
    with credentials_window(tmp_path, store, first_run=True) as window:
        seen = on_next_dialog(window, click_cancel)
        qtbot.waitUntil(lambda: seen == ["Settings"], timeout=10_000)
        assert flow_of(window).needs_setup()
        window.add_text("4200001,SF")
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=10_000)
        assert "credentials" in window.scan_bar.message_text().lower()
    assert backend.passwords == {}
    assert not AppPaths.under(tmp_path).settings_file.exists()


@pytest.mark.parametrize(
    ("settings", "env", "keyring_secret", "configured"),
    [
        (Settings(), {}, None, False),
        (Settings(appid=APPID), {}, None, False),
        (Settings(appid=APPID), {}, SECRET, True),
        (Settings(appid=APPID), {"WAYBILL_APPSECRET": SECRET}, None, True),
        (Settings(), {"WAYBILL_APPID": APPID, "WAYBILL_APPSECRET": SECRET}, None, True),
        (Settings(), {"WAYBILL_ACCESS_TOKEN": "ready-token"}, None, True),
        (Settings(token_mode=TokenMode.THIRD_PARTY, token_command="get-token"), {}, None, True),
        (Settings(token_mode=TokenMode.THIRD_PARTY), {}, None, False),
    ],
)
def test_what_counts_as_configured(
    store: CredentialStore,
    settings: Settings,
    env: dict[str, str],
    keyring_secret: str | None,
    configured: bool,
) -> None:
    if keyring_secret:
        store.save_secret(APPID, keyring_secret)
    assert is_configured(settings, env, store) is configured


def test_a_failing_keyring_counts_as_no_secret() -> None:
    store = CredentialStore(fail.Keyring())
    assert not is_configured(Settings(appid=APPID), {}, store)


def test_no_first_run_dialog_when_configured(
    qapp: Any, qtbot: QtBot, tmp_path: Path, store: CredentialStore
) -> None:
    store.save_secret(APPID, SECRET)
    with credentials_window(tmp_path, store, settings=Settings(appid=APPID)) as window:
        seen = on_next_dialog(window, click_cancel)
        flow = flow_of(window)
        with qtbot.waitSignal(flow.setupChecked, timeout=5000) as checked:
            flow.first_run(window)
        assert checked.args == [False]
        assert seen == []


def test_first_run_without_a_keyring_keeps_the_secret_for_the_session(
    qapp: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    store = CredentialStore(fail.Keyring())
    prompts = RecordedPrompts(answer=True)
    status: list[str] = []
    with credentials_window(tmp_path, store, prompts=prompts, first_run=True) as window:

        def answer(dialog: SettingsDialog) -> None:
            fill_account(dialog, appid=APPID, secret=SECRET)
            click_ok(dialog)
            status.append(dialog.secret_status.text())

        seen = on_next_dialog(window, answer)
        qtbot.waitUntil(lambda: seen == ["Settings"], timeout=10_000)
        assert store.is_session_only(APPID)
        assert store.get_secret(APPID) == SECRET
        assert not flow_of(window).needs_setup()
    (title, question), *_ = prompts.questions
    assert "keyring" in title.lower()
    assert "No system keyring is available" in question
    assert "this session only" in question
    assert files_containing(tmp_path, SECRET) == []


def test_settings_command_reaches_forget_credentials(
    qapp: Any, qtbot: QtBot, tmp_path: Path, backend: MemoryKeyring, store: CredentialStore
) -> None:
    store.save_secret(APPID, SECRET)
    prompts = RecordedPrompts(answer=True)
    state: dict[str, bool] = {}
    with credentials_window(
        tmp_path, store, settings=Settings(appid=APPID), prompts=prompts
    ) as window:

        def forget(dialog: SettingsDialog) -> None:
            dialog.tabs.setCurrentIndex(0)
            state["forget_visible"] = dialog.forget_button.isVisible()
            state["test_enabled"] = dialog.test_button.isEnabled()
            dialog.forget_button.click()
            click_cancel(dialog)

        seen = on_next_dialog(window, forget)
        window.actions_.settings.trigger()  # modal: returns when the dialog is closed
        assert seen == ["Settings"]
        assert flow_of(window).needs_setup()
    assert state == {"forget_visible": True, "test_enabled": True}
    assert any("Forget" in title for title, _ in prompts.questions)
    assert backend.passwords == {}


def test_connection_test_on_the_window_runner_outlives_a_closed_dialog(
    qapp: Any, qtbot: QtBot, tmp_path: Path, store: CredentialStore, sandbox: SandboxServer
) -> None:
    sandbox.latency = 0.5  # the answer arrives after the dialog was closed
    results: list[object] = []
    kept: list[bool] = []
    dialogs: list[SettingsDialog] = []
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url)
    with credentials_window(tmp_path, store, settings=settings) as window:
        flow = flow_of(window)

        def test_then_close(dialog: SettingsDialog) -> None:
            dialogs.append(dialog)
            dialog.connection_tested.connect(results.append)
            fill_account(dialog, secret=sandbox.secret)
            dialog.test_button.click()
            click_cancel(dialog)  # closed while the test still runs

        on_next_dialog(window, test_then_close)
        window.actions_.settings.trigger()
        tasks = flow.dialog_tasks
        assert tasks is not None
        if tasks.pending:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            kept.append(shiboken6.isValid(dialogs[0]))

        def delivered_and_freed() -> bool:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            return bool(results) and not shiboken6.isValid(dialogs[0])

        qtbot.waitUntil(delivered_and_freed, timeout=20_000)
        assert tasks.pending == 0
    assert kept == [True]  # closed with the test running: kept until the result came
    (result,) = results
    assert isinstance(result, ConnectionResult)
    assert result.ok, result.message.en


def test_connection_test_result_then_immediate_close(
    qapp: Any, qtbot: QtBot, tmp_path: Path, store: CredentialStore, sandbox: SandboxServer
) -> None:
    results: list[object] = []
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url)
    with credentials_window(tmp_path, store, settings=settings) as window:

        def test_and_close_on_result(dialog: SettingsDialog) -> None:
            def close(result: object) -> None:
                results.append(result)
                click_cancel(dialog)  # the dialog is freed right after the result

            dialog.connection_tested.connect(close)
            fill_account(dialog, secret="0" * 32)
            dialog.test_button.click()

        on_next_dialog(window, test_and_close_on_result)
        window.actions_.settings.trigger()  # returns once the result closed the dialog
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert flow_of(window).dialog_tasks is not None
        assert flow_of(window).dialog_tasks.pending == 0  # type: ignore[union-attr]
    (result,) = results
    assert isinstance(result, ConnectionResult)
    assert not result.ok and "secret" in result.message.en.lower()
