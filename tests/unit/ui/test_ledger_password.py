"""Settings → Station: the shared ledger's password, masked, kept in the keyring only;
the keyring asked in the background helper's lane, never on the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring.errors
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.core.credentials import CredentialStore
from app.core.ledger_url import KEYRING_SERVICE, keyring_key, ledger_location
from app.core.settings import Settings, TokenMode
from app.core.settings_store import SettingsStore
from app.ui.background import BackgroundRunner
from app.ui.settings_dialog import SettingsDialog
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.held_keyring import HeldKeyring, gui_thread_turns

URL = "postgresql://station7@db-server:5433/waybills"
PASSWORD = "ledger-pw-9z8y7x"
BASE = Settings(appid="wx1234567890abcdef", token_mode=TokenMode.CLASSIC)


def dialog_for(qtbot: QtBot, backend: MemoryKeyring, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings, CredentialStore(backend), language="en", ask=lambda *_: True)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_password_goes_to_the_keyring_masked_and_never_to_the_settings_file(
    qtbot: QtBot, tmp_path: Path
) -> None:
    backend = MemoryKeyring()
    dialog = dialog_for(qtbot, backend, BASE)
    assert dialog.ledger_password.edit.echoMode() is QLineEdit.EchoMode.Password
    url_edit = dialog.editors["ledger_url"]
    assert isinstance(url_edit, QLineEdit)
    url_edit.setText(URL)
    qtbot.keyClicks(dialog.ledger_password.edit, PASSWORD)
    click_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert backend.passwords == {(KEYRING_SERVICE, keyring_key(URL)): PASSWORD}
    store = SettingsStore(tmp_path / "settings.json")
    store.save(dialog.result_settings())
    text = (tmp_path / "settings.json").read_text()
    assert URL in text and PASSWORD not in text
    # ... and the program finds it where it opens the ledger.
    location = ledger_location(
        {}, store.load().ledger_url, tmp_path / "own.sqlite3", backend.get_password
    )
    assert (location.url, location.password) == (URL, PASSWORD)


def test_a_saved_password_is_kept_when_the_field_is_left_empty(qtbot: QtBot) -> None:
    backend = MemoryKeyring()
    backend.set_password(KEYRING_SERVICE, keyring_key(URL), PASSWORD)
    dialog = dialog_for(qtbot, backend, BASE.replace(ledger_url=URL))
    row = dialog.ledger_password
    assert row.edit.text() == "" and "leave empty" in row.edit.placeholderText()
    assert "saved in the system keyring" in row.status.text()
    click_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert backend.passwords == {(KEYRING_SERVICE, keyring_key(URL)): PASSWORD}


def test_a_password_without_a_ledger_url_is_refused_and_not_saved(qtbot: QtBot) -> None:
    backend = MemoryKeyring()
    dialog = dialog_for(qtbot, backend, BASE)
    assert "URL first" in dialog.ledger_password.status.text()
    qtbot.keyClicks(dialog.ledger_password.edit, PASSWORD)
    click_ok(dialog)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "URL is needed" in dialog.error_labels["ledger_url"].text()
    assert backend.passwords == {}


def laned_dialog(
    qtbot: QtBot, backend: MemoryKeyring, settings: Settings, runner: BackgroundRunner
) -> SettingsDialog:
    dialog = SettingsDialog(
        settings,
        CredentialStore(backend),
        language="en",
        ask=lambda *_: True,
        keyring_run=runner.lane().run,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_whether_a_password_is_saved_is_read_off_the_gui_thread(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(KEYRING_SERVICE)
    backend.passwords[(KEYRING_SERVICE, keyring_key(URL))] = PASSWORD
    dialog = laned_dialog(qtbot, backend, BASE.replace(ledger_url=URL), runner)  # no wait
    row = dialog.ledger_password
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)
    assert "Looking in the system keyring" in row.status.text()
    gui_thread_turns(qtbot)  # while the keyring is held
    backend.release.set()
    qtbot.waitUntil(lambda: "saved in the system keyring" in row.status.text(), timeout=5000)
    assert "leave empty" in row.edit.placeholderText()
    assert threading.main_thread() not in backend.threads


def test_ok_saves_the_password_off_the_gui_thread_and_closes_once_it_is_saved(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(KEYRING_SERVICE)
    backend.release.set()  # the opening read goes through
    dialog = laned_dialog(qtbot, backend, BASE, runner)
    url_edit = dialog.editors["ledger_url"]
    assert isinstance(url_edit, QLineEdit)
    url_edit.setText(URL)
    qtbot.keyClicks(dialog.ledger_password.edit, PASSWORD)
    backend.release.clear()
    click_ok(dialog)  # returns while the keyring holds the write
    qtbot.waitUntil(lambda: len(backend.threads) == 1, timeout=5000)
    assert "Saving the password" in dialog.ledger_password.status.text()
    assert not dialog.buttons.isEnabled()
    gui_thread_turns(qtbot)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert backend.passwords == {}
    backend.release.set()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert backend.passwords == {(KEYRING_SERVICE, keyring_key(URL)): PASSWORD}
    assert dialog.result_settings().ledger_url == URL
    assert threading.main_thread() not in backend.threads


def test_a_failed_save_is_told_under_the_url_and_the_dialog_stays_open(
    qtbot: QtBot, runner: BackgroundRunner
) -> None:
    backend = HeldKeyring(KEYRING_SERVICE)
    backend.release.set()
    dialog = laned_dialog(qtbot, backend, BASE.replace(ledger_url=URL), runner)
    qtbot.waitUntil(lambda: "No password is saved" in dialog.ledger_password.status.text())
    backend.fail_with = keyring.errors.KeyringLocked("the keyring stayed locked")
    qtbot.keyClicks(dialog.ledger_password.edit, PASSWORD)
    click_ok(dialog)
    error = dialog.error_labels["ledger_url"]
    qtbot.waitUntil(lambda: "could not be saved" in error.text(), timeout=5000)
    assert "the keyring stayed locked" in error.text() and PASSWORD not in error.text()
    assert PASSWORD not in dialog.ledger_password.status.text()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.buttons.isEnabled()  # the packer can try again
    assert backend.passwords == {}
