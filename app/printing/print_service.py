"""The print service: the one way a label becomes a print job, for the window and the CLI.

`PrintService` sits between its callers (`app.ui.print_controller`, the command line's
label sinks) and the `PrintQueue`:

1. **claim** — `claim(waybill, ...)` asks the `PrintGuard` (in the window the ledger's
   guard, `app.printing.ledger_guard`) and returns its token, or raises `PrintRefused`
   (nothing is printed or recorded then); `claims_in_lane` claims several labels off the
   caller's thread (see below);
2. **job** — `send(waybill, token, printer=... | pdf_path=...)` builds the job from the
   station's settings (label size, orientation, custom size, dpi, copies, calibration
   offset; `page_setup.job_for`) and the label's own `@page` size, and queues it;
3. **outcome** — the queue's typed `PrintResult` is settled with the guard (which stores
   the kind) and announced as `ended(ticket, PrintResult)`. A job refused before the
   spooler accepted it (`REFUSED`: nothing can have printed) is sent once more,
   automatically, exactly once; every other kind is final (`TIMED_OUT` may have printed).

Between rendering and spooling the queue verifies the label (`print_job.verify_job`: the
job carries the station's `VerifyPolicy` and the waybill id its barcode must read); a
label that fails ends `UNVERIFIED` and is never printed unless sent with
`allow_unverified` (the packer's "Print anyway", the command line's
`--allow-unverified`).

Settling off the GUI thread: with a `SettleLane` (`set_settle_lane`; the window hands in
a serial lane of its background helper) a guard that `SettlesOffThread` writes each end in
that lane, one after another in the order the jobs ended, and `ended` is announced once the
write has run — so whoever hears `ended` finds the outcome on record, and the GUI thread
never waits on the ledger's disk or server for it. `flush_settles` finishes the writes not
started yet (closing). Without a lane the guard is told right away, on the caller's thread.
A guard that `ClaimsOffThread` claims in the same lane (`claims_off_thread`,
`claims_in_lane`: a request's labels in one task, their answers back to the GUI thread
together): a label's claim is written after the claims and settles given before it, and
the GUI thread submits its job when the answer is back.

`print_now` is the blocking form for the command line: claim, send and wait for the
outcome in a local event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEventLoop, QObject, Signal

from app.core.model import Waybill
from app.core.print_outcome import OutcomeKind, PrintResult
from app.core.settings import Settings
from app.printing.guard import (
    TARGET_PDF,
    TARGET_PRINTER,
    ClaimsOffThread,
    PrintGuard,
    PrintRefused,
    SettlesOffThread,
)
from app.printing.page_setup import job_for
from app.printing.queue import PrintJob, PrintQueue

__all__ = ["Claimed", "PassThroughGuard", "PrintRefused", "PrintService", "SettleLane"]

Claimed = tuple[bool, object]
"""One label's claim answered: (True, token) or (False, why it was refused)."""

log = logging.getLogger(__name__)


class PassThroughGuard:
    """A guard that lets everything through and records nothing: for callers that consult
    the ledger's guard around the service themselves (the command line's `BatchRun`)."""

    def before_print(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
    ) -> object:
        return None

    def after_print(self, token: object, result: PrintResult) -> None:
        return None


@dataclass
class _Ticket:
    job: PrintJob
    token: object
    attempts: int = 1


_NOT_SENT = "not sent: printing stopped before its claim was back"


class SettleLane(Protocol):
    """Runs functions one at a time in the order given, results back on the GUI thread
    (`app.ui.background.SerialLane`)."""

    def run(
        self,
        fn: Callable[..., object],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_dropped: Callable[[Any], None] | None = None,
    ) -> None: ...

    def flush(self, timeout: float | None = 30.0, *, abandon: bool = False) -> int: ...


