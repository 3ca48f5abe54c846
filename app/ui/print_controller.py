"""The one way the window prints: waybills → guard → print jobs → printed or failed rows.

`PrintController.print_waybills(waybills, reprint=..., source=...)` is the single path
every print of the window takes (Print, Print all, print on scan). It

1. finds the target once per request (`app.ui.print_target`) — the configured printer
   (which must exist: a missing printer raises `NoPrinter` and nothing is submitted or
   recorded, never a silent fall-back), else the PDF folder the window was given (demo,
   tests), else the system's default printer. The window hands in its `PrinterList`, so
   the GUI thread never asks CUPS: see `app.ui.awaiting_printers` (without one, in tests
   and benchmarks, the printers are asked where the call is made);
2. asks the `PrintGuard` (`app.printing.guard`) about each label; a label the guard says
   was printed already is only printed again when the packer says so (`ask`), and then as
   a reprint. A ledger's guard is asked off the GUI thread, in the background helper's
   serial lane (`app.ui.print_request`): the request goes on when the answers are back,
   so `print_keys` / `print_waybills` may return before their result is `finished` and
   call `then(result)` once it is. Requests run one after another, in the order they were
   made (a scan's label after the one scanned before); a label of a request still being
   claimed counts as printing (`pending`, and it is not asked for twice);
3. sends each label through the `PrintService` (`app.printing.print_service`), which
   builds the job from the settings, queues it, retries a refused job once and settles
   it with the guard; `app.ui.print_jobs` submits the labels and moves each row as its
   job ends (printed, followed to paper, unverified, or back to ready).

`print_keys` is the row-based front door (checks row states: a cancelled waybill is never
printed). A label that failed verification (its row `UNVERIFIED`) is printed only when the
packer chose its row and confirmed "Print anyway" after seeing it (`confirm_unverified`);
never by Print all or a scan. `cancel_pending` drops jobs that have not started yet, and
the labels of requests still being claimed.
What the packer is told about a request is worded by `app.ui.print_report`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.model import Waybill
from app.core.settings import Settings
from app.printing.guard import PrintGuard, SessionPrintGuard
from app.printing.page_setup import job_title
from app.printing.print_service import PrintService
from app.printing.printers import printer_names
from app.printing.queue import PrintQueue
from app.ui.awaiting_printers import Awaiting, AwaitingPrinters
from app.ui.print_jobs import PrintJobs
from app.ui.print_report import PrintReport, PrintRequestResult
from app.ui.print_request import Chosen, PrintRequest
from app.ui.print_target import NoPrinter, PrintTarget, find_target
from app.ui.printer_list import PrinterList
from app.ui.queue_model import Key, OrderQueueModel, RowState
from app.ui.scan_bar import Feedback

__all__ = [
    "AskFn",
    "NoPrinter",
    "PrintController",
    "PrintRequestResult",
]

log = logging.getLogger(__name__)

AskFn = Callable[[str, str], bool]
"""Asks the packer a yes/no question: (title, question) → True for yes."""
ConfirmUnverifiedFn = Callable[[Waybill, str], bool]
"""Shows the packer an unverified label and why; True for "Print anyway"."""


class PrintController(QObject):
    """Submits labels to the print queue through the guard and tracks their jobs."""

    jobEnded = Signal(object, bool, str)
    """(row key, printed ok, message) for every job that ended."""
    pendingChanged = Signal(int)
    """The number of this window's jobs not yet ended changed."""

    def __init__(
        self,
        model: OrderQueueModel,
        queue: PrintQueue,
        settings: Settings,
        parent: QObject | None = None,
        *,
        pdf_dir: Path | None = None,
        guard: PrintGuard | None = None,
        ask: AskFn | None = None,
        confirm_unverified: ConfirmUnverifiedFn | None = None,
        language: str = "en",
        printers: PrinterList | None = None,
    ) -> None:
        super().__init__(parent)
        self._printers = printers
        self._awaiting: AwaitingPrinters | None = None
        if printers is not None:
            self._awaiting = AwaitingPrinters(
                printers, self.target, self._request, self.tell_pending
            )
        self._confirm_unverified = confirm_unverified
        self._model = model
        self._settings = settings
        self._pdf_dir = pdf_dir
        self._guard: PrintGuard = guard if guard is not None else SessionPrintGuard()
        self._service = PrintService(queue, settings, self._guard, self)
        self._ask = ask
        self._report = PrintReport(self)
        self.jobs = PrintJobs(
            model,
            self._service,
            self._report,
            language=language,
            ended=self.jobEnded.emit,
            changed=self.tell_pending,
        )
        """The submitted labels until their rows end (`app.ui.print_jobs`)."""
        self._requests: deque[PrintRequest] = deque()
        self._told_pending = 0

    @property
    def pending(self) -> int:
        """Labels asked for and not yet ended (being claimed, submitted, followed)."""
        return self.claiming + self.jobs.pending

    @property
    def guard(self) -> PrintGuard:
        return self._guard

    @property
    def service(self) -> PrintService:
        return self._service

    def set_settings(self, settings: Settings) -> None:
        self._settings = settings
        self._service.set_settings(settings)
        if self.jobs.watch is not None:
            self.jobs.watch.set_stuck_after(settings.stuck_after_s)

    def set_ask(self, ask: AskFn | None) -> None:
        self._ask = ask

    def set_confirm_unverified(self, confirm: ConfirmUnverifiedFn | None) -> None:
        self._confirm_unverified = confirm

    # --- where labels go -------------------------------------------------------------------

    def target(self) -> PrintTarget:
        """Where labels go now (`app.ui.print_target`); raises `NoPrinter` with what to do.

        With a `PrinterList`: decided from its snapshot; the PDF folder needs none, a
        printer without one is refused (`NoPrinter` says whether CUPS could be asked)."""
        if self._printers is None:
            return find_target(self._settings.printer_name, self._pdf_dir, printer_names())
        known = self._printers.snapshot
        unknown = self.tr("The list of printers is not known yet; try again.")
        if known is None and self._printers.error:
            unknown = self.tr(
                "The printers could not be listed ({0}). Check that the print system "
                "(CUPS) is running, then try again."
            ).format(self._printers.error)
        return find_target(self._settings.printer_name, self._pdf_dir, known, unknown)

    # --- printing --------------------------------------------------------------------------

    def print_keys(
        self,
        keys: Iterable[Key],
        *,
        reprint: bool = False,
        source: str = "selected",
        then: Callable[[PrintRequestResult], None] | None = None,
    ) -> PrintRequestResult:
        """Print these rows. Ready rows print; rows marked printed only with `reprint`
        (they are then printed again as reprints: the packer chose them knowingly).

        The result is final once `finished` (the claims may come back later: see the
        module docstring); `then(result)` is called then. Raises `NoPrinter` (nothing is
        submitted then).
        """
        result = PrintRequestResult()
        chosen: list[Chosen] = []
        for key in keys:
            position = self._model.row_for_key(key)
            if position is None:
                continue
            row = self._model.row_at(position)
            if row.state is RowState.UNVERIFIED and row.waybill is not None:
                if self._forced(row.waybill, source):
                    chosen.append((row.waybill, False, True))
                else:
                    why = self.jobs.unverified_reason(key) or ""
                    result.refused.append((key, self._report.not_verified(why)))
                continue
            reason = self._report.row_refusal(row.state, reprint)
            if reason is None and row.waybill is not None and self._being_claimed(key):
                reason = self._report.waybill_refusal(row.waybill, printing_now=True)
            if row.state is RowState.CANCELLED:
                result.cancelled_skipped += 1
            if reason is None and (row.waybill is None or not row.waybill.printable):
                reason = self._report.no_label()
            if reason is not None:
                result.refused.append((key, reason))
            elif row.waybill is not None:
                chosen.append((row.waybill, row.state is RowState.PRINTED, False))
        self._print(chosen, source, result, then=then)
        return result

    def _forced(self, waybill: Waybill, source: str) -> bool:
        """Only a packer who chose the row and saw the label may print it unverified
        (never Print all, never a scan)."""
        if source != "selected" or self._confirm_unverified is None:
            return False
        reason = self.jobs.unverified_reason(waybill.ref.key) or ""
        return self._confirm_unverified(waybill, reason)

    def print_waybills(
        self,
        waybills: Sequence[Waybill],
        *,
        reprint: bool,
        source: str,
        printer: str | None = None,
        then: Callable[[PrintRequestResult], None] | None = None,
    ) -> PrintRequestResult:
        """The one print path: print these labels through the guard.

        `reprint` true: the packer asked for these labels again (the guard records a
        reprint and does not refuse them as printed). Otherwise a label the guard says was
        printed already is printed again only if the packer answers yes to `ask`.
        A waybill that is not printable (cancelled, no label) or whose row is printing now
        is refused. `printer`: print there instead of the configured printer (a stuck
        label printed again on another one). The result is final once `finished`;
        `then(result)` is called then. Raises `NoPrinter` (nothing is submitted or
        recorded then).
        """
        result = PrintRequestResult()
        chosen: list[Chosen] = []
        for waybill in waybills:
            reason = self._waybill_refusal(waybill)
            if reason is not None:
                result.refused.append((waybill.ref.key, reason))
            else:
                chosen.append((waybill, reprint, False))
        self._print(chosen, source, result, printer, then)
        return result

    def cancel_pending(self) -> int:
        """Drop this window's jobs that have not started, and the labels of requests still
        being claimed; returns how many were dropped."""
        dropped = self.drop_claims()
        return dropped + self.jobs.cancel()

    def drop_claims(self) -> int:
        """Cancel the requests still being claimed (the window closes, or Cancel printing);
        returns how many labels they held."""
        dropped = self._awaiting.drop() if self._awaiting is not None else 0
        for request in self._requests:
            if not request.cancelled:
                request.cancel()
                dropped += len(request.chosen)
        return dropped

    @property
    def claiming(self) -> int:
        """Labels of print requests whose claims have not all come back yet."""
        claiming = sum(len(request.chosen) for request in self._requests)
        return claiming + (self._awaiting.labels if self._awaiting is not None else 0)

    def _print(
        self,
        chosen: list[Chosen],
        source: str,
        result: PrintRequestResult,
        printer: str | None = None,
        then: Callable[[PrintRequestResult], None] | None = None,
    ) -> None:
        if not chosen:
            result.finished = True
            if then is not None:
                then(result)
            return
        # NoPrinter: nothing asked, recorded or submitted
        if printer:
            target: PrintTarget | None = PrintTarget(printer=printer)
        elif self._awaiting is None:
            target = self.target()
        else:  # None: `_request` goes on once the printers are known
            target = self._awaiting.target_or_wait(Awaiting(chosen, source, result, then))
        if target is not None:
            self._request(chosen, source, result, target, then)

    def _request(
        self,
        chosen: list[Chosen],
        source: str,
        result: PrintRequestResult,
        target: PrintTarget,
        then: Callable[[PrintRequestResult], None] | None,
    ) -> None:
        result.target = str(target)
        request = PrintRequest(
            chosen,
            source=source,
            target=target,
            result=result,
            service=self._service,
            context=self,
            ask_reprint=self._reprint_wanted,
            declined_reason=self.tr("it was printed already"),
            submit=self.jobs.submit,
            finished=self._request_finished,
            then=then,
        )
        self._requests.append(request)
        self.tell_pending()
        if len(self._requests) == 1:
            request.start()

    def _request_finished(self, request: PrintRequest) -> None:
        if self._requests and self._requests[0] is request:
            self._requests.popleft()
        self.tell_pending()
        if self._requests:  # the next request, in the order they were made
            QTimer.singleShot(0, self, self._requests[0].start)
        if request.then is not None:
            request.then(request.result)

    def tell_pending(self) -> None:
        """Emit `pendingChanged` if `pending` changed since it was last told."""
        pending = self.pending
        if pending != self._told_pending:
            self._told_pending = pending
            self.pendingChanged.emit(pending)

    def _reprint_wanted(self, labels: list[Waybill], reasons: list[str]) -> bool:
        ids = [job_title(waybill) for waybill in labels]
        question = self.tr(
            "%n label(s) were printed already: {0}.\n\nPrint again?", "", len(ids)
        ).format("; ".join(reasons) if reasons else ", ".join(ids))
        return self._ask is not None and self._ask(self.tr("Print again?"), question)

    # --- what to tell the packer -----------------------------------------------------------

    def describe(self, result: PrintRequestResult, *, explain: bool) -> tuple[str, Feedback]:
        """What to tell the packer about a print request, and in which tone (`PrintReport`)."""
        return self._report.describe(result, explain=explain)

    def _being_claimed(self, key: Key) -> bool:
        if self._awaiting is not None and key in self._awaiting.keys:
            return True
        return any(key in request.keys for request in self._requests if not request.cancelled)

    def _waybill_refusal(self, waybill: Waybill) -> str | None:
        position = self._model.row_for_key(waybill.ref.key)
        printing = position is not None and self._model.row_at(position).state is RowState.PRINTING
        printing = printing or self._being_claimed(waybill.ref.key)
        return self._report.waybill_refusal(waybill, printing_now=printing)
