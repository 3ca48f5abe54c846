"""The window's print commands on the queue: Print selected, Print all ready, and the
line the packer reads when a job ends.

`QueuePrinting` picks the rows (the selection, or every ready one), asks before a large
batch (`PrintProgress.confirm`), hands the keys to the `PrintController` and says what
happened; when a job ends it says whether it failed, what is still waiting, or where the
last PDF went.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.ui.bulk_print import PrintProgress
from app.ui.print_controller import NoPrinter, PrintController, PrintRequestResult
from app.ui.queue_model import Key, OrderQueueModel, RowState
from app.ui.scan_bar import Feedback

Tell = Callable[[str, Feedback], None]


class QueuePrinting(QObject):
    """Print selected / Print all ready and their feedback (see the module docstring)."""

    def __init__(
        self,
        model: OrderQueueModel,
        printer: PrintController,
        progress: PrintProgress,
        *,
        ask: Callable[[str, str], bool],
        tell: Tell,
        selected_rows: Callable[[], list[int]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._printer = printer
        self._progress = progress
        self._ask = ask
        self._tell = tell
        self._selected_rows = selected_rows
        printer.jobEnded.connect(self.job_ended)

    def print_selected(self) -> None:
        rows = self._selected_rows()
        if not rows:
            self._tell(
                self.tr("Select the rows to print, or use Print all ready."), Feedback.WARNING
            )
            return
        keys = [self._model.row_at(r).key for r in rows]
        self._print(keys, reprint=True, explain=True, source="selected")

    def print_all_ready(self) -> None:
        keys = self._model.keys_in([RowState.READY, RowState.CANCELLED])
        if not self._model.ready_keys():
            self._tell(self.tr("No ready labels to print."), Feedback.WARNING)
            return
        self._print(keys, reprint=False, explain=False, source="all")

    def _print(self, keys: list[Key], *, reprint: bool, explain: bool, source: str) -> None:
        if not self._progress.confirm(self._ask, len(keys)):
            self._tell(self.tr("Nothing printed."), Feedback.INFO)
            return

        def said(result: PrintRequestResult) -> None:
            if not result.cancelled:
                self._tell(*self._printer.describe(result, explain=explain))

        try:
            self._printer.print_keys(keys, reprint=reprint, source=source, then=said)
        except NoPrinter as exc:
            self._tell(str(exc), Feedback.ERROR)

    def job_ended(self, key: Key, ok: bool, message: str) -> None:
        if not ok:
            text = self.tr("Printing {0} failed: {1}").format(key[0], message)
            self._tell(text, Feedback.ERROR)
        elif self._printer.pending == 0:
            left = len(self._model.ready_keys())
            if left:
                text = self.tr("Printing done; %n ready label(s) not printed yet.", "", left)
                self._tell(text, Feedback.WARNING)
            elif self._printer.jobs.last_output.endswith(".pdf"):
                text = self.tr("All labels printed. Last file: {0}")
                self._tell(text.format(self._printer.jobs.last_output), Feedback.OK)
            else:
                self._tell(self.tr("All labels printed."), Feedback.OK)
