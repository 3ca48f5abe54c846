"""The three ways a job reaches paper, each a small class the `PrintQueue` hands jobs to.

Every route ends each job it was given exactly once, through the `Done` callback, with a
typed `PrintResult` (`app.core.print_outcome`):

- `CupsRoute` spools the label's rendered vector PDF to a CUPS queue with `lp`
  (`cups_backend.LpSubmitter`, a `QProcess`: the GUI thread never waits). CUPS refusing the
  job is `REFUSED`; `lp` never answering is `TIMED_OUT` (the job may be in CUPS).
- `PdfFileRoute` writes the rendered PDF to the job's file, titled and with its copies
  (atomically: a complete file exists exactly when it was written).
- `RasterRoute` loads the label into a hidden `QWebEngineView` and has Qt print it into a
  `QPrinter` at the job's dpi (Qt rasterises; its print engine spools the image). The
  fallback where there is no CUPS (Windows) or no `lp`. It watches its own load and print
  time: a label that never loads is `RENDER_FAILED`, a print that never ends `TIMED_OUT`.

The first two take an already rendered PDF (the queue renders ahead for them); the raster
route renders and prints in one go (a job that asks for verification has been rendered to
a PDF and checked by the queue before it gets here).
"""

from __future__ import annotations

from collections.abc import Callable

from pypdf.errors import PyPdfError
from PySide6.QtCore import QObject, QTimer
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView

from app.core.atomic_file import write_atomically
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.cups_backend import (
    LpRequest,
    LpResult,
    LpSubmitter,
    media_size,
    pdf_page_size_mm,
)
from app.printing.cups_status import job_number
from app.printing.offload import Offload, run_inline
from app.printing.pdf_output import label_pdf_file
from app.printing.print_job import PrintJob, apply_offset, choose_resolution
from app.printing.printers import resolve_printer
from app.printing.profile import LabelPage
from app.printing.render import page_layout

Done = Callable[[PrintResult], None]


class PdfFileRoute:
    """Writes a rendered label to `job.pdf_path` (see the module docstring), through
    `offload` (`app.printing.offload`): the file is written off the GUI thread."""

    def __init__(self, offload: Offload = run_inline) -> None:
        self._offload = offload

    def deliver(self, job: PrintJob, pdf: bytes, done: Done) -> None:
        path = job.pdf_path
        assert path is not None

        def write() -> PrintResult:
            try:
                data = label_pdf_file(pdf, title=job.name, copies=job.copies)
                write_atomically(path, data)
            except (OSError, PyPdfError, ValueError) as exc:
                return PrintResult(OutcomeKind.WRITE_FAILED, f"writing {path} failed: {exc}")
            return PrintResult(OutcomeKind.SPOOLED, f"sent to {path}", pdf_path=str(path))

        def crashed(exc: BaseException) -> None:
            done(PrintResult(OutcomeKind.WRITE_FAILED, f"writing {path} failed: {exc}"))

        self._offload(write, done, crashed)


class CupsRoute:
    """Spools rendered labels to CUPS with `lp`, one at a time (see the module docstring)."""

    def __init__(self, lp_path: str, parent: QObject) -> None:
        self._lp_path = lp_path
        self._parent = parent
        self._lp: LpSubmitter | None = None

    @property
    def busy(self) -> bool:
        """`lp` is running for a job."""
        return self._lp is not None and self._lp.busy

    def printer_for(self, job: PrintJob) -> str:
        """The CUPS name of the job's printer; raises `PrinterNotFound`."""
        return resolve_printer(job.printer_name).printerName()

    def deliver(self, job: PrintJob, pdf: bytes, printer: str, done: Done) -> None:
        if self._lp is None:
            self._lp = LpSubmitter(self._lp_path, self._parent)
        request = LpRequest(
            printer=printer,
            title=job.name,
            copies=job.copies,
            media=media_size(pdf_page_size_mm(pdf), job.page_size),
            dpi=job.dpi,
        )

        def spooled(result: LpResult) -> None:
            if result.ok:
                job = job_number(result.request_id) if result.request_id else None
                detail = f"sent to {printer} ({result.message})"
                done(PrintResult(OutcomeKind.SPOOLED, detail, cups_job=job))
            elif result.uncertain:
                done(PrintResult(OutcomeKind.TIMED_OUT, f"{printer}: {result.message}"))
            else:
                detail = f"printing to {printer} failed: {result.message}"
                done(PrintResult(OutcomeKind.REFUSED, detail))

        self._lp.submit(request, pdf, spooled)

    def shutdown(self) -> None:
        """Stop waiting for a running `lp` (its job ends `TIMED_OUT`: it may be in CUPS)."""
        if self._lp is not None:
            self._lp.shutdown()


