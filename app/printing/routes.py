"""The three ways a job reaches paper, each a small class the `PrintQueue` hands jobs to.

Every route ends each job it was given exactly once, through the `Done` callback, with a
typed `PrintResult` (`app.core.print_outcome`):

- `CupsRoute` spools the label's rendered vector PDF to a CUPS queue: with one IPP
  Print-Job to the scheduler on this machine (`ipp_submit.IppSubmitter`, when the queue
  was given its address), else with `lp` (`cups_backend.LpSubmitter`, a `QProcess`);
  either way the GUI thread never waits. CUPS refusing the job is `REFUSED`; no answer is
  `TIMED_OUT` (the job may be in CUPS).
- `PdfFileRoute` writes the rendered PDF to the job's file, titled and with its copies
  (`pdf_files`: a complete file exists exactly when it was written, and a file into a
  folder never replaces another's).
- `RasterRoute` loads the label into a hidden label page, renders it to PDF, moves it by
  the calibration offset and paints it into a `QPrinter` as an image at the job's dpi
  (`raster_paint`, on a worker thread; Qt's print engine spools the image). The
  fallback where there is no CUPS (Windows) or no `lp`. Into a PDF file, Qt writes a
  hidden temp file that is then published as the job's file (`pdf_files`). It watches
  its own load and print time: a label that never loads is `RENDER_FAILED`, a print that
  never ends `TIMED_OUT`.

The first two take an already rendered PDF (the queue renders ahead for them); the raster
route renders and prints in one go — or, for a job that asks for verification, prints the
PDF the queue rendered, moved and checked (`print_pdf`): the label verified is the one
printed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pypdf.errors import PyPdfError
from PySide6.QtCore import QObject, QTimer
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWebEngineCore import QWebEngineProfile

from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.cups_backend import (
    LpRequest,
    LpResult,
    LpSubmitter,
    media_size,
    pdf_page_size_mm,
)
from app.printing.cups_status import job_number
from app.printing.ipp_submit import IppSubmitter
from app.printing.offload import Offload, run_inline
from app.printing.pdf_files import (
    make_folder_for,
    publish_job_file,
    raster_temp_for,
    write_job_file,
)
from app.printing.pdf_output import label_pdf_file
from app.printing.pdf_shift import PdfShiftError, shifted_pdf
from app.printing.print_job import PrintJob, choose_resolution
from app.printing.printers import PrinterNames, PrinterNotFound, resolve_printer
from app.printing.profile import LabelPage
from app.printing.raster_paint import paint_pdf
from app.printing.render import page_layout

Done = Callable[[PrintResult], None]


class PdfFileRoute:
    """Writes a rendered label to `job.pdf_path` (see the module docstring), through
    `offload` (`app.printing.offload`): the file is written off the GUI thread."""

    def __init__(self, offload: Offload = run_inline) -> None:
        self._offload = offload

    def deliver(self, job: PrintJob, pdf: bytes, done: Done) -> None:
        assert job.pdf_path is not None

        def write() -> PrintResult:
            path = job.pdf_path
            try:
                data = label_pdf_file(pdf, title=job.name, copies=job.copies)
                path = write_job_file(job, data)
            except (OSError, PyPdfError, ValueError) as exc:
                return PrintResult(OutcomeKind.WRITE_FAILED, f"writing {path} failed: {exc}")
            return PrintResult(OutcomeKind.SPOOLED, f"sent to {path}", pdf_path=str(path))

        def crashed(exc: BaseException) -> None:
            done(PrintResult(OutcomeKind.WRITE_FAILED, f"writing {job.pdf_path} failed: {exc}"))

        self._offload(write, done, crashed)


#: How long a printer CUPS has just named is taken to be still there: asking Qt for it
#: (`resolve_printer`) has CUPS list every queue, ~8 ms of the calling thread and more of
#: `cupsd` — per label, in a long run, as much as spooling the label itself.
PRINTER_KNOWN_S = 2.0

Snapshot = Callable[[], PrinterNames | None]
"""The printers as last seen, taken elsewhere (the window's, in the background); None
while not known yet."""


class CupsRoute:
    """Spools rendered labels to CUPS, one at a time (see the module docstring): over IPP
    to `ipp_server` ("host:port" of this machine's scheduler) if given, else with `lp`.
    With a `Snapshot` (`use_snapshot`: the window's list of printers, taken off the GUI
    thread) the job's printer is checked against it and CUPS is never asked here; while
    the snapshot is not known yet, CUPS itself refuses a missing printer. Without one (the
    command line) a printer found is not looked up again for `PRINTER_KNOWN_S` (one
    removed meanwhile refuses the job, and the next job looks it up again)."""

    def __init__(
        self,
        lp_path: str,
        parent: QObject,
        *,
        ipp_server: str | None = None,
        offload: Offload = run_inline,
    ) -> None:
        self._lp_path = lp_path
        self._ipp_server = ipp_server
        self._offload = offload
        self._parent = parent
        self._lp: LpSubmitter | IppSubmitter | None = None
        self._known: dict[str, tuple[str, float]] = {}
        self._snapshot: Snapshot | None = None

    @property
    def busy(self) -> bool:
        """`lp` is running for a job."""
        return self._lp is not None and self._lp.busy

    def use_snapshot(self, snapshot: Snapshot | None) -> None:
        """Check printers against `snapshot()` from now on (None: ask Qt again)."""
        self._snapshot = snapshot

    def printer_for(self, job: PrintJob) -> str:
        """The CUPS name of the job's printer; raises `PrinterNotFound`."""
        if self._snapshot is not None:
            return _in_snapshot(job.printer_name, self._snapshot())
        now = time.monotonic()
        known = self._known.get(job.printer_name)
        if known is not None and now - known[1] < PRINTER_KNOWN_S:
            return known[0]
        name = resolve_printer(job.printer_name).printerName()
        self._known[job.printer_name] = (name, now)
        return name

    def deliver(self, job: PrintJob, pdf: bytes, printer: str, done: Done) -> None:
        if self._lp is None:
            if self._ipp_server:
                self._lp = IppSubmitter(
                    self._ipp_server, self._lp_path, self._parent, offload=self._offload
                )
            else:
                self._lp = LpSubmitter(self._lp_path, self._parent)
        request = LpRequest(
            printer=printer,
            title=job.name,
            copies=job.copies,
            media=media_size(pdf_page_size_mm(pdf), job.page_size),
            dpi=job.dpi,
        )
        asked_for = job.printer_name

        def spooled(result: LpResult) -> None:
            if result.ok:
                job = job_number(result.request_id) if result.request_id else None
                detail = f"sent to {printer} ({result.message})"
                done(PrintResult(OutcomeKind.SPOOLED, detail, cups_job=job))
            elif result.uncertain:
                done(PrintResult(OutcomeKind.TIMED_OUT, f"{printer}: {result.message}"))
            else:
                self._known.pop(asked_for, None)  # look it up again next time
                detail = f"printing to {printer} failed: {result.message}"
                done(PrintResult(OutcomeKind.REFUSED, detail))

        self._lp.submit(request, pdf, spooled)

    def shutdown(self) -> None:
        """Stop waiting for a running `lp` (its job ends `TIMED_OUT`: it may be in CUPS)."""
        if self._lp is not None:
            self._lp.shutdown()


def _in_snapshot(name: str, printers: PrinterNames | None) -> str:
    if not name:
        raise PrinterNotFound(name, list(printers.names) if printers else [])
    if printers is None or name in printers.names:
        return name  # not known yet: CUPS refuses a printer it does not have
    raise PrinterNotFound(name, list(printers.names))


class RasterRoute:
    """Prints through a `QPrinter` from one hidden label page (module docstring).

    A job: load the label, `printToPdf` it at its page size, then move it by the
    calibration offset (`pdf_shift`) and rasterise and paint it on the printer at its
    resolution (`raster_paint`) through `offload` — in the window a worker thread (Qt
    allows painting on a `QPrinter` from any thread; its own `QWebEngineView.print` does
    the same, but could not take the offset without scaling the label). One job at a
    time; a stuck page is given up and replaced, and a painting that outlives its job
    keeps its printer until it ends.
    """

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject,
        *,
        load_timeout_s: float,
        print_timeout_s: float,
        offload: Offload = run_inline,
    ) -> None:
        self._profile = profile
        self._parent = parent
        self._offload = offload
        self._load_timeout_ms = int(load_timeout_s * 1000)
        self._print_timeout_ms = int(print_timeout_s * 1000)
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._page: LabelPage | None = None
        self._printer: QPrinter | None = None
        self._job: PrintJob | None = None
        self._done: Done | None = None
        self._printing = False
        self._generation = 0

    @property
    def busy(self) -> bool:
        return self._done is not None

    def start(self, job: PrintJob, done: Done) -> None:
        """Load and print `job`; raises `PrinterNotFound` or `LabelTooLarge` at once."""
        printer = _make_printer(job)
        if self._page is not None and self._page.worn_out:
            self._drop_page()
        if self._page is None:
            self._page = LabelPage(self._profile, self._parent)
            self._page.loadFinished.connect(self._on_loaded)
        self._page.load_label(job.html)  # LabelTooLarge: not started
        self._generation += 1
        self._job, self._done, self._printer, self._printing = job, done, printer, False
        self._timer.start(self._load_timeout_ms)

    def print_pdf(self, job: PrintJob, pdf: bytes, done: Done) -> None:
        """Print `pdf`, the label already rendered and moved by the offset (the one the
        queue verified): nothing is loaded again. Raises `PrinterNotFound` at once."""
        printer = _make_printer(job)
        self._generation += 1
        self._job, self._done, self._printer, self._printing = job, done, printer, True
        self._timer.start(self._print_timeout_ms)
        self._paint(self._generation, job, pdf, (0.0, 0.0), printer)

    def shutdown(self) -> None:
        """Forget the running job (its caller ends it) and free the page."""
        self._timer.stop()
        self._generation += 1
        self._job = self._done = self._printer = None
        self._printing = False
        self._drop_page()

    def _drop_page(self) -> None:
        if self._page is not None:
            self._page.loadFinished.disconnect(self._on_loaded)
            self._page.deleteLater()
            self._page = None

    def _end(self, result: PrintResult) -> None:
        done = self._done
        self._timer.stop()
        self._generation += 1
        self._job = self._done = self._printer = None
        self._printing = False
        if done is not None:
            done(result)

    def _on_loaded(self, ok: bool) -> None:
        page, job = self._page, self._job
        if self._done is None or self._printing or page is None or job is None:
            return
        if not ok:
            self._end(PrintResult(OutcomeKind.RENDER_FAILED, "the label could not be loaded"))
            return
        self._printing = True
        self._timer.start(self._print_timeout_ms)
        generation = self._generation
        page.printToPdf(
            lambda data: self._on_pdf(generation, bytes(data)), page_layout(job.page_size)
        )

    def _on_pdf(self, generation: int, pdf: bytes) -> None:
        job, printer = self._job, self._printer
        if generation != self._generation or job is None or printer is None:
            return  # given up on meanwhile
        if not pdf:
            self._end(PrintResult(OutcomeKind.RENDER_FAILED, "the label could not be drawn"))
            return
        self._paint(generation, job, pdf, job.offset_mm, printer)

    def _paint(
        self,
        generation: int,
        job: PrintJob,
        pdf: bytes,
        offset_mm: tuple[float, float],
        printer: QPrinter,
    ) -> None:
        # The work holds the printer until it ends, whatever became of the job.
        self._offload(
            partial(_move_and_paint, pdf, offset_mm, printer, job),
            partial(self._on_painted, generation),
            partial(self._on_paint_failed, generation),
        )

    def _on_painted(self, generation: int, pdf_path: str | None) -> None:
        job = self._job
        if generation != self._generation or job is None:
            return  # given up on meanwhile
        where = pdf_path or job.printer_name
        self._end(PrintResult(OutcomeKind.SPOOLED, f"sent to {where}", pdf_path=pdf_path))

    def _on_paint_failed(self, generation: int, error: BaseException) -> None:
        job = self._job
        if generation != self._generation or job is None:
            return  # given up on meanwhile
        where = job.pdf_path or job.printer_name
        if isinstance(error, PdfShiftError):
            self._end(PrintResult(OutcomeKind.RENDER_FAILED, str(error)))
        else:
            self._end(PrintResult(OutcomeKind.REFUSED, f"printing to {where} failed: {error}"))

    def _on_timeout(self) -> None:
        # The page is stuck (some markup never finishes loading) or the printer is still
        # busy: give the job up and carry on with a new page.
        if self._done is None:
            return
        if self._printing:
            result = PrintResult(OutcomeKind.TIMED_OUT, "printing timed out")
        else:
            seconds = self._load_timeout_ms / 1000
            detail = f"the label did not finish loading within {seconds:g} s"
            result = PrintResult(OutcomeKind.RENDER_FAILED, detail)
        self._drop_page()
        self._end(result)


def _move_and_paint(
    pdf: bytes, offset_mm: tuple[float, float], printer: QPrinter, job: PrintJob
) -> str | None:
    """The raster route's slow part (pdfium, the print engine, the file): off the GUI
    thread. Returns the PDF file written (None: printed on a printer)."""
    if job.pdf_path is None:
        paint_pdf(shifted_pdf(pdf, offset_mm), printer)
        return None
    temp = Path(printer.outputFileName())
    make_folder_for(temp)
    try:
        paint_pdf(shifted_pdf(pdf, offset_mm), printer)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return str(publish_job_file(job, temp))


def _make_printer(job: PrintJob) -> QPrinter:
    info: QPrinterInfo | None = None
    if job.pdf_path is not None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        # Qt's print engine writes a temp file; the painting work publishes it.
        printer.setOutputFileName(str(raster_temp_for(job)))
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
