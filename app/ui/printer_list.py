"""The printers there are, as the window knows them: a snapshot taken off the GUI thread.

Asking which printers exist talks to CUPS (by default over IPP,
`app.printing.cups_printers`, which says why not through Qt on a worker thread), so the
window never does it on the GUI thread. `PrinterList` asks through the window's one
`BackgroundRunner` when it starts, every `interval_ms`, and whenever `after_refresh` is
called; `snapshot` is the last answer (None before the first), `error` says why the last
question failed (CUPS down: None once one is answered), and `changed` is emitted
with each answer that differs from the one before. One question is out at a time: a tick
of the timer while one is out asks nothing more (its answer is the fresh one).
`after_refresh(fn)` calls `fn()` on the GUI thread once an answer asked for after the
call is back (also when the question failed: `snapshot` then stays what it was), so a
print request made before the first snapshot, or naming a printer the snapshot does not
know, is decided on a fresh answer — waiting for it on the event loop, never blocking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.printing.cups_printers import lookup_for
from app.printing.printers import PrinterNames
from app.ui.background import BackgroundRunner

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 5000

Lookup = Callable[[], PrinterNames]


class PrinterList(QObject):
    """The window's snapshot of the printers; see the module docstring."""

    changed = Signal(object)
    """(`PrinterNames`) a snapshot that differs from the one before arrived."""

    def __init__(
        self,
        runner: BackgroundRunner,
        lookup: Lookup | None = None,
        parent: QObject | None = None,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._lookup = lookup if lookup is not None else lookup_for()
        self._asking = False
        self._waiting: list[Callable[[], None]] = []  # for the question after the one out
        self._next: list[Callable[[], None]] = []  # for the question out now
        self.snapshot: PrinterNames | None = None
        self.error: str | None = None
        """Why the last question failed (None once one is answered)."""
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.refresh)

    @property
    def names(self) -> list[str]:
        """The printers of the last snapshot (none before the first)."""
        return list(self.snapshot.names) if self.snapshot is not None else []

    def start(self) -> None:
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def asking(self) -> bool:
        """A question is out (its answer not back yet)."""
        return self._asking

    def refresh(self) -> None:
        """Ask now, unless a question is out already: its answer will do."""
        if self._asking:
            return
        self._asking = True
        self._next, self._waiting = self._waiting, []
        self._runner.run(self._lookup, on_done=self._on_answer, on_error=self._on_error)

    def after_refresh(self, fn: Callable[[], None]) -> None:
        """Call `fn()` once an answer asked for from now on is back."""
        self._waiting.append(fn)
        self.refresh()

    def _on_answer(self, names: PrinterNames) -> None:
        before, self.snapshot, self.error = self.snapshot, names, None
        if names != before:
            self.changed.emit(names)
        self._answered()

    def _on_error(self, exc: BaseException) -> None:
        log.warning("could not list the printers: %s", exc)
        self.error = str(exc)
        self._answered()

    def _answered(self) -> None:
        self._asking = False
        done, self._next = self._next, []
        if self._waiting:  # asked for after the question now answered went out
            self.refresh()
        for fn in done:
            fn()
