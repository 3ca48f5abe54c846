"""One print request of the window on its way: its labels' claims, then their jobs.

`PrintRequest` owns what happens between "print these labels" and their jobs being
submitted (`app.ui.print_controller` makes the requests and runs them one at a time, so
labels go out in the order they were asked for, a scan's after the scan before it):

1. each label is claimed with the print guard, one after another, in order. With a guard
   on a disk or a server (`PrintService.claims_off_thread`) the claims run in the
   background helper's serial lane, the request's labels in one task, and the request goes
   on when their answers are back on the GUI thread — the GUI thread never waits for the
   ledger; an in-memory guard is asked right here;
2. a refusal the guard retries (`RetriesClaims`: the warehouse ledger is away, the packer
   chose Retry or the station's own guard) ends the task there and claims the same label
   and those after it again; once the packer declined, the rest of the request is not
   asked again;
3. once every label has its answer, the packer is asked once about the labels printed
   before (`ask_reprint`); those he wants are claimed again as reprints;
4. the claimed labels are submitted in their order (`submit`), and `finished` is called.

A request cancelled meanwhile (`cancel`: Cancel printing, the window closing) claims no
more labels; those already claimed are submitted and dropped at once, so their prints are
settled as cancelled, not left pending; its result says `cancelled`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QTimer

from app.core.model import Waybill
from app.printing.guard import PrintRefused, RetriesClaims
from app.printing.print_service import Claimed, PrintService
from app.ui.print_report import PrintRequestResult
from app.ui.print_target import PrintTarget

log = logging.getLogger(__name__)

Chosen = tuple[Waybill, bool, bool]
"""A label to print: (waybill, asked for as a reprint, allowed unverified)."""
AskReprint = Callable[[list[Waybill], list[str]], bool]
"""(labels printed before, what the guard knows of each) → True to print them again."""
Submit = Callable[[Waybill, PrintTarget, object, bool], int]
"""(waybill, target, token, allow unverified) → the ticket of the submitted job."""


class PrintRequest:
    """Claims a request's labels and submits their jobs (see the module docstring)."""

    def __init__(
        self,
        chosen: list[Chosen],
        *,
        source: str,
        target: PrintTarget,
        result: PrintRequestResult,
        service: PrintService,
        context: QObject,
        ask_reprint: AskReprint,
        declined_reason: str,
        submit: Submit,
        finished: Callable[[PrintRequest], None],
        then: Callable[[PrintRequestResult], None] | None = None,
    ) -> None:
        self.chosen = chosen
        self.result = result
        self.then = then
        self._source = source
        self._target = target
        self._service = service
        self._context = context
        self._ask_reprint = ask_reprint
        self._declined_reason = declined_reason
        self._submit = submit
        self._finished = finished
        self._tokens: dict[int, object] = {}
        self._printed_before: list[int] = []
        self._reasons: list[str] = []
        self._todo = list(range(len(chosen)))
        self._at = 0
        self._again = False  # claiming the labels printed before, as reprints
        self._declined_retry = False
        self.started = False
        self._batches: list[threading.Event] = []  # set: claims not started are not made

    @property
    def keys(self) -> list[tuple[str, str]]:
        return [waybill.ref.key for waybill, _reprint, _forced in self.chosen]

    def start(self) -> None:
        if not self.started:
            self.started = True
            self._advance()

    @property
    def cancelled(self) -> bool:
        return self.result.cancelled

    def cancel(self) -> None:
        """Drop the labels not submitted yet (claims already made are settled cancelled,
        claims not started yet are not made)."""
        self.result.cancelled = True
        for dropped in self._batches:
            dropped.set()

    # -- claims ----------------------------------------------------------------------------

    def _reprint(self, n: int) -> bool:
        return self._again or self.chosen[n][1]

    def _advance(self) -> None:
        while self._at < len(self._todo):
            if self.cancelled:
                break  # what was claimed is settled as cancelled below
            if self._service.claims_off_thread:
                self._claim_in_lane()
                return  # `_back` goes on
            n = self._todo[self._at]
            where, pdf = str(self._target), self._target.pdf_dir is not None
            try:
                token = self._service.claim(
                    self.chosen[n][0],
                    where=where,
                    pdf=pdf,
                    reprint=self._reprint(n),
                    source=self._source,
                )
            except Exception as exc:
                if self._refused(n, exc):
                    continue  # the same label again
            else:
                self._tokens[n] = token
            self._at += 1
        self._claims_done()

    def _claim_in_lane(self) -> None:
        """The labels not claimed yet, in one task of the lane; `_back` takes the answers."""
        dropped = threading.Event()
        self._batches.append(dropped)
        retries = isinstance(self._service.guard, RetriesClaims)
        self._service.claims_in_lane(
            [(self.chosen[n][0], self._reprint(n)) for n in self._todo[self._at :]],
            where=str(self._target),
            pdf=self._target.pdf_dir is not None,
            source=self._source,
            # a refusal the guard may retry (asking the packer) ends the task there
            stop_on=lambda exc: retries and not getattr(exc, "already_printed", True),
            on_done=self._later,
            on_error=lambda exc: self._later([(False, exc)]),
            dropped=dropped,
        )

    def _later(self, answers: list[Claimed]) -> None:
        # Called in the lane's delivery: go on from the event loop, so a question asked
        # next does not hold the lane (the settles of ending jobs) while it is open. A
        # request cancelled meanwhile asks nothing: its claims are settled now, before
        # the event loop may stop (the window closing).
        if self.cancelled:
            self._back(answers)
        else:
            QTimer.singleShot(0, self._context, partial(self._back, answers))

    def _back(self, answers: list[Claimed]) -> None:
        for ok, value in answers:
            n = self._todo[self._at]
            if ok:
                self._tokens[n] = value
            elif self.cancelled:
                pass  # not claimed: nothing to say about it
            elif isinstance(value, Exception):
                if self._refused(n, value):
                    break  # the same label again (the task stopped at it)
            else:
                log.error("a print claim failed: %r", value)
                self.result.refused.append((self.chosen[n][0].ref.key, str(value)))
            self._at += 1
        self._advance()

    def _refused(self, n: int, exc: Exception) -> bool:
        """Note why label `n` was refused; True to claim it again."""
        key = self.chosen[n][0].ref.key
        if not isinstance(exc, PrintRefused):  # a guard that cannot record must not print
            log.error("the print guard failed", exc_info=exc)
            self.result.refused.append((key, str(exc)))
            return False
        if exc.already_printed and not self._reprint(n):
            self._printed_before.append(n)
            self._reasons.append(exc.reason)
            return False
        guard = self._service.guard
        if not self.cancelled and not self._declined_retry and isinstance(guard, RetriesClaims):
            again = guard.retry_claim(exc)
            if again:
                return True
            self._declined_retry = again is False
        self.result.refused.append((key, exc.reason))
        return False

    def _claims_done(self) -> None:
        if self._printed_before and not self._again and not self.cancelled:
            self._again = True
            labels = [self.chosen[n][0] for n in self._printed_before]
            wanted = not self.cancelled and self._ask_reprint(labels, self._reasons)
            if wanted:
                self._todo, self._at = list(self._printed_before), 0
                self._advance()
                return
            for n in self._printed_before:
                self.result.declined += 1
                self.result.refused.append((self.chosen[n][0].ref.key, self._declined_reason))
        self._submit_all()

    # -- jobs ------------------------------------------------------------------------------

    def _submit_all(self) -> None:
        result = self.result
        for n, (waybill, reprint, forced) in enumerate(self.chosen):
            if n not in self._tokens:
                continue
            ticket = self._submit(waybill, self._target, self._tokens[n], forced)
            if self.cancelled:
                self._service.cancel(ticket)  # ends CANCELLED: its claim is settled so
                continue
            result.submitted += 1
            result.reprinted += int(reprint or n in self._printed_before)
        result.finished = True
        self._finished(self)
