"""Running a dialog's background tasks and keeping the dialog until their results are in.

The Settings dialog starts connection tests and keyring reads and writes; `DialogTasks`
runs them on the window's `BackgroundRunner` (or in a serial lane of it) and holds on to
the dialog after it closed until every result has been delivered, so a result never
arrives at a freed dialog.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog

from app.ui.background import BackgroundRunner, SerialLane


class DialogTasks:
    """Runs a dialog's background tasks and keeps the dialog until their results are in.

    The dialog is released with `release()` once it is closed; it is deleted then, or —
    when a connection test is still running — right after that test's result was
    delivered, so a result never arrives at a freed dialog.
    """

    def __init__(self, runner: BackgroundRunner, lane: SerialLane | None = None) -> None:
        self._runner = runner
        self._lane = lane
        self._pending = 0
        self._dialog: QDialog | None = None
        self._released = False

    @property
    def pending(self) -> int:
        return self._pending

    def run(
        self,
        fn: Callable[..., object],
        *args: Any,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> object:
        return self._start(self._runner.run, fn, *args, on_done=on_done, on_error=on_error)

    def run_in_lane(
        self,
        fn: Callable[..., object],
        *args: Any,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> object:
        """`run`, but in the lane given (one after another, in order), if any."""
        start = self._lane.run if self._lane is not None else self._runner.run
        return self._start(start, fn, *args, on_done=on_done, on_error=on_error)

    def _start(
        self,
        start: Callable[..., object],
        fn: Callable[..., object],
        *args: Any,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> object:
        self._pending += 1

        def deliver(callback: Callable[[Any], None], value: Any) -> None:
            self._pending -= 1
            try:
                callback(value)
            finally:
                self._delete_if_done()

        return start(
            fn,
            *args,
            on_done=functools.partial(deliver, on_done),
            on_error=functools.partial(deliver, on_error),
        )

    def release(self, dialog: QDialog) -> None:
        self._dialog = dialog
        self._released = True
        self._delete_if_done()

    def _delete_if_done(self) -> None:
        if self._released and self._pending == 0 and self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            dialog.deleteLater()
