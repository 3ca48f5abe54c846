"""Print on scan: each scanned order is fetched and its label printed at once.

One scan, one label. `scanned(key)` (a new row) fetches it; when a fetch ends,
`fetch_finished()` prints the scanned rows that came back ready (cancelled or failed ones
are only shown) and fetches scans that arrived while it ran. Scanning an order that is
already in the list prints it if it is ready, or — if it was printed already — prints it
again only after the packer said yes (the print controller's guard and `ask`).
Every print goes through `PrintController.print_keys(..., source="scan")`.
While a dialog or prompt is open (`blocked()`), prints wait and go out once it closed:
a scan caught from over a "Print again?" prompt never raises a second prompt inside it.
After an outage (`fetch_finished(outage=True)`) the waiting scans are not fetched again
by themselves; the next scan or Fetch retries them.
While the printer is not ready (`printer_problem()` says why), scanned labels are held,
not sent and not marked printed; `release_held()` (the printer is back) prints them in
scan order, each once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from app.core.model import Waybill
from app.ui.print_controller import NoPrinter, PrintController, PrintRequestResult
from app.ui.queue_model import Key, OrderQueueModel, RowState
from app.ui.scan_bar import Feedback

SOURCE = "scan"

Tell = Callable[[str, Feedback], None]

RETRY_MS = 200


def modal_open() -> bool:
    """True while a modal dialog or prompt of the application is open."""
    return QApplication.activeModalWidget() is not None


class ScanToPrint(QObject):
    """Remembers which scans still wait for their label and prints them when ready."""

    def __init__(
        self,
        model: OrderQueueModel,
        printer: PrintController,
        fetch: Callable[[], None],
        tell: Tell,
        parent: QObject | None = None,
        *,
        blocked: Callable[[], bool] = modal_open,
        printer_problem: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._printer = printer
        self._fetch = fetch
        self._tell = tell
        self._blocked = blocked
        self._printer_problem = printer_problem
        self._held: list[Key] = []
        self._waiting: list[Key] = []
        self._deferred: list[tuple[list[Key], bool]] = []
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry.timeout.connect(self._print_deferred)

    @property
    def deferred(self) -> int:
        """Print requests waiting for an open dialog to close."""
        return len(self._deferred)

    @property
    def waiting(self) -> list[Key]:
        """Scanned rows whose label has not been printed yet (in scan order)."""
        return list(self._waiting)

    @property
    def held(self) -> list[Key]:
        """Scanned labels held while the printer is not ready (in scan order)."""
        return list(self._held)

    def release_held(self) -> None:
        """The printer is ready again: print the held labels still ready, in scan order."""
        held, self._held = self._held, []
        ready = [k for k in held if self._state(k) is RowState.READY]
        if ready:
            self._print(ready, reprint_printed=False)

    def scanned(self, key: Key) -> None:
        """A new row was scanned: fetch it; it prints when its waybill arrives."""
        if key not in self._waiting:
            self._waiting.append(key)
        self._fetch()

    def rescanned(self, key: Key) -> bool:
        """A row already in the list was scanned again. True if it was handled here."""
        state = self._state(key)
        if state in (RowState.READY, RowState.PRINTED):
            self._print([key], reprint_printed=state is RowState.PRINTED)
            return True
        if state in (RowState.QUEUED, RowState.ERROR, RowState.FETCHING):
            self.scanned(key)
            return True
        if state is RowState.UNVERIFIED:
            reason = self._printer.jobs.unverified_reason(key) or ""
            self._tell(
                self.tr(
                    "{0}: not printed, its label is not verified ({1}). Select it and press "
                    "Print to look at it."
                ).format(key[0], reason),
                Feedback.ERROR,
            )
            return True
        return False  # printing now, or cancelled: the window's usual message says so

    def fetch_finished(self, *, outage: bool = False) -> None:
        """A fetch ended: print the scanned rows now ready, fetch those still queued
        (unless the fetch met an outage: then they wait for the next scan or Fetch)."""
        ready = [k for k in self._waiting if self._state(k) is RowState.READY]
        self._waiting = [
            k for k in self._waiting if self._state(k) in (RowState.QUEUED, RowState.FETCHING)
        ]
        if ready:
            self._print(ready, reprint_printed=False)
        if self._waiting and not outage:
            self._fetch()

    def _print(self, keys: list[Key], *, reprint_printed: bool) -> None:
        problem = self._printer_problem()
        if problem is not None and not reprint_printed:
            self._held += [k for k in keys if k not in self._held]
            text = self.tr(
                "Not printed yet — {0}. %n label(s) held; they print in scan order "
                "once the printer is ready.",
                "",
                len(self._held),
            ).format(problem)
            self._tell(text, Feedback.ERROR)
            return
        if self._blocked():
            self._deferred.append((keys, reprint_printed))
            self._retry.start()
            return
        try:
            if reprint_printed:
                # The row shows "printed": the guard asks the packer before printing again.
                waybills = [self._waybill(k) for k in keys]
                self._printer.print_waybills(
                    [w for w in waybills if w is not None],
                    reprint=False,
                    source=SOURCE,
                    then=self._report,
                )
            else:
                self._printer.print_keys(keys, source=SOURCE, then=self._report)
        except NoPrinter as exc:
            self._tell(str(exc), Feedback.ERROR)

    def _print_deferred(self) -> None:
        if self._blocked():
            self._retry.start()
            return
        deferred, self._deferred = self._deferred, []
        for keys, reprint_printed in deferred:
            self._print(keys, reprint_printed=reprint_printed)

    def _report(self, result: PrintRequestResult) -> None:
        if not result.cancelled:
            self._tell(*self._printer.describe(result, explain=True))

    def _state(self, key: Key) -> RowState | None:
        row = self._model.row_for_key(key)
        return None if row is None else self._model.row_at(row).state

    def _waybill(self, key: Key) -> Waybill | None:
        row = self._model.row_for_key(key)
        return None if row is None else self._model.row_at(row).waybill
