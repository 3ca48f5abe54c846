"""The window's claimed labels from their job's submission to their row's end.

`PrintJobs.submit` sends one claimed label through the `PrintService` (to a PDF file
named after the label in the target's PDF folder — named, and the folder made, where the
queue writes it, off the GUI thread — else to the target's printer) and marks its row
printing. Each ticket's typed outcome then moves the row:

- a spooled CUPS job the `JobWatch` accepts is followed to paper (`watch`, set by
  `app.ui.job_follow`): the row is sent, and `end` is called again once CUPS completed,
  failed or left the job stuck;
- printed: the row is printed and `last_output` says where it went;
- `UNVERIFIED`: the row is unverified and the reason kept (`unverified_reason`) for the
  packer's "Print anyway";
- anything else: the row is ready again with the message of its kind.

Which labels a request prints, where, and in what order is `app.ui.print_controller`'s;
the words the packer reads are `app.ui.print_report`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.model import Waybill
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.print_service import PrintService
from app.ui.job_watch import JobWatch
from app.ui.print_report import PrintReport
from app.ui.print_target import PrintTarget
from app.ui.queue_model import Key, OrderQueueModel

Ended = Callable[[Key, bool, str], None]
"""(row key, printed ok, message) for every label whose print ended."""


@dataclass
class _Job:
    key: Key
    where: str
    token: object


class PrintJobs:
    """Submits claimed labels and moves their rows as their jobs end (see the module
    docstring)."""

    def __init__(
        self,
        model: OrderQueueModel,
        service: PrintService,
        report: PrintReport,
        *,
        language: str,
        ended: Ended,
        changed: Callable[[], None],
    ) -> None:
        self._model = model
        self._service = service
        self._report = report
        self._language = language
        self._ended = ended
        self._changed = changed
        self._jobs: dict[int, _Job] = {}
        self._unverified: dict[Key, str] = {}
        self.last_output = ""
        """Where the last label that printed went: a printer's name or a PDF file's path."""
        self.watch: JobWatch | None = None
        """Follows CUPS jobs to paper when set (`app.ui.job_follow`): a spooled row is
        printed only once CUPS completed its job."""
        service.ended.connect(self._on_job_ended)

    @property
    def pending(self) -> int:
        """Labels submitted whose print has not ended (queued, printing, followed)."""
        watched = self.watch.pending if self.watch is not None else 0
        return len(self._jobs) + watched

    def unverified_reason(self, key: Key) -> str | None:
        """Why the row's label failed verification (None: it did not)."""
        return self._unverified.get(key)

    def submit(
        self, waybill: Waybill, target: PrintTarget, token: object, allow_unverified: bool
    ) -> int:
        """Send one claimed label (`token`: its guard's claim); returns its ticket."""
        key = waybill.ref.key
        self._model.mark_printing(key)
        # Into a PDF folder the file is named (and the folder made) where it is written,
        # off the GUI thread; the outcome says which file it was.
        ticket = self._service.send(
            waybill,
            token,
            printer=target.printer,
            pdf_path=target.pdf_dir,
            pdf_in_folder=target.pdf_dir is not None,
            allow_unverified=allow_unverified,
        )
        where = str(target)
        self._jobs[ticket] = _Job(key, where, token)
        return ticket

    def cancel(self) -> int:
        """Drop the jobs that have not started; returns how many were dropped."""
        return sum(self._service.cancel(ticket) for ticket in list(self._jobs))

    def _on_job_ended(self, ticket: int, outcome: PrintResult) -> None:
        job = self._jobs.pop(ticket, None)
        if job is None:
            return
        if outcome.pdf_path:  # the file written into the PDF folder
            job.where = outcome.pdf_path
        ok = outcome.ok
        message = outcome.detail if ok else outcome.message(self._language)
        if ok and self.watch is not None and self.watch.accepts(outcome):
            self._model.mark_sent(job.key, job.where)
            self.watch.follow(job.key, job.token, job.where, outcome)
            self._changed()
            return
        self.end(job.key, job.where, outcome, message)

    def end(self, key: Key, where: str, outcome: PrintResult, message: str) -> None:
        """A label's print ended (or, followed to paper, became stuck): its row and the
        packer's line say so."""
        ok = outcome.ok
        if outcome.kind is OutcomeKind.STUCK:  # still followed: it may come out yet
            self._model.mark_stuck(key, outcome.detail)
            return
        if ok:
            self.last_output = where
            self._unverified.pop(key, None)
            self._model.mark_printed(key, where)
        elif outcome.kind is OutcomeKind.UNVERIFIED:
            self._unverified[key] = outcome.detail
            self._model.mark_unverified(key, outcome.detail)
            message = self._report.label_unverified(outcome.detail)
        else:
            self._model.mark_print_failed(key, message)
        self._changed()
        self._ended(key, ok, message)
