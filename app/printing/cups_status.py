"""What CUPS itself says about a printer and about a job, read over IPP with `ipptool`.

A job accepted by `lp` is not a label on paper: the queue may be paused, the printer
offline or out of labels, and the job then sits in the spooler. This module asks CUPS
(its IPP interface, `Get-Printer-Attributes`, `Get-Jobs`, `Get-Job-Attributes`) for:

- a printer's state: idle, processing or stopped, its `printer-state-reasons` (offline,
  media-empty / media-needed, door-open, paused by an administrator...), its
  `printer-state-message` ("Out of labels"), and whether it accepts jobs; a printer CUPS
  does not know is `PrinterState.MISSING`;
- a job's state: pending, held, processing, stopped, completed, aborted, cancelled, with
  its reasons and the printer's message; a job CUPS no longer knows is `JobState.GONE`.

It can also cancel a job (`Cancel-Job`). Every question is one `ipptool` test
(`app.printing.ipptool`, which says why that tool), one short process of a few ms:
call it off the GUI thread.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from app.printing.ipptool import CupsStatusError, Runner, default_server, run_process, run_test

_PRINTER_ATTRIBUTES = (
    "printer-state,printer-state-reasons,printer-state-message,printer-is-accepting-jobs"
)

_PRINTER_TEST = f"""{{
  OPERATION Get-Printer-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword requested-attributes {_PRINTER_ATTRIBUTES}
  STATUS successful-ok
  DISPLAY printer-state
  DISPLAY printer-state-reasons
  DISPLAY printer-state-message
  DISPLAY printer-is-accepting-jobs
}}
"""

_JOB_ATTRIBUTES = "job-id,job-state,job-state-reasons,job-printer-state-message"

_JOBS_TEST = f"""{{
  OPERATION Get-Jobs
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword which-jobs not-completed
  ATTR keyword requested-attributes {_JOB_ATTRIBUTES}
  STATUS successful-ok
  DISPLAY job-id
  DISPLAY job-state
  DISPLAY job-state-reasons
  DISPLAY job-printer-state-message
}}
"""

_JOB_TEST = f"""{{
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri job-uri $uri
  ATTR keyword requested-attributes {_JOB_ATTRIBUTES}
  STATUS successful-ok
  DISPLAY job-id
  DISPLAY job-state
  DISPLAY job-state-reasons
  DISPLAY job-printer-state-message
}}
"""

_CANCEL_TEST = """{
  OPERATION Cancel-Job
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri job-uri $uri
  STATUS successful-ok
}
"""

#: Reasons (without their -report/-warning/-error suffix) that stop labels coming out.
BLOCKING_REASONS = frozenset(
    {
        "offline",
        "media-empty",
        "media-needed",
        "media-jam",
        "door-open",
        "cover-open",
        "paused",
        "shutdown",
        "stopped",
        "marker-supply-empty",
        "toner-empty",
        "timed-out",
    }
)


class PrinterState(enum.Enum):
    IDLE = "idle"
    PROCESSING = "processing"
    STOPPED = "stopped"
    MISSING = "missing"


class JobState(enum.Enum):
    PENDING = "pending"
    HELD = "held"
    PROCESSING = "processing"
    STOPPED = "stopped"
    COMPLETED = "completed"
    ABORTED = "aborted"
    CANCELLED = "cancelled"
    GONE = "gone"

    @property
    def finished(self) -> bool:
        """True for a state the job never leaves (completed, aborted, cancelled, gone)."""
        return self in _FINISHED


_FINISHED = frozenset({JobState.COMPLETED, JobState.ABORTED, JobState.CANCELLED, JobState.GONE})

_JOB_STATE_NAMES = {
    "pending": JobState.PENDING,
    "pending-held": JobState.HELD,
    "processing": JobState.PROCESSING,
    "processing-stopped": JobState.STOPPED,
    "completed": JobState.COMPLETED,
    "aborted": JobState.ABORTED,
    "canceled": JobState.CANCELLED,
    "cancelled": JobState.CANCELLED,
}


def base_reason(reason: str) -> str:
    """`media-empty-error` -> `media-empty`: the reason without its severity suffix."""
    for suffix in ("-report", "-warning", "-error"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


@dataclass(frozen=True)
class PrinterStatus:
    """One printer as CUPS sees it now."""

    name: str
    state: PrinterState
    reasons: tuple[str, ...] = ()
    message: str = ""
    accepting: bool = True

    @property
    def problems(self) -> tuple[str, ...]:
        """The blocking reasons, suffix-free, in CUPS's order (empty when ready)."""
        found = [base_reason(r) for r in self.reasons if base_reason(r) in BLOCKING_REASONS]
        if self.state is PrinterState.STOPPED and "paused" not in found:
            found.append("stopped")
        if not self.accepting and self.state is not PrinterState.MISSING:
            found.append("not-accepting")
        if self.state is PrinterState.MISSING:
            found = ["missing"]
        return tuple(dict.fromkeys(found))

    @property
    def ready(self) -> bool:
        """True when a label sent now would come out (as far as CUPS knows)."""
        return not self.problems

    def describe(self) -> str:
        """One English line for logs and the command line: state, reasons, message."""
        if self.state is PrinterState.MISSING:
            return f"printer {self.name} does not exist (deleted?)"
        text = f"printer {self.name} is {self.state.value}"
        if self.problems:
            text += " (" + ", ".join(self.problems) + ")"
        if self.message:
            text += f": {self.message}"
        return text


