"""The warehouse ledger's password in Settings → Station: masked, kept in the keyring.

`LedgerPasswordRow` adds a password field (and a line saying whether one is saved) under
the "Shared ledger" URL. What is typed is saved in the OS keyring under
`app.core.ledger_url.KEYRING_SERVICE` and the URL's ``user@host:port/db``
(`keyring_key`) — where `ledger_location` looks it up when the program opens the
ledger — and never in the settings file. Left empty, a saved password is kept.

The keyring is asked through the handed-in `run` (a serial lane of the background
helper: the Secret Service can block until the keyring is unlocked, and the GUI thread
never waits on it); reads and the save happen in the order given and their answers are
shown when they arrive. Without `run` (tests of the form alone) the keyring is asked inline.
"""

from __future__ import annotations

from collections.abc import Callable

from keyring.backend import KeyringBackend
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

from app.core.ledger_url import KEYRING_SERVICE, keyring_key
from app.ui.keyring_form import LatestAnswer, RunInLane, run_inline

Saved = Callable[[str | None], None]
"""Told the outcome of a save: None when done (or nothing to save), else the problem."""


class LedgerPasswordRow:
    """The password field of the shared ledger (see the module docstring)."""

    def __init__(
        self,
        form: QFormLayout,
        backend: KeyringBackend,
        url: str,
        run: RunInLane | None = None,
    ) -> None:
        self._backend = backend
        self._run: RunInLane = run if run is not None else run_inline
        self.edit = QLineEdit()
        self.edit.setObjectName("ledger_password")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setToolTip(
            QCoreApplication.translate(
                "LedgerPasswordRow", "Stored in the system keyring, never in the settings file."
            )
        )
        self.status = QLabel()
        self.status.setObjectName("ledger_password_status")
        self.status.setWordWrap(True)
        form.addRow(
            QLabel(QCoreApplication.translate("LedgerPasswordRow", "Ledger password")), self.edit
        )
        form.addRow("", self.status)
        self._answers = LatestAnswer(self.status, self.edit)
        self.show_state(url)

    def show_state(self, url: str) -> None:
        """Say whether a password is saved for the ledger at `url` (once the keyring told)."""
        asked = self._answers.supersede()
        self.edit.setPlaceholderText("")
        if not url.strip():
            self.status.setText(
                QCoreApplication.translate(
                    "LedgerPasswordRow", "Enter the shared ledger's URL first, then its password."
                )
            )
            return
        self.status.setText(
            QCoreApplication.translate("LedgerPasswordRow", "Looking in the system keyring…")
        )
        self._run(
            self._backend.get_password,
            KEYRING_SERVICE,
            keyring_key(url),
            on_done=lambda stored: self._show_stored(asked, bool(stored)),
            on_error=lambda exc: self._show_unreadable(asked, exc),
        )

    def _show_stored(self, asked: int, stored: bool) -> None:
        if not self._answers.current(asked):
            return
        if stored:
            self.edit.setPlaceholderText(
                QCoreApplication.translate("LedgerPasswordRow", "saved — leave empty to keep it")
            )
            self.status.setText(
                QCoreApplication.translate(
                    "LedgerPasswordRow", "The password is saved in the system keyring."
                )
            )
        else:
            self.status.setText(
                QCoreApplication.translate(
                    "LedgerPasswordRow", "No password is saved for this ledger."
                )
            )

    def _show_unreadable(self, asked: int, exc: BaseException) -> None:
        if not self._answers.current(asked):
            return
        self.status.setText(
            QCoreApplication.translate(
                "LedgerPasswordRow", "The system keyring cannot be read: {0}"
            ).format(exc)
        )

    def save(self, url: str, then: Saved) -> None:
        """Save what was typed for the ledger at `url`; `then(None)` when done (or nothing
        was typed), else `then(problem)` with what went wrong, for the packer — called
        when the keyring has answered, on the GUI thread."""
        password = self.edit.text()
        if not password:
            then(None)
            return
        if not url.strip():
            then(
                QCoreApplication.translate(
                    "LedgerPasswordRow", "A shared ledger URL is needed to save its password."
                )
            )
            return
        self._answers.supersede()  # a read still on its way says nothing about this save
        self.status.setText(
            QCoreApplication.translate(
                "LedgerPasswordRow", "Saving the password in the system keyring…"
            )
        )
        self._run(
            self._backend.set_password,
            KEYRING_SERVICE,
            keyring_key(url),
            password,
            on_done=lambda _none: self._saved(then),
            on_error=lambda exc: self._not_saved(then, exc),
        )

    def _saved(self, then: Saved) -> None:
        if self._answers.alive():
            self.edit.clear()
            self.edit.setPlaceholderText(
                QCoreApplication.translate("LedgerPasswordRow", "saved — leave empty to keep it")
            )
            self.status.setText(
                QCoreApplication.translate(
                    "LedgerPasswordRow", "The password is saved in the system keyring."
                )
            )
        then(None)

    def _not_saved(self, then: Saved, exc: BaseException) -> None:
        problem = QCoreApplication.translate(
            "LedgerPasswordRow", "The password could not be saved in the system keyring: {0}"
        ).format(exc)
        if self._answers.alive():
            self.status.setText(problem)
        then(problem)
