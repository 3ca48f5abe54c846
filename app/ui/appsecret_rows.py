"""The AppSecret's rows in Settings → Account: the masked field, its status line, the
"Test connection" and "Forget credentials" buttons and the test's result line.

`AppSecretRows` adds them under the AppID and runs what the two buttons do; the dialog
keeps the settings form, its checks and saving (the typed AppSecret is saved by the
dialog's OK). Forgetting asks first, then removes the secret of the shown AppID through
`SecretState` (the keyring lane). Testing checks the form (the dialog's
`settings_to_test`), reads the saved AppSecret in `keyring_run` when none is typed, runs
the handed-in tester off the GUI thread (`app.ui.connection_test`) and shows the result
in green or red; `tested` carries the `ConnectionResult` (or the exception) once done.
The secret is never shown, and is masked out of a failed test's message.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.core.credentials import CredentialStore, KeyringUnavailable
from app.core.logsetup import redact
from app.core.model import Hint
from app.core.settings import ConnectionResult, Settings
from app.ui.connection_test import ConnectionTester, ConnectionTestRun, RunInBackground
from app.ui.keyring_form import RunInLane
from app.ui.secret_state import SecretState
from app.ui.setting_editors import ERROR_STYLE

log = logging.getLogger(__name__)

Ask = Callable[[str, str], bool]
"""Asks the user a yes/no question: `ask(title, text) -> True for yes`."""

OK_STYLE = "color: #1b7f3b;"


class AppSecretRows(QObject):
    """The AppSecret rows of the Account tab (see the module docstring)."""

    tested = Signal(object)
    """The `ConnectionResult` (or the exception) once a test has finished."""

    def __init__(
        self,
        form: QFormLayout,
        store: CredentialStore,
        *,
        tester: ConnectionTester | None,
        run_in_background: RunInBackground | None,
        keyring_run: RunInLane,
        ask: Ask,
        text: Callable[[Hint], str],
        settings_to_test: Callable[[], Settings | None],
        appid: Callable[[], str],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._tester = tester
        self._keyring_run = keyring_run
        self._ask = ask
        self._text = text
        self._settings_to_test = settings_to_test
        self._appid = appid
        self._test_secret = ""
        self._test_run = ConnectionTestRun(run_in_background, self)
        self._test_run.ended.connect(self._deliver_test)
        self._add_rows(form)
        self.state = SecretState(store, self.secret_edit, self.secret_status, keyring_run, text)

    def _add_rows(self, form: QFormLayout) -> None:
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

    # --- forgetting --------------------------------------------------------------------

    def forget_credentials(self) -> None:
        """Remove the AppSecret of the shown AppID from the keyring and this session (in
        the keyring lane; the outcome shows in the status line)."""
        appid = self._appid()
        if not appid:
            return
        question = self.tr("Remove the saved AppSecret for {0} from this computer?").format(appid)
        if not self._ask(self.tr("Forget credentials"), question):
            return
        self.state.forget(appid)

    # --- testing the connection --------------------------------------------------------

    def test_connection(self) -> None:
        """Run the connection tester off the GUI thread; the result shows below the button."""
        if self._tester is None:
            return
        settings = self._settings_to_test()
        if settings is None:
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
        self.tested.emit(result)

    def _test_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.test_button.setEnabled(True)
        detail = redact(f"{type(exc).__name__}: {exc}", [self._test_secret])
        log.warning("connection test failed: %s", detail)
        self.test_result.setStyleSheet(ERROR_STYLE)
        self.test_result.setText(self.tr("Connection failed. {0}").format(detail))
        self.tested.emit(exc)
