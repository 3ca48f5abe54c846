"""The AppSecret's status line in Settings → Account: whether one is kept, and where.

`SecretState.show(appid)` asks the `CredentialStore` through the handed-in `run` (the
background helper's keyring lane: the Secret Service can block until the keyring is
unlocked, and the GUI thread never waits on it) and shows the answer when it arrives.
`forget(appid)` removes the secret the same way. Only the latest question's answer is
shown: an answer overtaken by a newer question says nothing. The secret is never shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QLineEdit

from app.core.credentials import CredentialStore, KeyringUnavailable
from app.core.model import Hint
from app.ui.keyring_form import LatestAnswer, RunInLane


class SecretState:
    """Fills the AppSecret's placeholder and status line (see the module docstring)."""

    def __init__(
        self,
        store: CredentialStore,
        edit: QLineEdit,
        status: QLabel,
        run: RunInLane,
        text: Callable[[Hint], str],
    ) -> None:
        self._store = store
        self._edit = edit
        self._status = status
        self._run = run
        self._text = text
        self._answers = LatestAnswer(status, edit)

    def supersede(self) -> None:
        """An answer still on its way is no longer shown."""
        self._answers.supersede()

    def show(self, appid: str) -> None:
        """Say whether an AppSecret is kept for `appid` (once the keyring told)."""
        asked = self._answers.supersede()
        self._edit.setPlaceholderText("")
        if not appid:
            self._status.setText(
                QCoreApplication.translate("SettingsDialog", "Enter the AppID, then its AppSecret.")
            )
            return
        self._status.setText(
            QCoreApplication.translate("SettingsDialog", "Looking in the system keyring…")
        )
        self._run(
            self._store.get_secret,
            appid,
            on_done=lambda stored: self._told(asked, appid, bool(stored)),
            on_error=lambda exc: self._unreadable(asked, exc),
        )

    def forget(self, appid: str) -> None:
        """Remove the AppSecret of `appid` from the keyring and this session; the outcome
        is shown once the keyring has answered."""
        asked = self._answers.supersede()
        self._edit.clear()
        self._edit.setPlaceholderText("")
        self._status.setText(
            QCoreApplication.translate("SettingsDialog", "Forgetting the AppSecret…")
        )
        self._run(
            self._store.forget,
            appid,
            on_done=lambda _none: self._forgotten(asked),
            on_error=lambda exc: self._unreadable(asked, exc),
        )

    def _forgotten(self, asked: int) -> None:
        if self._answers.current(asked):
            self._status.setText(
                QCoreApplication.translate("SettingsDialog", "The AppSecret was forgotten.")
            )

    def _told(self, asked: int, appid: str, stored: bool) -> None:
        if not self._answers.current(asked):
            return
        if stored and self._store.is_session_only(appid):
            self._edit.setPlaceholderText(
                QCoreApplication.translate("SettingsDialog", "kept for this session only")
            )
            self._status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "The AppSecret is kept for this session only."
                )
            )
        elif stored:
            self._edit.setPlaceholderText(
                QCoreApplication.translate("SettingsDialog", "saved — leave empty to keep it")
            )
            self._status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "The AppSecret is saved in the system keyring ({0})."
                ).format(self._store.backend_name())
            )
        else:
            self._status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "No AppSecret is saved for this AppID."
                )
            )

    def _unreadable(self, asked: int, exc: BaseException) -> None:
        if not self._answers.current(asked):
            return
        if isinstance(exc, KeyringUnavailable):
            self._status.setText(self._text(exc.reason))
        else:
            self._status.setText(
                QCoreApplication.translate(
                    "SettingsDialog", "The system keyring cannot be read: {0}"
                ).format(type(exc).__name__)
            )
