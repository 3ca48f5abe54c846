"""The settings dialog, built from the `Settings` declaration, plus the secret fields.

One form row per declared setting (`app.ui.setting_editors`: the editor chosen by the
field's type and choices), grouped into the Account, Printing, Station and Advanced
tabs. On OK the values are checked with `validate()`; errors appear under their fields
and the dialog stays open.
The AppSecret goes to the `CredentialStore` (OS keyring); when no keyring is available
the user is asked whether to keep it for this session only. "Test connection" runs the
handed-in tester off the GUI thread (`app.ui.connection_test`), after reading a saved
AppSecret in `keyring_run` when none is typed. The shared ledger's
password goes to the keyring too (`app.ui.ledger_password`). Both are saved through the
handed-in `keyring_run` (the background helper's lane): OK waits for the keyring's answers
with the dialog still turning, and closes it only once both are saved.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.credentials import CredentialStore, KeyringUnavailable
from app.core.logsetup import redact
from app.core.model import Hint
from app.core.settings import (
    ConnectionResult,
    Group,
    SettingField,
    Settings,
    TokenMode,
    setting_fields,
)
from app.core.settings_check import validate
from app.ui.connection_test import ConnectionTester, ConnectionTestRun, RunInBackground
from app.ui.ledger_password import LedgerPasswordRow, RunInLane, run_inline
from app.ui.secret_state import SecretState
from app.ui.setting_editors import ERROR_STYLE, editor_value, setting_row

log = logging.getLogger(__name__)

Ask = Callable[[str, str], bool]
"""Asks the user a yes/no question: `ask(title, text) -> True for yes`."""

OK_STYLE = "color: #1b7f3b;"


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
        self._tester = connection_tester
        self._keyring_run = keyring_run if keyring_run is not None else run_inline
        self._ask = ask if ask is not None else self._ask_with_message_box
        self._language = language or settings.language or QLocale.system().name()
        self.editors: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._group_of: dict[str, Group] = {}
        self._test_secret = ""
        self._test_run = ConnectionTestRun(run_in_background, self)
        self._test_run.ended.connect(self._deliver_test)

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
                self._add_secret_rows()
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
        self.secret_state = SecretState(
            store, self.secret_edit, self.secret_status, self._keyring_run, self._text
        )
        self.secret_state.show(settings.appid)

    # --- building ----------------------------------------------------------------------

    def _text(self, hint: Hint) -> str:
        return hint.text(self._language)

    def _add_row(self, item: SettingField, value: Any) -> None:
        row = setting_row(item, value, self._language)
        self._forms[item.info.group].addRow(row.label, row.cell)
        self.editors[item.name] = row.editor
        self.error_labels[item.name] = row.error
        self._group_of[item.name] = item.info.group

    def _add_secret_rows(self) -> None:
        form = self._forms[Group.ACCOUNT]
        self.secret_edit = QLineEdit()
        self.secret_edit.setObjectName("appsecret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setToolTip(
            self.tr("Stored in the system keyring, never in the settings file.")
        )
        form.addRow(QLabel(self.tr("AppSecret")), self.secret_edit)

        self.secret_status = QLabel()
        self.secret_status.setObjectName("secret_status")
        self.secret_status.setWordWrap(True)
        form.addRow("", self.secret_status)

        self.forget_button = QPushButton(self.tr("Forget credentials"))
        self.forget_button.setObjectName("forget_credentials")
        self.forget_button.clicked.connect(self.forget_credentials)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("test_connection")
        self.test_button.clicked.connect(self.test_connection)
        self.test_button.setEnabled(self._tester is not None)
        row = QWidget()
        buttons = QHBoxLayout(row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.forget_button)
        buttons.addStretch(1)
        form.addRow("", row)

        self.test_result = QLabel()
        self.test_result.setObjectName("test_result")
        self.test_result.setWordWrap(True)
        form.addRow("", self.test_result)

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

    # --- forgetting --------------------------------------------------------------------

    def forget_credentials(self) -> None:
        """Remove the AppSecret of the shown AppID from the keyring and this session (in
        the keyring lane; the outcome shows in the status line)."""
        appid = self._value("appid") or self._original.appid
        if not appid:
            return
        question = self.tr("Remove the saved AppSecret for {0} from this computer?").format(appid)
        if not self._ask(self.tr("Forget credentials"), question):
            return
        self.secret_state.forget(appid)

    # --- testing the connection --------------------------------------------------------

    def test_connection(self) -> None:
        """Run the connection tester off the GUI thread; the result shows below the button."""
        if self._tester is None:
            return
        settings = self.current_settings()
        if not self._check(settings):
            return
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Testing the connection…"))
        secret = self.secret_edit.text().strip()
        if secret or not settings.appid:
            self._start_test(settings, secret)
            return
        # The saved AppSecret: read in the keyring lane, which may wait for an unlock.
        self._keyring_run(
            self._store.get_secret,
            settings.appid,
            on_done=lambda saved: self._start_test(settings, saved or ""),
            on_error=functools.partial(self._secret_not_read, settings),
        )

    def _secret_not_read(self, settings: Settings, exc: BaseException) -> None:
        if isinstance(exc, KeyringUnavailable):
            self._start_test(settings, "")  # the tester says what is missing
        else:
            self._test_failed(exc)

    def _start_test(self, settings: Settings, secret: str) -> None:
        if not shiboken6.isValid(self) or self._tester is None:
            return
        self._test_secret = secret
        self._test_run.start(self._tester, settings, secret)

    def _deliver_test(self, outcome: object, failed: bool) -> None:
        if failed:
            assert isinstance(outcome, BaseException)
            self._test_failed(outcome)
        else:
            self._tested(outcome)

    def _tested(self, result: object) -> None:
        if not shiboken6.isValid(self):
            return
        self.test_button.setEnabled(True)
        if isinstance(result, ConnectionResult):
            ok, text = result.ok, self._text(result.message)
        else:
            ok, text = False, self.tr("The connection test gave no answer.")
        prefix = self.tr("Connection works.") if ok else self.tr("Connection failed.")
        self.test_result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.test_result.setText(f"{prefix} {text}".strip())
        self.connection_tested.emit(result)

    def _test_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.test_button.setEnabled(True)
        detail = redact(f"{type(exc).__name__}: {exc}", [self._test_secret])
        log.warning("connection test failed: %s", detail)
        self.test_result.setStyleSheet(ERROR_STYLE)
        self.test_result.setText(self.tr("Connection failed. {0}").format(detail))
        self.connection_tested.emit(exc)


__all__ = ["Ask", "ConnectionTester", "RunInBackground", "SettingsDialog"]