class PrintService(QObject):
    """Claims, builds, queues and settles label prints (see the module docstring)."""

    ended = Signal(int, object)
    """(ticket, `PrintResult`) once per `send`, after the guard recorded it."""

    def __init__(
        self,
        queue: PrintQueue,
        settings: Settings,
        guard: PrintGuard,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._queue = queue
        self._settings = settings
        self._guard = guard
        self._tickets: dict[int, _Ticket] = {}
        self._lane: SettleLane | None = None
        queue.jobEnded.connect(self._on_job_ended)

    @property
    def queue(self) -> PrintQueue:
        return self._queue

    @property
    def guard(self) -> PrintGuard:
        return self._guard

    @property
    def settings(self) -> Settings:
        return self._settings

    def set_settings(self, settings: Settings) -> None:
        """Use `settings` for the jobs sent from now on."""
        self._settings = settings

    def set_settle_lane(self, lane: SettleLane | None) -> None:
        """Settle in `lane`, off the caller's thread (see the module docstring)."""
        self._lane = lane

    def flush_settles(self) -> int:
        """Run the settles not started yet here (closing); returns how many."""
        return self._lane.flush() if self._lane is not None else 0

    @property
    def pending(self) -> int:
        """Tickets sent and not yet ended."""
        return len(self._tickets)

    def claim(
        self, waybill: Waybill, *, where: str, pdf: bool, reprint: bool, source: str
    ) -> object:
        """The guard's token for printing `waybill` to `where` (a printer, or a PDF folder
        or file); raises `PrintRefused`."""
        return self._guard.before_print(
            waybill,
            printer=where,
            copies=self._settings.copies,
            target=TARGET_PDF if pdf else TARGET_PRINTER,
            reprint=reprint,
            source=source,
        )

    @property
    def claims_off_thread(self) -> bool:
        """True when `claims_in_lane` claims in the lane (else claim with `claim`)."""
        return self._lane is not None and isinstance(self._guard, ClaimsOffThread)

    def claims_in_lane(
        self,
        labels: Sequence[tuple[Waybill, bool]],
        *,
        where: str,
        pdf: bool,
        source: str,
        stop_on: Callable[[Exception], bool],
        on_done: Callable[[list[Claimed]], None],
        on_error: Callable[[BaseException], None],
        dropped: threading.Event,
    ) -> None:
        """`claim` each (waybill, reprint) in the settle lane, one after another in one
        task; `on_done` gets each label's answer — (True, token) or (False, the exception)
        — later, on the GUI thread. Only when `claims_off_thread`.

        The first refusal `stop_on` picks (one the caller may want to ask the packer
        about) is the last answer: the labels after it are not claimed. A claim that
        starts after `dropped` was set is not made either (a request cancelled, a window
        closing), so no print is left on record that never went out; and claims whose
        answers never reach the GUI thread (the window closed while they were made) are
        settled `CANCELLED` where the lane is shut down: not printed, never pending."""
        guard, lane, settle = self._guard, self._lane, self._guard.after_print
        if lane is None or not isinstance(guard, ClaimsOffThread):
            raise RuntimeError("this print service claims on the caller's thread")
        writes = [
            guard.claim_write(
                waybill,
                printer=where,
                copies=self._settings.copies,
                target=TARGET_PDF if pdf else TARGET_PRINTER,
                reprint=reprint,
                source=source,
                dropped=dropped,
            )
            for waybill, reprint in labels
        ]

        def claim_all() -> list[Claimed]:
            answers: list[Claimed] = []
            for write in writes:
                try:
                    answers.append((True, write()))
                except Exception as exc:
                    if not dropped.is_set():
                        answers.append((False, exc))
                    if stop_on(exc):
                        dropped.set()  # the rest run only to take back their books
            return answers

        def never_sent(answers: list[Claimed]) -> None:
            for ok, token in answers:
                if ok:
                    settle(token, PrintResult(OutcomeKind.CANCELLED, _NOT_SENT))

        lane.run(claim_all, on_done=on_done, on_error=on_error, on_dropped=never_sent)

    def job(
        self,
        waybill: Waybill,
        *,
        printer: str = "",
        pdf_path: Path | None = None,
        pdf_in_folder: bool = False,
        allow_unverified: bool = False,
    ) -> PrintJob:
        """The job this label makes with the current settings (job id 0)."""
        return job_for(
            waybill,
            self._settings,
            printer,
            pdf_path=pdf_path,
            pdf_in_folder=pdf_in_folder,
            allow_unverified=allow_unverified,
        )

    def send(
        self,
        waybill: Waybill,
        token: object,
        *,
        printer: str = "",
        pdf_path: Path | None = None,
        pdf_in_folder: bool = False,
        allow_unverified: bool = False,
    ) -> int:
        """Queue the claimed label; returns its ticket (`ended` reports it later).
        `pdf_in_folder`: `pdf_path` is a folder, the file is named in it where it is
        written (off the GUI thread; the outcome's `pdf_path` says which).
        `allow_unverified`: the packer confirmed "Print anyway" for this label.

        Raises `ValueError` for a waybill without a printable label (nothing is queued;
        the caller still holds the claim).
        """
        ticket = self._queue.new_job_id()  # unique on the queue, which others may share
        job = replace(
            self.job(
                waybill,
                printer=printer,
                pdf_path=pdf_path,
                pdf_in_folder=pdf_in_folder,
                allow_unverified=allow_unverified,
            ),
            job_id=ticket,
        )
        self._tickets[ticket] = _Ticket(job, token)
        self._queue.submit(job)
        return ticket

    def cancel(self, ticket: int) -> bool:
        """Drop a ticket whose job has not started (it ends `CANCELLED`)."""
        return ticket in self._tickets and self._queue.cancel_pending(ticket)

    def cancel_all(self) -> int:
        """Drop every ticket whose job has not started; returns how many."""
        return sum(self.cancel(ticket) for ticket in list(self._tickets))

    def print_now(
        self,
        waybill: Waybill,
        *,
        printer: str = "",
        pdf_path: Path | None = None,
        reprint: bool = False,
        source: str = "command",
        allow_unverified: bool = False,
    ) -> PrintResult:
        """Claim, send and wait for the outcome (raises `PrintRefused` before sending)."""
        where = str(pdf_path) if pdf_path is not None else printer
        token = self.claim(
            waybill, where=where, pdf=pdf_path is not None, reprint=reprint, source=source
        )
        outcome: list[PrintResult] = []
        loop = QEventLoop()
        ticket = 0

        def ended(number: int, result: PrintResult) -> None:
            if number == ticket:
                outcome.append(result)
                loop.quit()

        self.ended.connect(ended)
        try:
            ticket = self.send(
                waybill,
                token,
                printer=printer,
                pdf_path=pdf_path,
                allow_unverified=allow_unverified,
            )
            if not outcome:
                loop.exec()
        finally:
            self.ended.disconnect(ended)
        return outcome[0]

    def _on_job_ended(self, job_id: int, result: PrintResult) -> None:
        ticket = self._tickets.get(job_id)
        if ticket is None:
            return  # someone else's job on a shared queue
        if result.kind.retryable and ticket.attempts == 1:
            ticket.attempts += 1
            self._queue.submit(ticket.job)  # the same job id: it ends here again
            return
        del self._tickets[job_id]
        final = replace(result, attempts=ticket.attempts)
        guard = self._guard
        if self._lane is not None and isinstance(guard, SettlesOffThread):
            try:
                write = guard.settle_write(ticket.token, final)
            except Exception:
                log.exception("the print guard could not record the end of a print")
                self.ended.emit(job_id, final)
                return

            def then(_value: object = None) -> None:
                try:
                    guard.settled(ticket.token, final)
                except Exception:
                    log.exception("the print guard could not record the end of a print")
                self.ended.emit(job_id, final)

            def failed(exc: BaseException) -> None:
                log.error("the print guard could not record the end of a print: %s", exc)
                then()

            self._lane.run(write, on_done=then, on_error=failed)
            return
        try:
            guard.after_print(ticket.token, final)
        except Exception:  # the end must still reach the caller, whatever the guard did
            log.exception("the print guard could not record the end of a print")
        self.ended.emit(job_id, final)
