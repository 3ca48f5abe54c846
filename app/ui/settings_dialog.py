"""The settings dialog, built from the `Settings` declaration, plus the secret fields.

One form row per declared setting (`app.ui.setting_editors`: the editor chosen by the
field's type and choices), grouped into the Account, Printing, Station and Advanced
tabs. On OK the values are checked with `validate()`; errors appear under their fields
and the dialog stays open.
The AppSecret's rows, with "Test connection" and "Forget credentials", are
`app.ui.appsecret_rows`; on OK the AppSecret typed goes to the `CredentialStore` (OS
keyring); when no keyring is available the user is asked whether to keep it for this
session only. The shared ledger's password goes to the keyring too
(`app.ui.ledger_password`). Both are saved through the handed-in `keyring_run` (the
background helper's lane): OK waits for the keyring's answers with the dialog still
turning, and closes it only once both are saved.
"""

from __future__ import annotations

import enum
import functools
from typing import Any

import shiboken6
from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.credentials import CredentialStore, KeyringUnavailable
from app.core.model import Hint
from app.core.settings import (
    Group,
    SettingField,
    Settings,
    TokenMode,
    setting_fields,
)
from app.core.settings_check import validate
from app.ui.appsecret_rows import AppSecretRows, Ask
from app.ui.connection_test import ConnectionTester, RunInBackground
from app.ui.keyring_form import RunInLane, run_inline
from app.ui.ledger_password import LedgerPasswordRow
from app.ui.setting_editors import ERROR_STYLE, editor_value, setting_row