@dataclass(frozen=True)
class JobStatus:
    """One CUPS job as CUPS sees it now."""

    job_id: int
    state: JobState
    reasons: tuple[str, ...] = ()
    message: str = ""

    def describe(self) -> str:
        """One English line: the state, and why when CUPS said."""
        why = [r for r in self.reasons if r not in ("none", "job-printing", "job-queued")]
        text = f"job {self.job_id} {self.state.value}"
        if why:
            text += " (" + ", ".join(why) + ")"
        if self.message:
            text += f": {self.message}"
        return text


def job_number(request_id: str) -> int | None:
    """The job number in `lp`'s request id ("LabelPDF-12" -> 12), or None."""
    head, _, tail = request_id.rpartition("-")
    return int(tail) if head and tail.isdigit() else None


def _reasons(value: str) -> tuple[str, ...]:
    return tuple(r for r in (v.strip() for v in value.split(",")) if r and r != "none")


def _job_from(attrs: dict[str, str]) -> JobStatus | None:
    try:
        job_id = int(attrs["job-id"])
        state = _JOB_STATE_NAMES[attrs["job-state"]]
    except (KeyError, ValueError):
        return None
    return JobStatus(
        job_id,
        state,
        _reasons(attrs.get("job-state-reasons", "")),
        attrs.get("job-printer-state-message", ""),
    )


class CupsStatus:
    """Asks one CUPS scheduler about printers and jobs; every call blocks for one `ipptool`.

    `runner` runs a command (default: `run_process`); pass another to watch the calls.
    """

    def __init__(
        self,
        ipptool: str,
        *,
        server: str | None = None,
        timeout_s: float = 5.0,
        runner: Runner = run_process,
    ) -> None:
        self._ipptool = ipptool
        self._server = server or default_server()
        self._timeout_s = timeout_s
        self._run = runner

    def _ask(self, uri: str, test: str) -> tuple[str | None, list[dict[str, str]]]:
        code, status, objects, err = run_test(self._run, self._ipptool, uri, test, self._timeout_s)
        if code != 0 and status is None:
            detail = (err.strip().splitlines() or [f"ipptool exited with status {code}"])[-1]
            raise CupsStatusError(f"could not ask CUPS at {self._server}: {detail}")
        return status, objects

    def _printer_uri(self, name: str) -> str:
        return f"ipp://{self._server}/printers/{quote(name, safe='')}"

    def printer(self, name: str) -> PrinterStatus:
        """The printer's state now; `PrinterState.MISSING` if CUPS has no such printer."""
        status, objects = self._ask(self._printer_uri(name), _PRINTER_TEST)
        if status == "client-error-not-found":
            return PrinterStatus(name, PrinterState.MISSING, accepting=False)
        if status is not None or not objects:
            raise CupsStatusError(f"CUPS did not describe printer {name}: {status or 'no reply'}")
        attrs = objects[0]
        try:
            state = PrinterState(attrs.get("printer-state", ""))
        except ValueError as exc:
            raise CupsStatusError(f"unknown printer state {attrs.get('printer-state')!r}") from exc
        return PrinterStatus(
            name,
            state,
            _reasons(attrs.get("printer-state-reasons", "")),
            attrs.get("printer-state-message", ""),
            attrs.get("printer-is-accepting-jobs", "true") == "true",
        )

    def job(self, job_id: int) -> JobStatus:
        """One job's state now; `JobState.GONE` if CUPS no longer knows it."""
        uri = f"ipp://{self._server}/jobs/{job_id}"
        status, objects = self._ask(uri, _JOB_TEST)
        if status == "client-error-not-found":
            return JobStatus(job_id, JobState.GONE)
        job = _job_from(objects[0]) if status is None and objects else None
        if job is None:
            raise CupsStatusError(f"CUPS did not describe job {job_id}: {status or 'no reply'}")
        return job

    def jobs(self, printer: str, job_ids: Iterable[int]) -> dict[int, JobStatus]:
        """The state of each of `job_ids` (all sent to `printer`): one `Get-Jobs` for
        those still waiting, one `Get-Job-Attributes` for each that is not."""
        wanted = list(dict.fromkeys(job_ids))
        if not wanted:
            return {}
        status, objects = self._ask(self._printer_uri(printer), _JOBS_TEST)
        waiting: dict[int, JobStatus] = {}
        if status is None:
            for attrs in objects:
                job = _job_from(attrs)
                if job is not None:
                    waiting[job.job_id] = job
        elif status != "client-error-not-found":
            raise CupsStatusError(f"CUPS did not list the jobs of {printer}: {status}")
        return {jid: waiting[jid] if jid in waiting else self.job(jid) for jid in wanted}

    def cancel(self, job_id: int) -> None:
        """Cancel one job (one that has ended already is left as it is)."""
        status, _ = self._ask(f"ipp://{self._server}/jobs/{job_id}", _CANCEL_TEST)
        if status not in (None, "client-error-not-possible", "client-error-not-found"):
            raise CupsStatusError(f"CUPS did not cancel job {job_id}: {status}")
