"""Print requests of the window waiting for the list of printers, never on the GUI thread.

The window's target of a request (`app.ui.print_target`) is decided from the snapshot of
its `PrinterList` (`app.ui.printer_list`), taken off the GUI thread. `target_or_wait`
answers at once when the target needs no printer (the PDF folder) or the snapshot has the
printer; before the first snapshot, when the snapshot lacks the printer (it may have been
switched on since), or while earlier requests wait (requests go out in the order they were
made), the request waits on the event loop for a fresh list. Then its target is found
again: found, the request goes on (`go`); still missing, every label of it is refused with
the `NoPrinter` message (what to do, the printers there are) and `then(result)` is called
— nothing is claimed or printed, never a silent fall-back. `drop` cancels the waiting
requests (their `then` says cancelled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.ui.print_report import PrintRequestResult
from app.ui.print_request import Chosen
from app.ui.print_target import NoPrinter, PrintTarget
from app.ui.printer_list import PrinterList

Then = Callable[[PrintRequestResult], None] | None


@dataclass
class Awaiting:
    """A print request waiting for a fresh printer list before its target is found."""

    chosen: list[Chosen]
    source: str
    result: PrintRequestResult
    then: Then

    @property
    def keys(self) -> list[tuple[str, str]]:
        return [waybill.ref.key for waybill, _reprint, _forced in self.chosen]


class AwaitingPrinters:
    """See the module docstring."""

    def __init__(
        self,
        printers: PrinterList,
        find: Callable[[], PrintTarget],
        go: Callable[[list[Chosen], str, PrintRequestResult, PrintTarget, Then], None],
        changed: Callable[[], None],
    ) -> None:
        self._printers = printers
        self._find = find  # from the snapshot; raises NoPrinter
        self._go = go
        self._changed = changed
        self._waiting: list[Awaiting] = []

    @property
    def labels(self) -> int:
        """Labels of waiting requests not cancelled."""
        return sum(len(w.chosen) for w in self._waiting if not w.result.cancelled)

    @property
    def keys(self) -> set[tuple[str, str]]:
        return {key for w in self._waiting if not w.result.cancelled for key in w.keys}

    def target_or_wait(self, waiting: Awaiting) -> PrintTarget | None:
        """The target now, or None: `waiting` then goes on once the printers are known."""
        if not self._waiting:
            try:
                return self._find()
            except NoPrinter:
                pass  # ask again: the printer (or the list) may be there now
        self._waiting.append(waiting)
        self._changed()
        self._printers.after_refresh(lambda: self._known(waiting))
        return None

    def drop(self) -> int:
        """Cancel the waiting requests; returns how many labels they held."""
        dropped = 0
        for waiting in self._waiting:
            if not waiting.result.cancelled:
                waiting.result.cancelled = True
                dropped += len(waiting.chosen)
        return dropped

    def _known(self, waiting: Awaiting) -> None:
        self._waiting.remove(waiting)
        result = waiting.result
        if not result.cancelled:
            try:
                target = self._find()
            except NoPrinter as exc:
                result.refused.extend((key, str(exc)) for key in waiting.keys)
            else:
                self._go(waiting.chosen, waiting.source, result, target, waiting.then)
                return
        result.finished = True
        self._changed()
        if waiting.then is not None:
            waiting.then(result)