class SettingsDialog(QDialog):
    """Edits a `Settings` value and the AppSecret; `result_settings()` gives the outcome."""

    connection_tested = Signal(object)
    """Emitted with the `ConnectionResult` (or the exception) once a test has finished."""

    def __init__(
        self,
        settings: Settings,
        store: CredentialStore,
        *,
        connection_tester: ConnectionTester | None = None,
        run_in_background: RunInBackground | None = None,
        keyring_run: RunInLane | None = None,
        ask: Ask | None = None,
        language: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._original = settings
        self._result = settings
        self._store = store
        self._keyring_run = keyring_run if keyring_run is not None else run_inline
        self._ask = ask if ask is not None else self._ask_with_message_box
        self._language = language or settings.language or QLocale.system().name()
        self.editors: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._group_of: dict[str, Group] = {}

        self.setWindowTitle(self.tr("Settings"))
        self.tabs = QTabWidget(self)
        self._forms: dict[Group, QFormLayout] = {}
        self._pages: dict[Group, QWidget] = {}
        titles = {
            Group.ACCOUNT: self.tr("Account"),
            Group.PRINTING: self.tr("Printing"),
            Group.STATION: self.tr("Station"),
            Group.ADVANCED: self.tr("Advanced"),
        }
        for group in (Group.ACCOUNT, Group.PRINTING, Group.STATION, Group.ADVANCED):
            page = QWidget(self.tabs)
            page.setObjectName(f"tab_{group.value}")
            self._forms[group] = QFormLayout(page)
            self._pages[group] = page
            self.tabs.addTab(page, titles[group])

        for item in setting_fields():
            self._add_row(item, getattr(settings, item.name))
            if item.name == "appid":
                self._add_secret_rows(connection_tester, run_in_background)
            if item.name == "ledger_url":
                self.ledger_password = LedgerPasswordRow(
                    self._forms[Group.STATION], store.backend, settings.ledger_url, keyring_run
                )

        self.general_error = QLabel(self)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self._editor("token_mode", QComboBox).currentIndexChanged.connect(self._update_enabled)
        self._editor("label_size", QComboBox).currentIndexChanged.connect(self._update_enabled)
        self._update_enabled()
        self.appsecret.state.show(settings.appid)

    # --- building ----------------------------------------------------------------------

    def _text(self, hint: Hint) -> str:
        return hint.text(self._language)

    def _add_row(self, item: SettingField, value: Any) -> None:
        row = setting_row(item, value, self._language)
        self._forms[item.info.group].addRow(row.label, row.cell)
        self.editors[item.name] = row.editor
        self.error_labels[item.name] = row.error
        self._group_of[item.name] = item.info.group

    def _add_secret_rows(
        self, tester: ConnectionTester | None, run_in_background: RunInBackground | None
    ) -> None:
        self.appsecret = AppSecretRows(
            self._forms[Group.ACCOUNT],
            self._store,
            tester=tester,
            run_in_background=run_in_background,
            keyring_run=self._keyring_run,
            ask=self._ask,
            text=self._text,
            settings_to_test=self._checked_settings,
            appid=lambda: self._value("appid") or self._original.appid,
            parent=self,
        )
        self.appsecret.tested.connect(self.connection_tested)
        # The rows' widgets, as the window and the tests know them.
        self.secret_edit = self.appsecret.secret_edit
        self.secret_status = self.appsecret.secret_status
        self.test_button = self.appsecret.test_button
        self.forget_button = self.appsecret.forget_button
        self.test_result = self.appsecret.test_result

    def _editor(self, name: str, kind: type[Any]) -> Any:
        editor = self.editors[name]
        assert isinstance(editor, kind)
        return editor

    def _update_enabled(self) -> None:
        third_party = self._value("token_mode") == TokenMode.THIRD_PARTY.value
        self.editors["token_command"].setEnabled(third_party)
        custom = self._value("label_size") == "custom"
        self.editors["custom_width_mm"].setEnabled(custom)
        self.editors["custom_height_mm"].setEnabled(custom)

    # --- values ------------------------------------------------------------------------

    def _value(self, name: str) -> Any:
        return editor_value(self.editors[name])

    def current_settings(self) -> Settings:
        """The settings as the editors show them now (not validated)."""
        values: dict[str, Any] = {}
        for item in setting_fields():
            value = self._value(item.name)
            if isinstance(item.type, type) and issubclass(item.type, enum.Enum):
                value = item.type(value)
            values[item.name] = value
        return self._original.replace(**values)

    def result_settings(self) -> Settings:
        """The accepted settings, or the ones the dialog was opened with."""
        return self._result

    # --- validation and accepting ------------------------------------------------------

    def _clear_errors(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()
        self.general_error.clear()
        self.general_error.hide()

    def _show_error(self, name: str, message: str) -> None:
        label = self.error_labels.get(name)
        if label is None:
            self.general_error.setText(message)
            self.general_error.show()
            return
        label.setText(message)
        label.show()

    def _focus_field(self, name: str) -> None:
        group = self._group_of.get(name)
        if group is not None:
            self.tabs.setCurrentWidget(self._pages[group])
            self.editors[name].setFocus()

    def _check(self, settings: Settings) -> bool:
        """Show every validation error next to its field; True if there were none."""
        self._clear_errors()
        errors = validate(settings)
        for error in errors:
            self._show_error(error.field, self._text(error.message))
        if errors:
            self._focus_field(errors[0].field)
        return not errors

    def _checked_settings(self) -> Settings | None:
        """The settings as shown, when they pass the checks (else the errors show)."""
        settings = self.current_settings()
        return settings if self._check(settings) else None

    def accept(self) -> None:
        settings = self.current_settings()
        if not self._check(settings):
            return
        secret = self.secret_edit.text().strip()
        if secret and not settings.appid:
            self._show_error("appid", self.tr("An AppID is needed to save the AppSecret."))
            self._focus_field("appid")
            return
        self.buttons.setEnabled(False)  # until the keyring has answered
        if not secret:
            self._save_ledger_password(settings)
            return
        self._keyring_run(
            self._store.save_secret,
            settings.appid,
            secret,
            on_done=lambda _none: self._save_ledger_password(settings),
            on_error=functools.partial(self._secret_not_saved, settings, secret),
        )

    def _closed(self) -> bool:
        return not shiboken6.isValid(self) or not self.isVisible()

    def _secret_not_saved(self, settings: Settings, secret: str, exc: BaseException) -> None:
        """The keyring refused: with the user's consent keep the secret for the session."""
        if self._closed():
            return  # closed meanwhile (Escape): nothing was saved, nothing to ask
        reason = (
            self._text(exc.reason) if isinstance(exc, KeyringUnavailable) else type(exc).__name__
        )
        question = self.tr("{0}\n\nKeep the AppSecret for this session only?").format(reason)
        if self._ask(self.tr("System keyring unavailable"), question):
            self._store.keep_for_session(settings.appid, secret)
            self._save_ledger_password(settings)
            return
        self.buttons.setEnabled(True)
        self.general_error.setText(self.tr("The AppSecret was not saved. {0}").format(reason))
        self.general_error.show()

    def _save_ledger_password(self, settings: Settings) -> None:
        if self._closed():
            return
        self.ledger_password.save(
            settings.ledger_url, functools.partial(self._ledger_password_saved, settings)
        )

    def _ledger_password_saved(self, settings: Settings, problem: str | None) -> None:
        if self._closed():
            return  # closed meanwhile (Escape): what the keyring did stays done
        self.buttons.setEnabled(True)
        if problem is not None:
            self._show_error("ledger_url", problem)
            self._focus_field("ledger_url")
            return
        self._result = settings
        super().accept()

    def _ask_with_message_box(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def forget_credentials(self) -> None:
        """Remove the shown AppID's AppSecret, once the user agrees (`AppSecretRows`)."""
        self.appsecret.forget_credentials()

    def test_connection(self) -> None:
        """Test the connection off the GUI thread (`AppSecretRows`)."""
        self.appsecret.test_connection()


__all__ = ["Ask", "ConnectionTester", "RunInBackground", "SettingsDialog"]
