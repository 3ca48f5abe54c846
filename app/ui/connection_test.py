"""Running the settings dialog's connection test off the GUI thread.

`ConnectionTestRun.start(tester, settings, secret)` runs the tester on the handed-in
background runner, or else on a daemon thread whose outcome is relayed to the GUI thread
by a queued signal; either way `ended(outcome, failed)` arrives on the GUI thread. A
dialog closed meanwhile simply never hears of it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal

from app.core.settings import ConnectionResult, Settings

ConnectionTester = Callable[[Settings, str], ConnectionResult]
"""Checks settings plus an AppSecret against the API (runs off the GUI thread)."""

RunInBackground = Callable[..., object]
"""`run(fn, *args, on_done=..., on_error=...)`, e.g. `BackgroundRunner.run`."""


class ConnectionTestRun(QObject):
    """Runs connection tests in the background (see the module docstring)."""

    ended = Signal(object, bool)
    """The tester's result, or the exception it raised (then `failed` is true)."""

    def __init__(self, run: RunInBackground | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run = run

    def start(self, tester: ConnectionTester, settings: Settings, secret: str) -> None:
        if self._run is not None:
            self._run(
                tester,
                settings,
                secret,
                on_done=lambda result: self._deliver(result, False),
                on_error=lambda exc: self._deliver(exc, True),
            )
            return
        relay = self.ended

        def work() -> None:
            try:
                outcome: object = tester(settings, secret)
                failed = False
            except Exception as exc:
                outcome, failed = exc, True
            with contextlib.suppress(RuntimeError):  # the dialog is gone: drop the result
                relay.emit(outcome, failed)

        threading.Thread(target=work, name="connection-test", daemon=True).start()

    def _deliver(self, outcome: object, failed: bool) -> None:
        if shiboken6.isValid(self):  # else the dialog is gone: drop the result
            self.ended.emit(outcome, failed)
