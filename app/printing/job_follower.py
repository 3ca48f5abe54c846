"""Following CUPS jobs from "accepted by CUPS" to paper: printed, failed (with why) or stuck.

`lp` exiting 0 only means CUPS queued the job. A `JobFollower` keeps the jobs it was
told about and, on each look, asks CUPS (`CupsStatus`) where they are:

- completed -> `Outcome.PRINTED`;
- cancelled (by `cancel`, another program, an administrator), aborted, or gone from CUPS
  (its printer deleted) -> `Outcome.FAILED`, with the reason in words;
- still not finished `stuck_after_s` after it was sent -> `Outcome.STUCK` (reported once,
  with the printer's reason, e.g. "printer LabelPDF is stopped (paused): Out of labels"):
  it stays followed, and may still complete or fail later.

A look is split in three so the blocking part can run off the GUI thread: `snapshot()`
(what to ask, cheap), `fetch(snapshot)` (asks CUPS, blocks; touches no state of the
follower) and `apply(answers)` (updates the follower, returns the news). `poll()` does
all three in a row; `wait()` polls until every job has ended or a time is up.
Nothing here ever resends a job.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.printing.cups_status import (
    CupsStatus,
    JobState,
    JobStatus,
    PrinterState,
    PrinterStatus,
)

DEFAULT_STUCK_AFTER_S = 120.0


class Outcome(enum.Enum):
    PRINTED = "printed"
    FAILED = "failed"
    STUCK = "stuck"


@dataclass(frozen=True)
class FollowedJob:
    """A job CUPS accepted: its printer, its CUPS job number, its title, when it was sent."""

    printer: str
    job_id: int
    title: str
    sent_at: float


@dataclass(frozen=True)
class JobReport:
    """News about one job: its outcome, CUPS's status of it, and the reason in words."""

    job: FollowedJob
    outcome: Outcome
    status: JobStatus
    reason: str


@dataclass(frozen=True)
class Answers:
    """What CUPS said in one look: job states, and each printer's state."""

    jobs: dict[int, JobStatus] = field(default_factory=dict)
    printers: dict[str, PrinterStatus] = field(default_factory=dict)


Snapshot = dict[str, list[int]]


def failure_reason(status: JobStatus, printer: PrinterStatus | None) -> str:
    """Why a job ended without printing, in words."""
    if status.state is JobState.GONE:
        if printer is not None and printer.state is PrinterState.MISSING:
            return f"printer {printer.name} was deleted; job {status.job_id} went with it"
        return f"CUPS no longer knows job {status.job_id}"
    how = "cancelled in CUPS" if status.state is JobState.CANCELLED else "aborted by CUPS"
    detail = status.message or (printer.message if printer is not None else "")
    return f"job {status.job_id} {how}" + (f": {detail}" if detail else "")


class JobFollower:
    """The jobs being followed; see the module docstring. Not thread-safe: call
    `follow`, `snapshot`, `apply` and `poll` from one thread (`fetch` from any)."""

    def __init__(
        self,
        status: CupsStatus,
        *,
        stuck_after_s: float = DEFAULT_STUCK_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._status = status
        self._clock = clock
        self.stuck_after_s = stuck_after_s
        self._jobs: dict[int, FollowedJob] = {}
        self._stuck: set[int] = set()

    @property
    def pending(self) -> list[FollowedJob]:
        """Followed jobs that have not ended yet, in the order they were sent."""
        return list(self._jobs.values())

    def follow(self, printer: str, job_id: int, title: str = "") -> FollowedJob:
        job = FollowedJob(printer, job_id, title, self._clock())
        self._jobs[job_id] = job
        return job

    def forget(self, job_id: int) -> None:
        """Stop following a job (the packer decided what happened to it)."""
        self._jobs.pop(job_id, None)
        self._stuck.discard(job_id)

    def snapshot(self) -> Snapshot:
        asked: Snapshot = {}
        for job in self._jobs.values():
            asked.setdefault(job.printer, []).append(job.job_id)
        return asked

    def fetch(self, snapshot: Snapshot) -> Answers:
        """Ask CUPS about the jobs and printers in `snapshot` (blocks; raises
        `CupsStatusError` when CUPS cannot be asked)."""
        answers = Answers()
        for printer, ids in snapshot.items():
            answers.jobs.update(self._status.jobs(printer, ids))
            answers.printers[printer] = self._status.printer(printer)
        return answers

    def apply(self, answers: Answers) -> list[JobReport]:
        """Take in CUPS's answers; the jobs that ended or just became stuck, in send order."""
        news: list[JobReport] = []
        now = self._clock()
        for job in list(self._jobs.values()):
            status = answers.jobs.get(job.job_id)
            if status is None:
                continue
            printer = answers.printers.get(job.printer)
            if status.state is JobState.COMPLETED:
                news.append(JobReport(job, Outcome.PRINTED, status, "completed"))
                self.forget(job.job_id)
            elif status.state.finished:
                news.append(JobReport(job, Outcome.FAILED, status, failure_reason(status, printer)))
                self.forget(job.job_id)
            elif job.job_id not in self._stuck and now - job.sent_at >= self.stuck_after_s:
                self._stuck.add(job.job_id)
                why = printer.describe() if printer is not None else status.describe()
                reason = f"job {job.job_id} not printed after {now - job.sent_at:.0f} s: {why}"
                news.append(JobReport(job, Outcome.STUCK, status, reason))
        return news

    def poll(self) -> list[JobReport]:
        return self.apply(self.fetch(self.snapshot()))

    def wait(
        self,
        timeout_s: float,
        *,
        interval_s: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> list[JobReport]:
        """Poll until every followed job has ended or `timeout_s` has passed. Returns
        every ended job, and a STUCK report for each one still waiting then."""
        deadline = self._clock() + timeout_s
        ended: list[JobReport] = []
        while self._jobs:
            ended += [r for r in self.poll() if r.outcome is not Outcome.STUCK]
            if not self._jobs or self._clock() >= deadline:
                break
            sleep(interval_s)
        if self._jobs:
            saved = self.stuck_after_s
            self.stuck_after_s = 0.0
            self._stuck.clear()
            ended += [r for r in self.poll()]
            self.stuck_after_s = saved
        return ended
