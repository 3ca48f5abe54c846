"""The print queue: one label at a time to a validated printer (or a PDF file).

`QWebEngineView.print` silently drops a second call while one runs, so `PrintQueue`
keeps its own queue and prints one job at a time on one hidden view showing a hardened
`LabelPage`. Every submitted job ends exactly once with `jobFinished(job_id, ok, message)`:
spooled, or failed with a reason; a failed job does not stop the queue. The `QPrinter` is
kept until `printFinished`, as the view needs it until then.

Calibration: `PrintJob.offset_mm = (x, y)` shifts the whole label right/down by that many
millimetres (negative: left/up) by appending a `<style>` that translates the `<html>`
element to a copy of the label. A transform moves the drawing without changing the
layout, so the page count and page size stay the same.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView

from app.core.model import PageSizeMm
from app.printing.printers import PrinterNotFound, resolve_printer
from app.printing.profile import LabelPage, LabelTooLarge
from app.printing.render import page_layout

#: Thermal label printers are 203 dpi; used when neither the job nor the printer says.
DEFAULT_DPI = 203


@dataclass(frozen=True)
class PrintJob:
    """One label to print. `title` becomes the spooler's job name (use the waybill id)."""

    job_id: int
    html: str
    page_size: PageSizeMm | None
    printer_name: str
    copies: int = 1
    dpi: int | None = None
    title: str = ""
    pdf_path: Path | None = None
    offset_mm: tuple[float, float] = (0.0, 0.0)


def apply_offset(html: str, offset_mm: tuple[float, float]) -> str:
    """A copy of `html` shifted by `offset_mm` (x right, y down); unchanged for (0, 0)."""
    x, y = offset_mm
    if not x and not y:
        return html
    style = f"<style>html{{transform:translate({x:g}mm,{y:g}mm) !important}}</style>"
    return html + style


def choose_resolution(job: PrintJob, info: QPrinterInfo | None) -> int:
    """The job's dpi, else the printer's only resolution, else `DEFAULT_DPI`."""
    if job.dpi:
        return job.dpi
    if info is not None:
        resolutions = info.supportedResolutions()
        if len(resolutions) == 1 and resolutions[0] > 0:
            return int(resolutions[0])
    return DEFAULT_DPI


class PrintQueue(QObject):
    """Prints `PrintJob`s one at a time; see the module docstring."""

    jobStarted = Signal(int)
    jobFinished = Signal(int, bool, str)

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject | None = None,
        *,
        load_timeout_s: float = 15.0,
        print_timeout_s: float = 120.0,
    ) -> None:
        super().__init__(parent)
        self._profile = profile
        self._pending: deque[PrintJob] = deque()
        self._current: PrintJob | None = None
        self._printer: QPrinter | None = None
        self._printing = False
        self._abandoned: list[tuple[QWebEngineView, QPrinter]] = []
        self._load_timeout_ms = int(load_timeout_s * 1000)
        self._print_timeout_ms = int(print_timeout_s * 1000)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_timeout)
        self._view = self._make_view()

    # -- public API ---------------------------------------------------------------------

    def submit(self, job: PrintJob) -> int:
        """Queue `job`; it starts when the jobs before it have ended. Returns its id."""
        self._pending.append(job)
        if self._current is None:
            QTimer.singleShot(0, self, self._next)
        return job.job_id

    def cancel_pending(self, job_id: int) -> bool:
        """Drop a job that has not started yet (ends it as failed). False if not pending."""
        for job in self._pending:
            if job.job_id == job_id:
                self._pending.remove(job)
                self.jobFinished.emit(job_id, False, "cancelled")
                return True
        return False

    def cancel_all_pending(self) -> int:
        """Drop every job that has not started yet; returns how many were dropped."""
        dropped = list(self._pending)
        self._pending.clear()
        for job in dropped:
            self.jobFinished.emit(job.job_id, False, "cancelled")
        return len(dropped)

    def pending_count(self) -> int:
        return len(self._pending)

    def is_busy(self) -> bool:
        return self._current is not None

    # -- the one-job-at-a-time machine --------------------------------------------------

    def _make_view(self) -> QWebEngineView:
        view = QWebEngineView()
        page = LabelPage(self._profile, view)
        view.setPage(page)
        page.loadFinished.connect(self._on_loaded)
        view.printFinished.connect(self._on_printed)
        return view

    def _next(self) -> None:
        if self._current is not None or not self._pending:
            return
        job = self._pending.popleft()
        self._current = job
        self.jobStarted.emit(job.job_id)
        try:
            self._printer = self._make_printer(job)
            page = self._view.page()
            assert isinstance(page, LabelPage)
            self._watchdog.start(self._load_timeout_ms)
            page.load_label(apply_offset(job.html, job.offset_mm))
        except (PrinterNotFound, LabelTooLarge, ValueError) as exc:
            self._finish(False, str(exc))

    def _make_printer(self, job: PrintJob) -> QPrinter:
        if job.copies < 1:
            raise ValueError(f"copies must be at least 1, not {job.copies}")
        info: QPrinterInfo | None = None
        if job.pdf_path is not None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(job.pdf_path))
        else:
            info = resolve_printer(job.printer_name)
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        printer.setResolution(choose_resolution(job, info))
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(job.page_size))
        printer.setCopyCount(job.copies)
        printer.setDocName(job.title or f"label {job.job_id}")
        return printer

    def _on_loaded(self, ok: bool) -> None:
        if self._current is None or self._printing or not self._watchdog.isActive():
            return
        if self._printer is None:
            return
        if not ok:
            self._finish(False, "the label could not be loaded")
            return
        self._printing = True
        self._watchdog.start(self._print_timeout_ms)
        self._view.print(self._printer)

    def _on_printed(self, ok: bool) -> None:
        if self._current is None or not self._printing:
            return
        job = self._current
        where = str(job.pdf_path) if job.pdf_path is not None else job.printer_name
        if ok:
            self._finish(True, f"sent to {where}")
        else:
            self._finish(False, f"printing to {where} failed")

    def _on_timeout(self) -> None:
        if self._current is None:
            return
        # The view is stuck (some markup never finishes loading) or still busy printing and
        # would drop the next print: give it up and carry on with a new one. A printer that
        # may still be in use lives until its view reports back.
        if self._printing:
            message = "printing timed out"
        else:
            message = f"the label did not finish loading within {self._load_timeout_ms / 1000:g} s"
        self._abandon(self._view, self._printer if self._printing else None)
        self._view = self._make_view()
        self._finish(False, message)

    def _abandon(self, view: QWebEngineView, printer: QPrinter | None) -> None:
        view.page().loadFinished.disconnect(self._on_loaded)
        view.printFinished.disconnect(self._on_printed)
        if printer is None:
            view.deleteLater()
            return
        pair = (view, printer)
        self._abandoned.append(pair)

        def release(_ok: bool) -> None:
            self._abandoned.remove(pair)
            view.deleteLater()

        view.printFinished.connect(release)

    def shutdown(self) -> None:
        """Drop pending jobs and free the view (call before the profile goes away)."""
        self.cancel_all_pending()
        self._watchdog.stop()
        self._view.deleteLater()

    def _finish(self, ok: bool, message: str) -> None:
        job = self._current
        self._watchdog.stop()
        self._current = None
        self._printing = False
        self._printer = None
        if self._pending:
            QTimer.singleShot(0, self, self._next)
        if job is not None:
            self.jobFinished.emit(job.job_id, ok, message)
