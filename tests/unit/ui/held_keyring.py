"""A keyring that holds its calls for one service until the test releases them, as the
Secret Service does until the keyring is unlocked; and a check that the GUI thread turns."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from tests.unit.core.memory_keyring import MemoryKeyring


class HeldKeyring(MemoryKeyring):
    """The in-memory keyring, remembering the thread of each call for `service`; each such
    call waits until `release` is set (then raises `fail_with`, if given). The other
    services' entries answer at once."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self.threads: list[threading.Thread] = []
        self.release = threading.Event()
        self.fail_with: Exception | None = None

    def _hold(self, service: str) -> None:
        if service != self.service:
            return
        self.threads.append(threading.current_thread())
        assert self.release.wait(30), "the test never released the keyring"
        if self.fail_with is not None:
            raise self.fail_with

    def get_password(self, service: str, username: str) -> str | None:
        self._hold(service)
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._hold(service)
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._hold(service)
        super().delete_password(service, username)


def gui_thread_turns(qtbot: QtBot) -> None:
    """A zero-timer fires: the GUI thread's event loop is not blocked."""
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: fired == [True], timeout=5000)
