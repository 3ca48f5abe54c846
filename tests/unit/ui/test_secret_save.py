"""Settings → Account: the AppSecret's state is read, and OK saves the AppSecret, in the
keyring through the background helper's lane, never on the GUI thread; the dialog closes
once the keyring has kept it, and a keyring that refuses still offers to keep the secret
for this session only."""

from __future__ import annotations

import threading

import keyring.errors
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.core.credentials import SERVICE, CredentialStore
from app.core.settings import Settings, TokenMode
from app.ui.background import BackgroundRunner
from app.ui.settings_dialog import SettingsDialog
from tests.unit.ui.held_keyring import HeldKeyring, gui_thread_turns

APPID = "wx1234567890abcdef"
SECRET = "appsecret-5f4e3d2c1b"
START = Settings(appid=APPID, token_mode=TokenMode.CLASSIC)


class Asker:
    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.questions: list[tuple[str, str]] = []

    def __call__(self, title: str, text: str) -> bool:
        self.questions.append((title, text))
        return self.answer


def open_dialog(
    qtbot: QtBot, store: CredentialStore, runner: BackgroundRunner, ask: Asker
) -> SettingsDialog:
    dialog = SettingsDialog(START, store, language="en", ask=ask, keyring_run=runner.lane().run)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def opened(qtbot: QtBot, dialog: SettingsDialog) -> None:
    """The dialog's opening read of the keyring has been answered."""
    qtbot.waitUntil(lambda: "No AppSecret is saved" in dialog.secret_status.text(), timeout=5000)


def click_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_ok_saves_the_appsecret_off_the_gui_thread_and_closes_once_it_is_kept(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(SERVICE)
    backend.release.set()  # the opening read goes through
    store = CredentialStore(backend)
    ask = Asker(True)
    dialog = open_dialog(qtbot, store, runner, ask)
    opened(qtbot, dialog)
    backend.threads.clear()
    backend.release.clear()
    qtbot.keyClicks(dialog.secret_edit, SECRET)
    click_ok(dialog)  # returns while the keyring holds the write
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)
    assert not dialog.buttons.isEnabled()
    gui_thread_turns(qtbot)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert backend.passwords == {}
    backend.release.set()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert backend.passwords == {(SERVICE, APPID): SECRET}
    assert not store.is_session_only(APPID)
    assert ask.questions == []
    assert threading.main_thread() not in backend.threads


def test_a_refusing_keyring_offers_the_session_when_its_answer_arrives(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(SERVICE)
    backend.release.set()
    store = CredentialStore(backend)
    ask = Asker(True)
    dialog = open_dialog(qtbot, store, runner, ask)
    opened(qtbot, dialog)
    backend.fail_with = keyring.errors.KeyringLocked("the keyring stayed locked")
    qtbot.keyClicks(dialog.secret_edit, SECRET)
    click_ok(dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    [(title, question)] = ask.questions
    assert title == "System keyring unavailable"
    assert "session only" in question and SECRET not in question
    assert store.is_session_only(APPID) and store.get_secret(APPID) == SECRET
    assert backend.passwords == {}


def test_a_refused_secret_not_kept_leaves_the_dialog_open_to_try_again(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(SERVICE)
    backend.release.set()
    store = CredentialStore(backend)
    dialog = open_dialog(qtbot, store, runner, Asker(False))
    opened(qtbot, dialog)
    backend.fail_with = keyring.errors.KeyringLocked("the keyring stayed locked")
    qtbot.keyClicks(dialog.secret_edit, SECRET)
    click_ok(dialog)
    qtbot.waitUntil(lambda: "was not saved" in dialog.general_error.text(), timeout=5000)
    assert SECRET not in dialog.general_error.text()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.buttons.isEnabled()
    assert not store.is_session_only(APPID) and backend.passwords == {}


def test_whether_an_appsecret_is_saved_is_read_off_the_gui_thread(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(SERVICE)
    backend.passwords[(SERVICE, APPID)] = SECRET
    dialog = open_dialog(qtbot, CredentialStore(backend), runner, Asker(True))  # no wait
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)
    assert "Looking in the system keyring" in dialog.secret_status.text()
    gui_thread_turns(qtbot)  # while the keyring is held
    backend.release.set()
    qtbot.waitUntil(lambda: "saved in the system keyring" in dialog.secret_status.text())
    assert "leave empty" in dialog.secret_edit.placeholderText()
    assert SECRET not in dialog.secret_status.text() and dialog.secret_edit.text() == ""
    assert threading.main_thread() not in backend.threads


def test_forgetting_waits_for_the_keyring_off_the_gui_thread_after_the_read(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(SERVICE)
    backend.passwords[(SERVICE, APPID)] = SECRET
    dialog = open_dialog(qtbot, CredentialStore(backend), runner, Asker(True))
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)  # the read is held
    dialog.forget_credentials()  # returns at once: the lane holds it behind the read
    assert dialog.secret_status.text() == "Forgetting the AppSecret…"
    gui_thread_turns(qtbot)
    assert backend.passwords == {(SERVICE, APPID): SECRET}
    backend.release.set()
    qtbot.waitUntil(lambda: runner.active_count == 0 and len(backend.threads) == 2)
    # the read's answer (it found the secret) was overtaken: only the forgetting shows
    assert dialog.secret_status.text() == "The AppSecret was forgotten."
    assert backend.passwords == {}
    assert threading.main_thread() not in backend.threads