class RasterRoute:
    """Prints through `QWebEngineView.print` on one hidden view (module docstring).

    The view silently drops a second print while one runs, so it takes one job at a time;
    a stuck view is given up and replaced, and a printer that may still be in use lives
    until its view reports back.
    """

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject,
        *,
        load_timeout_s: float,
        print_timeout_s: float,
    ) -> None:
        self._profile = profile
        self._load_timeout_ms = int(load_timeout_s * 1000)
        self._print_timeout_ms = int(print_timeout_s * 1000)
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._view: QWebEngineView | None = None
        self._printer: QPrinter | None = None
        self._job: PrintJob | None = None
        self._done: Done | None = None
        self._printing = False
        self._abandoned: list[tuple[QWebEngineView, QPrinter]] = []

    @property
    def busy(self) -> bool:
        return self._done is not None

    def start(self, job: PrintJob, done: Done) -> None:
        """Load and print `job`; raises `PrinterNotFound` or `LabelTooLarge` at once."""
        printer = _make_printer(job)
        if self._view is not None:
            worn = self._view.page()
            if isinstance(worn, LabelPage) and worn.worn_out:
                self._abandon(self._view, None)
                self._view = None
        if self._view is None:
            self._view = self._make_view()
        page = self._view.page()
        assert isinstance(page, LabelPage)
        page.load_label(apply_offset(job.html, job.offset_mm))  # LabelTooLarge: not started
        self._job, self._done, self._printer, self._printing = job, done, printer, False
        self._timer.start(self._load_timeout_ms)

    def shutdown(self) -> None:
        """Forget the running job (its caller ends it) and free the view."""
        self._timer.stop()
        self._job = self._done = self._printer = None
        self._printing = False
        if self._view is not None:
            self._view.deleteLater()
            self._view = None

    def _make_view(self) -> QWebEngineView:
        view = QWebEngineView()
        page = LabelPage(self._profile, view)
        view.setPage(page)
        page.loadFinished.connect(self._on_loaded)
        view.printFinished.connect(self._on_printed)
        return view

    def _end(self, result: PrintResult) -> None:
        done = self._done
        self._timer.stop()
        self._job = self._done = self._printer = None
        self._printing = False
        if done is not None:
            done(result)

    def _on_loaded(self, ok: bool) -> None:
        if self._done is None or self._printing or self._printer is None or self._view is None:
            return
        if not ok:
            self._end(PrintResult(OutcomeKind.RENDER_FAILED, "the label could not be loaded"))
            return
        self._printing = True
        self._timer.start(self._print_timeout_ms)
        self._view.print(self._printer)

    def _on_printed(self, ok: bool) -> None:
        job = self._job
        if job is None or not self._printing:
            return
        where = str(job.pdf_path) if job.pdf_path is not None else job.printer_name
        if ok:
            pdf_path = str(job.pdf_path) if job.pdf_path is not None else None
            self._end(PrintResult(OutcomeKind.SPOOLED, f"sent to {where}", pdf_path=pdf_path))
        else:
            self._end(PrintResult(OutcomeKind.REFUSED, f"printing to {where} failed"))

    def _on_timeout(self) -> None:
        # The view is stuck (some markup never finishes loading) or still busy printing and
        # would drop the next print: give it up and carry on with a new one.
        if self._done is None:
            return
        if self._printing:
            result = PrintResult(OutcomeKind.TIMED_OUT, "printing timed out")
        else:
            seconds = self._load_timeout_ms / 1000
            detail = f"the label did not finish loading within {seconds:g} s"
            result = PrintResult(OutcomeKind.RENDER_FAILED, detail)
        if self._view is not None:
            self._abandon(self._view, self._printer if self._printing else None)
            self._view = None
        self._end(result)

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


def _make_printer(job: PrintJob) -> QPrinter:
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
    printer.setDocName(job.name)
    return printer
