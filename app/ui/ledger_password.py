"""The warehouse ledger's password in Settings → Station: masked, kept in the keyring.

`LedgerPasswordRow` adds a password field (and a line saying whether one is saved) under
the "Shared ledger" URL. What is typed is saved in the OS keyring under
`app.core.ledger_url.KEYRING_SERVICE` and the URL's ``user@host:port/db``
(`keyring_key`) — where `ledger_location` looks it up when the program opens the
ledger — and never in the settings file. Left empty, a saved password is kept.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

from app.core.ledger_url import KEYRING_SERVICE, keyring_key


class LedgerPasswordRow:
    """The password field of the shared ledger (see the module docstring)."""

    def __init__(self, form: QFormLayout, backend: KeyringBackend, url: str) -> None:
        self._backend = backend
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
        self.show_state(url)

    def show_state(self, url: str) -> None:
        """Say whether a password is saved for the ledger at `url`."""
        self.edit.setPlaceholderText("")
        if not url.strip():
            self.status.setText(
                QCoreApplication.translate(
                    "LedgerPasswordRow", "Enter the shared ledger's URL first, then its password."
                )
            )
            return
        try:
            stored = self._backend.get_password(KEYRING_SERVICE, keyring_key(url))
        except Exception as exc:  # no usable keyring here
            self.status.setText(
                QCoreApplication.translate(
                    "LedgerPasswordRow", "The system keyring cannot be read: {0}"
                ).format(exc)
            )
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

    def save(self, url: str) -> str | None:
        """Save what was typed for the ledger at `url`; None when done (or nothing was
        typed), else what went wrong, for the packer."""
        password = self.edit.text()
        if not password:
            return None
        if not url.strip():
            return QCoreApplication.translate(
                "LedgerPasswordRow", "A shared ledger URL is needed to save its password."
            )
        try:
            self._backend.set_password(KEYRING_SERVICE, keyring_key(url), password)
        except Exception as exc:
            return QCoreApplication.translate(
                "LedgerPasswordRow", "The password could not be saved in the system keyring: {0}"
            ).format(exc)
        self.edit.clear()
        self.show_state(url)
        return None
