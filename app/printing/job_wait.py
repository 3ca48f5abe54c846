"""Waiting for one spooled label to reach paper, for the command line's `--print`.

A label accepted by CUPS is not on paper yet. `PaperWait.wait(result, printer)` follows
the job CUPS named (the `cups_job` of a `SPOOLED` `PrintResult`) until it completes,
fails, or `timeout_s` passes, and answers with the final `PrintResult`:

- completed -> `PRINTED`;
- cancelled / aborted / gone (its printer deleted) -> `JOB_FAILED`, with CUPS's reason;
- still waiting after `timeout_s` -> `STUCK`, with the printer's reason. The job is left
  in CUPS as it is: it comes out once the printer is fixed (`waybill-printer resume`
  then records it printed). Nothing is ever resent or cancelled here.

Once one label is stuck, `blocked(printer)` says why the printer cannot print (as long as
CUPS says so), so the following labels are not sent into the same stopped queue to wait
out their own timeouts one after another.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.cups_status import CupsStatus
from app.printing.ipptool import CupsStatusError
from app.printing.job_follower import JobFollower, Outcome

DEFAULT_TIMEOUT_S = 60.0


class PaperWait:
    """Follows each spooled label to paper; see the module docstring."""

    def __init__(
        self,
        status: CupsStatus,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        interval_s: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._status = status
        self.timeout_s = timeout_s
        self._interval_s = interval_s
        self._sleep = sleep
        self._stuck_on: str | None = None

    @property
    def status(self) -> CupsStatus:
        return self._status

    def blocked(self, printer: str) -> str | None:
        """After a stuck label: why `printer` still cannot print (None once it can)."""
        if self._stuck_on != printer:
            return None
        try:
            state = self._status.printer(printer)
        except CupsStatusError as exc:
            return str(exc)
        if state.ready:
            self._stuck_on = None
            return None
        return state.describe()

    def wait(self, result: PrintResult, printer: str) -> PrintResult:
        """Block until the job of `result` (spooled on `printer`) ended or the time is up;
        a result without a CUPS job is handed back as it is."""
        if result.kind is not OutcomeKind.SPOOLED or result.cups_job is None:
            return result
        job_id = result.cups_job
        follower = JobFollower(self._status, stuck_after_s=self.timeout_s)
        follower.follow(printer, job_id)
        try:
            reports = follower.wait(self.timeout_s, interval_s=self._interval_s, sleep=self._sleep)
        except CupsStatusError as exc:
            self._stuck_on = printer
            detail = f"CUPS job {printer}-{job_id}: {exc}"
            return replace(result, kind=OutcomeKind.STUCK, detail=detail)
        report = reports[-1]
        sent = f" (sent: {result.detail})" if result.detail else ""
        if report.outcome is Outcome.PRINTED:
            detail = f"{result.detail}; CUPS job {printer}-{job_id} completed".lstrip("; ")
            return replace(result, kind=OutcomeKind.PRINTED, detail=detail)
        if report.outcome is Outcome.FAILED:
            return replace(result, kind=OutcomeKind.JOB_FAILED, detail=report.reason + sent)
        self._stuck_on = printer
        detail = f"{report.reason}; CUPS job {printer}-{job_id} is still waiting{sent}"
        return replace(result, kind=OutcomeKind.STUCK, detail=detail)
