"""The window's printed labels followed to paper: each CUPS job until it completes, fails or
is stuck, asked off the GUI thread.

A label CUPS accepted is not on paper yet: the queue may be paused, the printer out of
labels. `JobWatch` follows every job the window's print service spooled (`follow`) with a
`JobFollower`, asking CUPS every `interval_ms` through the window's one
`BackgroundRunner` (one question at a time), and for each job that moved on settles its
print with the guard (`settle`: the ledger's `sent` print becomes `printed`, `failed` or
`stuck`) and emits `ended(label, PrintResult)` with kind `PRINTED`, `JOB_FAILED` (cancelled,
aborted, deleted with its printer: the reason in the detail) or `STUCK` (not completed in
`stuck_after_s`; it stays followed and may still complete or fail).

What the packer can do about a stuck job (never done automatically): `cancel` it in CUPS
(it then ends failed), `give_up(key)` to stop following it before printing it again
elsewhere, or `mark_printed` after checking it came out (the job is cancelled in CUPS so
that it cannot come out a second time).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.cups_status import CupsStatus
from app.printing.job_follower import Answers, JobFollower, Outcome
from app.ui.background import BackgroundRunner

log = logging.getLogger(__name__)

Key = tuple[str, str]
Settle = Callable[[object, PrintResult], None]

DEFAULT_INTERVAL_MS = 500

_KINDS = {
    Outcome.PRINTED: OutcomeKind.PRINTED,
    Outcome.FAILED: OutcomeKind.JOB_FAILED,
    Outcome.STUCK: OutcomeKind.STUCK,
}


@dataclass
class FollowedLabel:
    """One label being followed: its queue row, its guard token, where and which job."""

    key: Key
    token: object
    printer: str
    job_id: int
    stuck_reason: str = ""
    sent_detail: str = ""
    """What the print said when CUPS took it (e.g. "printed anyway, not verified: …")."""


class JobWatch(QObject):
    """Follows the window's CUPS jobs to paper; see the module docstring."""

    ended = Signal(object, object)
    """(`FollowedLabel`, `PrintResult`): PRINTED, JOB_FAILED or STUCK (on the GUI thread)."""
    changed = Signal()
    """The followed or stuck labels changed."""

    def __init__(
        self,
        runner: BackgroundRunner,
        status: CupsStatus | None,
        settle: Settle | None,
        parent: QObject | None = None,
        *,
        stuck_after_s: float = 60.0,
        interval_ms: int = DEFAULT_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._status = status
        self._settle = settle
        self._follower = JobFollower(status, stuck_after_s=stuck_after_s) if status else None
        self._labels: dict[int, FollowedLabel] = {}
        self._asking = False
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def active(self) -> bool:
        return self._follower is not None

    @property
    def pending(self) -> int:
        """Labels followed that have not completed or failed (stuck ones included)."""
        return len(self._labels)

    @property
    def stuck(self) -> list[FollowedLabel]:
        """The stuck labels, in the order they were sent."""
        return [label for label in self._labels.values() if label.stuck_reason]

    def set_stuck_after(self, seconds: float) -> None:
        if self._follower is not None:
            self._follower.stuck_after_s = seconds

    def accepts(self, result: PrintResult) -> bool:
        """Whether this spooled result is a CUPS job this watch will follow."""
        return (
            self._follower is not None
            and result.kind is OutcomeKind.SPOOLED
            and result.cups_job is not None
        )

    def follow(self, key: Key, token: object, printer: str, result: PrintResult) -> None:
        assert self._follower is not None and result.cups_job is not None
        self._follower.follow(printer, result.cups_job, key[0])
        self._labels[result.cups_job] = FollowedLabel(
            key, token, printer, result.cups_job, sent_detail=result.detail
        )
        self.changed.emit()
        if not self._timer.isActive():
            self._timer.start()

    def label_for(self, key: Key) -> FollowedLabel | None:
        return next((x for x in self._labels.values() if x.key == key), None)

    def poll(self) -> None:
        """Ask CUPS about the followed jobs now (unless a question is already out)."""
        if self._follower is None or self._asking:
            return
        if not self._labels:
            self._timer.stop()
            return
        self._asking = True
        self._runner.run(
            self._follower.fetch,
            self._follower.snapshot(),
            on_done=self._on_answers,
            on_error=self._on_error,
        )

    def _on_answers(self, answers: Answers) -> None:
        self._asking = False
        assert self._follower is not None
        for report in self._follower.apply(answers):
            label = self._labels.get(report.job.job_id)
            if label is None:
                continue  # given up meanwhile
            reason = report.reason
            if report.outcome is Outcome.PRINTED:
                reason = f"{label.sent_detail}; CUPS job {label.job_id} completed".lstrip("; ")
            result = PrintResult(_KINDS[report.outcome], reason, cups_job=label.job_id)
            if report.outcome is Outcome.STUCK:
                label.stuck_reason = report.reason
            else:
                del self._labels[label.job_id]
            self._record(label, result)
            self.ended.emit(label, result)
        self.changed.emit()

    def _on_error(self, exc: BaseException) -> None:
        self._asking = False
        log.warning("could not follow the print jobs: %s", exc)

    def _record(self, label: FollowedLabel, result: PrintResult) -> None:
        if self._settle is None:
            return
        try:
            self._settle(label.token, result)
        except Exception:  # the window must still show what CUPS said
            log.exception("the end of CUPS job %d could not be recorded", label.job_id)

    # -- the packer's decisions about a stuck label ---------------------------------------

    def cancel(self, key: Key) -> bool:
        """Cancel the label's job in CUPS (off the GUI thread); it then ends failed."""
        label = self.label_for(key)
        if label is None or self._status is None:
            return False
        self._runner.run(self._status.cancel, label.job_id, on_error=self._on_error)
        return True

    def give_up(self, key: Key, why: str) -> FollowedLabel | None:
        """Stop following the label: its job is cancelled in CUPS and its print recorded
        failed with `why` (the packer prints it again, as a reprint)."""
        label = self._drop(key)
        if label is not None:
            self._record(label, PrintResult(OutcomeKind.JOB_FAILED, why, cups_job=label.job_id))
        return label

    def mark_printed(self, key: Key) -> FollowedLabel | None:
        """The packer saw the label come out: it is recorded confirmed printed (the
        packer's word, not CUPS's) and its job (if CUPS still holds it) cancelled so that
        it cannot come out again."""
        label = self._drop(key)
        if label is not None:
            detail = f"the packer saw CUPS job {label.job_id} come out"
            confirmed = PrintResult(OutcomeKind.CONFIRMED_PRINTED, detail, cups_job=label.job_id)
            self._record(label, confirmed)
        return label

    def _drop(self, key: Key) -> FollowedLabel | None:
        label = self.label_for(key)
        if label is None:
            return None
        del self._labels[label.job_id]
        if self._follower is not None:
            self._follower.forget(label.job_id)
        if self._status is not None:
            self._runner.run(self._status.cancel, label.job_id, on_error=self._on_error)
        self.changed.emit()
        return label

    def stop(self) -> None:
        self._timer.stop()
