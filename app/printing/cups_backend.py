"""Handing a finished label PDF to a CUPS queue with `lp`, without blocking the GUI thread.

The label printer's CUPS driver rasterises the PDF itself, at its native resolution, so the
program never draws a bitmap: `lp -d PRINTER -n COPIES -t TITLE -o media=Custom.WxHmm -`
reads the PDF from standard input, and its exit status says whether CUPS accepted the job
(its "request id is PRINTER-N" line names the CUPS job). `LpSubmitter` runs that `lp` in
a `QProcess`: starting it, feeding it the PDF and hearing back all happen through the
event loop, so the GUI thread never waits on the spooler.

Options sent with every job:
- `media=Custom.WxHmm` — the PDF's own page size, so the driver picks (or makes) the
  matching label stock instead of fitting the label onto its default paper;
- `print-scaling=none` — never shrink or grow the label (it is already at its real size);
- `collate=true` with more than one copy, so copies come out whole (one CUPS job, N copies);
- `Resolution=<dpi>dpi` only when a dpi was configured: a driver offering that choice
  (thermal printers' PPDs do) uses it, others (cups-pdf, for one) ignore the option.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QProcess, QTimer

from app.core.model import PageSizeMm

_REQUEST_ID_RE = re.compile(rb"request id is (\S+)", re.IGNORECASE)
_MEDIA_BOX_RE = re.compile(
    rb"/MediaBox\s*\[\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\]"
)
_MM_PER_PT = 25.4 / 72


def find_lp() -> str | None:
    """The `lp` command if this system spools through CUPS (never on Windows)."""
    if sys.platform == "win32":
        return None
    return shutil.which("lp")


def pdf_page_size_mm(pdf: bytes) -> PageSizeMm | None:
    """The first page's size in mm (its /MediaBox), or None if it cannot be read cheaply."""
    match = _MEDIA_BOX_RE.search(pdf)
    if match is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    width, height = abs(x1 - x0) * _MM_PER_PT, abs(y1 - y0) * _MM_PER_PT
    if width <= 0 or height <= 0:
        return None
    return PageSizeMm(round(width, 1), round(height, 1))


def media_size(pdf_size: PageSizeMm | None, nominal: PageSizeMm | None) -> PageSizeMm | None:
    """The label stock to ask for: the PDF's page size, named as the label's.

    Chromium rounds a page down to whole points (100 × 150 mm comes out as
    99.8 × 149.9 mm), so a size within 1 mm of the label's nominal size (the job's page
    size) is sent as that size; any other as it is, to 0.1 mm.
    """
    if pdf_size is None:
        return nominal
    if (
        nominal is not None
        and abs(pdf_size.width - nominal.width) <= 1.0
        and abs(pdf_size.height - nominal.height) <= 1.0
    ):
        return nominal
    return PageSizeMm(round(pdf_size.width, 1), round(pdf_size.height, 1))


@dataclass(frozen=True)
class LpRequest:
    """One job for `lp`: where, how many, its CUPS job name, its page size and dpi."""

    printer: str
    title: str
    copies: int = 1
    media: PageSizeMm | None = None
    dpi: int | None = None


@dataclass(frozen=True)
class LpResult:
    """How one `lp` ended: accepted by CUPS (with its job id, if `lp` named it) or why not."""

    ok: bool
    message: str
    request_id: str | None = None
    uncertain: bool = False
    """Not accepted, but not refused either: `lp` never answered (the job may be there)."""


def lp_arguments(request: LpRequest) -> list[str]:
    """The `lp` arguments for `request`, the PDF coming on standard input."""
    if request.copies < 1:
        raise ValueError(f"copies must be at least 1, not {request.copies}")
    args = ["-d", request.printer, "-n", str(request.copies), "-t", request.title or "label"]
    if request.copies > 1:
        args += ["-o", "collate=true"]
    if request.media is not None:
        args += ["-o", f"media=Custom.{request.media.width:g}x{request.media.height:g}mm"]
    args += ["-o", "print-scaling=none"]
    if request.dpi:
        args += ["-o", f"Resolution={request.dpi}dpi"]
    args.append("-")
    return args


def parse_request_id(stdout: bytes) -> str | None:
    """The CUPS job named in `lp`'s answer ("request id is LabelPDF-12 (1 file(s))")."""
    match = _REQUEST_ID_RE.search(stdout)
    return match.group(1).decode("utf-8", "replace") if match else None


class LpSubmitter(QObject):
    """Runs `lp` for one PDF at a time in a `QProcess`; see the module docstring.

    `submit` must be called on the GUI thread and only while `busy` is false; its
    callback runs exactly once, later, from the event loop.
    """

    def __init__(
        self, lp_path: str, parent: QObject | None = None, *, timeout_s: float = 60.0
    ) -> None:
        super().__init__(parent)
        self._lp_path = lp_path
        self._timeout_s = timeout_s
        self._process: QProcess | None = None
        self._callback: Callable[[LpResult], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)

    @property
    def busy(self) -> bool:
        return self._callback is not None

    def submit(self, request: LpRequest, pdf: bytes, callback: Callable[[LpResult], None]) -> None:
        """Spool `pdf` as `request`; `callback` gets the `LpResult` later."""
        if self._callback is not None:
            raise RuntimeError("lp is still running for the previous job")
        args = lp_arguments(request)  # ValueError before anything starts
        self._callback = callback
        process = QProcess(self)
        process.setProgram(self._lp_path)
        process.setArguments(args)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        self._timer.start(int(self._timeout_s * 1000))
        process.start()
        process.write(pdf)
        process.closeWriteChannel()

    def shutdown(self) -> None:
        """Stop waiting for a running `lp` (it is killed; its job ends as failed)."""
        if self._process is not None:
            self._end(LpResult(False, "printing was stopped", uncertain=True))

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        process = self._process
        if process is None or process is not self.sender():
            return
        out = bytes(process.readAllStandardOutput().data())
        err = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
        if status == QProcess.ExitStatus.NormalExit and exit_code == 0:
            request_id = parse_request_id(out)
            where = f" as {request_id}" if request_id else ""
            self._end(LpResult(True, f"accepted by CUPS{where}", request_id))
        else:
            reason = err.splitlines()[-1] if err else f"lp exited with status {exit_code}"
            self._end(LpResult(False, reason))

    def _on_error(self, error: QProcess.ProcessError) -> None:
        process = self._process
        if process is None or process is not self.sender():
            return
        if error == QProcess.ProcessError.FailedToStart:
            self._end(LpResult(False, f"could not run {self._lp_path}: {process.errorString()}"))
        # Other errors (a crash, a closed pipe) are followed by `finished`.

    def _on_timeout(self) -> None:
        if self._process is not None:
            self._end(
                LpResult(
                    False,
                    f"lp did not answer within {self._timeout_s:g} s "
                    "(check the CUPS queue: the job may or may not be there)",
                    uncertain=True,
                )
            )

    def _end(self, result: LpResult) -> None:
        process, callback = self._process, self._callback
        self._process = None
        self._callback = None
        self._timer.stop()
        if process is not None:
            process.finished.disconnect(self._on_finished)
            process.errorOccurred.disconnect(self._on_error)
            if process.state() != QProcess.ProcessState.NotRunning:
                process.kill()
                process.waitForFinished(1000)
            process.deleteLater()
        if callback is not None:
            callback(result)
