"""Settings → Station: the shared ledger's password, masked, kept in the keyring only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.core.credentials import CredentialStore
from app.core.ledger_url import KEYRING_SERVICE, keyring_key, ledger_location
from app.core.settings import Settings, TokenMode
from app.core.settings_store import SettingsStore
from app.ui.settings_dialog import SettingsDialog
from tests.unit.core.memory_keyring import MemoryKeyring

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
