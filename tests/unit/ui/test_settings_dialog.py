"""Tests for app.ui.settings_dialog with an in-memory keyring and a failing one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from keyring.backends import fail
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from app.core.credentials import SERVICE, CredentialStore
from app.core.model import Hint
from app.core.settings import ConnectionResult, Settings, TokenMode, setting_fields
from app.ui.settings_dialog import SettingsDialog
from tests.unit.core.memory_keyring import MemoryKeyring

APPID = "wx1234567890abcdef"
SECRET = "dialog-secret-0a1b2c3d4e5f"
START = Settings(appid=APPID, token_mode=TokenMode.CLASSIC, copies=2, label_size="A5")


class Asker:
    """Answers the dialog's yes/no questions and remembers them."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.questions: list[tuple[str, str]] = []

    def __call__(self, title: str, text: str) -> bool:
        self.questions.append((title, text))
        return self.answer


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def store(keyring_backend: MemoryKeyring) -> CredentialStore:
    return CredentialStore(keyring_backend)


def make_dialog(
    qtbot: QtBot, store: CredentialStore, settings: Settings = START, **kwargs: Any
) -> SettingsDialog:
    kwargs.setdefault("ask", Asker(True))
    kwargs.setdefault("language", "en")
    dialog = SettingsDialog(settings, store, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_row_per_declared_setting_with_a_fitting_editor(
    qtbot: QtBot, store: CredentialStore
) -> None:
    dialog = make_dialog(qtbot, store)
    assert set(dialog.editors) == {item.name for item in setting_fields()}
    expected = {
        "appid": QLineEdit,
        "token_mode": QComboBox,
        "label_size": QComboBox,
        "concurrency": QSpinBox,
        "read_timeout": QDoubleSpinBox,
        "big_font": QCheckBox,
    }
    for name, kind in expected.items():
        assert isinstance(dialog.editors[name], kind), name
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["Account", "Printing", "Station", "Advanced"]
    concurrency = dialog.editors["concurrency"]
    assert isinstance(concurrency, QSpinBox)
    assert (concurrency.minimum(), concurrency.maximum()) == (1, 16)
    assert dialog.secret_edit.echoMode() is QLineEdit.EchoMode.Password


def test_editors_show_the_settings_and_unchanged_ok_returns_them(
    qtbot: QtBot, store: CredentialStore
) -> None:
    dialog = make_dialog(qtbot, store)
    mode = dialog.editors["token_mode"]
    assert isinstance(mode, QComboBox) and mode.currentData() == "classic"
    size = dialog.editors["label_size"]
    assert isinstance(size, QComboBox) and size.currentData() == "A5"
    click_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings() == START


def test_labels_follow_the_language(qtbot: QtBot, store: CredentialStore) -> None:
    dialog = make_dialog(qtbot, store, language="zh_CN")
    size = dialog.editors["label_size"]
    assert isinstance(size, QComboBox)
    assert size.itemText(0) == "自动（按面单）"


def test_accept_stores_the_secret_and_returns_new_settings(
    qtbot: QtBot, store: CredentialStore, keyring_backend: MemoryKeyring
) -> None:
    dialog = make_dialog(qtbot, store)
    copies = dialog.editors["copies"]
    assert isinstance(copies, QSpinBox)
    copies.setValue(3)
    big = dialog.editors["big_font"]
    assert isinstance(big, QCheckBox)
    big.setChecked(True)
    qtbot.keyClicks(dialog.secret_edit, SECRET)
    click_ok(dialog)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings() == START.replace(copies=3, big_font=True)
    assert dialog.result_settings().token_mode is TokenMode.CLASSIC
    assert keyring_backend.passwords == {(SERVICE, APPID): SECRET}
    assert not store.is_session_only(APPID)


def test_validation_errors_keep_the_dialog_open(
    qtbot: QtBot, store: CredentialStore, keyring_backend: MemoryKeyring
) -> None:
    dialog = make_dialog(qtbot, store)
    appid = dialog.editors["appid"]
    assert isinstance(appid, QLineEdit)
    appid.setText("wx bad id")
    dialog.tabs.setCurrentIndex(3)
    dialog.secret_edit.setText(SECRET)
    click_ok(dialog)
    assert dialog.isVisible()
    error = dialog.error_labels["appid"]
    assert error.isVisible()
    assert "letters and digits" in error.text()
    assert dialog.tabs.currentIndex() == 0  # moved to the tab with the error
    assert dialog.result_settings() == START
    assert keyring_backend.passwords == {}  # nothing saved while the form is wrong

    appid.setText(APPID)
    click_ok(dialog)
    assert not dialog.isVisible()
    assert not error.isVisible()


def test_third_party_mode_needs_its_command(qtbot: QtBot, store: CredentialStore) -> None:
    dialog = make_dialog(qtbot, store)
    command = dialog.editors["token_command"]
    assert not command.isEnabled()
    mode = dialog.editors["token_mode"]
    assert isinstance(mode, QComboBox)
    mode.setCurrentIndex(mode.findData("third_party"))
    assert command.isEnabled()
    click_ok(dialog)
    assert dialog.isVisible()
    assert "command" in dialog.error_labels["token_command"].text()
    assert isinstance(command, QLineEdit)
    command.setText("get-token --station 3")
    click_ok(dialog)
    assert dialog.result_settings().token_mode is TokenMode.THIRD_PARTY
    assert dialog.result_settings().token_command == "get-token --station 3"


def test_no_keyring_asks_and_keeps_the_secret_for_the_session(qtbot: QtBot) -> None:
    store = CredentialStore(fail.Keyring())
    asker = Asker(True)
    dialog = make_dialog(qtbot, store, ask=asker)
    assert "No system keyring is available" in dialog.secret_status.text()
    dialog.secret_edit.setText(SECRET)
    click_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(asker.questions) == 1
    title, text = asker.questions[0]
    assert title == "System keyring unavailable"
    assert "No system keyring is available (no Secret Service running)" in text
    assert "session only" in text
    assert SECRET not in text
    assert store.is_session_only(APPID)
    assert store.get_secret(APPID) == SECRET


def test_declining_the_session_secret_keeps_the_dialog_open(qtbot: QtBot) -> None:
    store = CredentialStore(fail.Keyring())
    dialog = make_dialog(qtbot, store, ask=Asker(False))
    dialog.secret_edit.setText(SECRET)
    click_ok(dialog)
    assert dialog.isVisible()
    assert "was not saved" in dialog.general_error.text()
    assert not store.is_session_only(APPID)


def test_forget_credentials(
    qtbot: QtBot, store: CredentialStore, keyring_backend: MemoryKeyring
) -> None:
    store.save_secret(APPID, SECRET)
    asker = Asker(True)
    dialog = make_dialog(qtbot, store, ask=asker)
    assert "saved" in dialog.secret_edit.placeholderText()
    assert "system keyring" in dialog.secret_status.text()
    dialog.forget_button.click()
    assert APPID in asker.questions[0][1]
    assert keyring_backend.passwords == {}
    assert dialog.secret_status.text() == "The AppSecret was forgotten."


def test_forget_can_be_declined(
    qtbot: QtBot, store: CredentialStore, keyring_backend: MemoryKeyring
) -> None:
    store.save_secret(APPID, SECRET)
    dialog = make_dialog(qtbot, store, ask=Asker(False))
    dialog.forget_button.click()
    assert keyring_backend.passwords == {(SERVICE, APPID): SECRET}


def test_cancel_changes_nothing(
    qtbot: QtBot, store: CredentialStore, keyring_backend: MemoryKeyring
) -> None:
    dialog = make_dialog(qtbot, store)
    copies = dialog.editors["copies"]
    assert isinstance(copies, QSpinBox)
    copies.setValue(9)
    dialog.secret_edit.setText(SECRET)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.result_settings() == START
    assert keyring_backend.passwords == {}


def test_connection_test_runs_off_the_gui_thread(qtbot: QtBot, store: CredentialStore) -> None:
    store.save_secret(APPID, SECRET)
    seen: list[tuple[Settings, str, threading.Thread]] = []

    def tester(settings: Settings, secret: str) -> ConnectionResult:
        seen.append((settings, secret, threading.current_thread()))
        return ConnectionResult(True, Hint("Token received.", "已获取令牌。"))

    dialog = make_dialog(qtbot, store, connection_tester=tester)
    with qtbot.waitSignal(dialog.connection_tested, timeout=10_000) as blocker:
        dialog.test_button.click()
        assert not dialog.test_button.isEnabled()
    assert blocker.args == [ConnectionResult(True, Hint("Token received.", "已获取令牌。"))]
    assert dialog.test_result.text() == "Connection works. Token received."
    assert dialog.test_button.isEnabled()
    settings, secret, thread = seen[0]
    assert (settings, secret) == (START, SECRET)  # the stored secret when the field is empty
    assert thread is not threading.main_thread()


def sync_runner(calls: list[str]) -> Callable[..., None]:
    """Runs the task at once on the calling thread (like a synchronous thread pool)."""

    def run(
        fn: Callable[..., object],
        *args: Any,
        on_done: Callable[[object], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        calls.append(getattr(fn, "__name__", "?"))
        try:
            result = fn(*args)
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)

    return run


def test_connection_test_uses_the_given_runner_and_shows_the_hint(
    qtbot: QtBot, store: CredentialStore
) -> None:
    def tester(settings: Settings, secret: str) -> ConnectionResult:
        return ConnectionResult(False, Hint("Add this IP to the whitelist.", "请加白名单。"))

    calls: list[str] = []
    dialog = make_dialog(
        qtbot, store, connection_tester=tester, run_in_background=sync_runner(calls)
    )
    dialog.secret_edit.setText(SECRET)
    dialog.test_button.click()
    assert calls == ["tester"]
    assert dialog.test_result.text() == "Connection failed. Add this IP to the whitelist."


def test_a_crashing_tester_is_reported_without_the_secret(
    qtbot: QtBot, store: CredentialStore
) -> None:
    def tester(settings: Settings, secret: str) -> ConnectionResult:
        raise ConnectionError(f"refused for secret={secret} and {secret}")

    dialog = make_dialog(qtbot, store, connection_tester=tester, run_in_background=sync_runner([]))
    dialog.secret_edit.setText(SECRET)
    dialog.test_button.click()
    text = dialog.test_result.text()
    assert text.startswith("Connection failed. ConnectionError: refused")
    assert SECRET not in text


def test_connection_test_validates_first(qtbot: QtBot, store: CredentialStore) -> None:
    calls: list[str] = []

    def tester(settings: Settings, secret: str) -> ConnectionResult:
        raise AssertionError("must not run")

    dialog = make_dialog(
        qtbot, store, connection_tester=tester, run_in_background=sync_runner(calls)
    )
    api = dialog.editors["api_base"]
    assert isinstance(api, QLineEdit)
    api.setText("http://example.com")
    dialog.test_button.click()
    assert calls == []
    assert "https" in dialog.error_labels["api_base"].text()


def test_without_a_tester_the_button_is_disabled(qtbot: QtBot, store: CredentialStore) -> None:
    assert not make_dialog(qtbot, store).test_button.isEnabled()
