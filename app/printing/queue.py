"""The print queue: one label at a time to a validated printer (or a PDF file).

Every submitted job ends exactly once with `jobEnded(job_id, PrintResult)` — its typed
outcome (`app.core.print_outcome`: spooled, refused before acceptance, timed out, render
failed, unverified, no such printer, write failed, cancelled) — and, for callers that only
need yes or no, `jobFinished(job_id, ok, detail)`; a failed job does not stop the queue.
Jobs start (`jobStarted`) and end strictly one after another, in the order submitted;
`cancel_pending` drops a job that has not started.

How a job reaches the printer is the queue's `backend`:

- "cups-pdf": the label is rendered once to a vector PDF at its page size (`LabelRenderer`,
  `printToPdf` on one reused hardened page) and that PDF goes to the CUPS queue as it is,
  through `lp` (`cups_backend.LpSubmitter`, run as a `QProcess`, so the GUI thread never
  waits for it). The printer's own CUPS driver rasterises it at its native resolution.
  While `lp` hands one label to CUPS, the next pending label is already being rendered;
  CUPS still sees one job at a time, in order. A PDF-file job (`PrintJob.pdf_path`) gets
  the same vector PDF written to its file, titled and with its copies.
- "qt-raster": `QWebEngineView.print` into a `QPrinter` at the job's dpi (Qt rasterises
  the label and its print engine spools the image). It silently drops a second call while
  one runs, so it is used one job at a time on one hidden view. The fallback where there is
  no CUPS (Windows) or no `lp`.
- "auto" (the default): "cups-pdf" where `lp` exists, else "qt-raster".

A missing printer fails its job with a message naming the printers there are, and nothing
is sent. Rendering ahead is speculative: a job rendered ahead but then cancelled, or whose
printer turned out missing, never reaches CUPS.

Calibration: `PrintJob.offset_mm = (x, y)` shifts the whole label right/down by that many
millimetres (negative: left/up) by appending a `<style>` that translates the `<html>`
element to a copy of the label. A transform moves the drawing without changing the
layout, so the page count and page size stay the same.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path

from pypdf.errors import PyPdfError
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView

from app.core.atomic_file import write_atomically
from app.core.model import PageSizeMm
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.cups_backend import (
    LpRequest,
    LpResult,
    LpSubmitter,
    find_lp,
    media_size,
    pdf_page_size_mm,
)
from app.printing.pdf_output import label_pdf_file
from app.printing.printers import PrinterNotFound, resolve_printer
from app.printing.profile import LabelPage, LabelTooLarge
from app.printing.render import LabelRenderer, RenderResult, page_layout

#: Thermal label printers are 203 dpi; used when neither the job nor the printer says.
DEFAULT_DPI = 203

BACKEND_AUTO = "auto"
BACKEND_CUPS = "cups-pdf"
BACKEND_RASTER = "qt-raster"
BACKENDS = (BACKEND_AUTO, BACKEND_CUPS, BACKEND_RASTER)

#: How a job is carried out (`route_for`): the two backends, plus a PDF file written directly.
ROUTE_CUPS = BACKEND_CUPS
ROUTE_RASTER = BACKEND_RASTER
ROUTE_PDF_FILE = "pdf-file"

LabelCheck = Callable[["PrintJob", bytes], str | None]
"""The step between rendering and spooling: the job and its rendered PDF in, None when the
label may go out, else why not (the job then ends `UNVERIFIED` and nothing is sent)."""


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


def route_for(job: PrintJob, backend: str, lp_path: str | None) -> str:
    """How `job` is printed with `backend` where `lp_path` is the `lp` command (or None).

    Raises `ValueError` when the backend asked for cannot print it (no `lp` for "cups-pdf").
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown print backend {backend!r}; choose one of {BACKENDS}")
    if backend == BACKEND_RASTER:
        return ROUTE_RASTER
    if job.pdf_path is not None:
        return ROUTE_PDF_FILE
    if lp_path:
        return ROUTE_CUPS
    if backend == BACKEND_CUPS:
        raise ValueError("printing straight to CUPS needs the `lp` command, which was not found")
    return ROUTE_RASTER


class _RenderSlot:
    """One of the queue's renderers (made on first use) and its requests in flight."""

    def __init__(self) -> None:
        self.renderer: LabelRenderer | None = None
        self.in_flight = 0
        self.generation = 0


@dataclass(eq=False)
class _Entry:
    """A job and, once rendered (possibly ahead of its turn), its PDF."""

    job: PrintJob
    rendered: RenderResult | None = None
    rendering: _RenderSlot | None = None
    dropped: bool = False


class PrintQueue(QObject):
    """Prints `PrintJob`s one at a time; see the module docstring.

    `lp_path` is the `lp` command; None looks it up (`cups_backend.find_lp`), "" means
    there is none (so "auto" falls back to "qt-raster"). `render_pages` hidden pages render
    labels side by side for the direct-PDF routes (each page has its own renderer
    process: while one lays out a label, the GUI thread finishes the other's PDF).
    """

    jobStarted = Signal(int)
    jobFinished = Signal(int, bool, str)
    jobEnded = Signal(int, object)
    """(job id, `PrintResult`) once per job, just before `jobFinished`."""

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject | None = None,
        *,
        load_timeout_s: float = 15.0,
        print_timeout_s: float = 120.0,
        backend: str = BACKEND_AUTO,
        lp_path: str | None = None,
        render_pages: int = 2,
        check: LabelCheck | None = None,
    ) -> None:
        super().__init__(parent)
        self._check = check
        if backend not in BACKENDS:
            raise ValueError(f"unknown print backend {backend!r}; choose one of {BACKENDS}")
        self._profile = profile
        self._backend = backend
        self._lp_path = (find_lp() or "") if lp_path is None else lp_path
        self._pending: deque[_Entry] = deque()
        self._current: _Entry | None = None
        self._route = ""
        self._printer_name = ""
        self._load_timeout_s = load_timeout_s
        self._load_timeout_ms = int(load_timeout_s * 1000)
        self._print_timeout_ms = int(print_timeout_s * 1000)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_timeout)
        # The direct-PDF routes: made on first use (start-up stays light).
        self._slots = [_RenderSlot() for _ in range(max(1, render_pages))]
        self._lp: LpSubmitter | None = None
        # The raster route: one hidden view, made on first use.
        self._view: QWebEngineView | None = None
        self._printer: QPrinter | None = None
        self._printing = False
        self._abandoned: list[tuple[QWebEngineView, QPrinter]] = []

    # -- public API ---------------------------------------------------------------------

    @property
    def backend(self) -> str:
        """The backend asked for: "auto", "cups-pdf" or "qt-raster" (module docstring)."""
        return self._backend

    def set_backend(self, backend: str) -> None:
        """Use `backend` from the next job that starts on."""
        if backend not in BACKENDS:
            raise ValueError(f"unknown print backend {backend!r}; choose one of {BACKENDS}")
        self._backend = backend

    @property
    def lp_path(self) -> str:
        """The `lp` command used for CUPS ("" if there is none)."""
        return self._lp_path

    def route(self, job: PrintJob) -> str:
        """How `job` would be printed now: "cups-pdf", "pdf-file" or "qt-raster"."""
        return route_for(job, self._backend, self._lp_path)

    def submit(self, job: PrintJob) -> int:
        """Queue `job`; it starts when the jobs before it have ended. Returns its id."""
        self._pending.append(_Entry(job))
        if self._current is None:
            QTimer.singleShot(0, self, self._next)
        else:
            self._render_ahead()
        return job.job_id

    def cancel_pending(self, job_id: int) -> bool:
        """Drop a job that has not started yet (ends it as failed). False if not pending."""
        for entry in self._pending:
            if entry.job.job_id == job_id:
                self._pending.remove(entry)
                entry.dropped = True
                entry.rendered = None
                self._emit_end(job_id, PrintResult(OutcomeKind.CANCELLED, "cancelled"))
                return True
        return False

    def cancel_all_pending(self) -> int:
        """Drop every job that has not started yet; returns how many were dropped."""
        dropped = list(self._pending)
        self._pending.clear()
        for entry in dropped:
            entry.dropped = True
            entry.rendered = None
            self._emit_end(entry.job.job_id, PrintResult(OutcomeKind.CANCELLED, "cancelled"))
        return len(dropped)

    def pending_count(self) -> int:
        return len(self._pending)

    def is_busy(self) -> bool:
        return self._current is not None

    def shutdown(self) -> None:
        """Drop pending jobs, stop the running one and free the views (call before the
        profile goes away)."""
        self.cancel_all_pending()
        self._watchdog.stop()
        if self._lp is not None:
            self._lp.shutdown()  # a job in `lp` ends as timed out: it may be in CUPS
        if self._current is not None and self._route != ROUTE_RASTER:
            self._finish(PrintResult(OutcomeKind.CANCELLED, "printing was stopped"))
        for slot in self._slots:
            self._drop_renderer(slot)
        if self._view is not None:
            self._view.deleteLater()
            self._view = None

    # -- one job at a time --------------------------------------------------------------

    def _next(self) -> None:
        if self._current is not None or not self._pending:
            return
        entry = self._pending.popleft()
        self._current = entry
        job = entry.job
        self.jobStarted.emit(job.job_id)
        try:
            if job.copies < 1:
                raise ValueError(f"copies must be at least 1, not {job.copies}")
            self._route = self.route(job)
            if self._route == ROUTE_RASTER:
                self._start_raster(job)
                return
            if self._route == ROUTE_CUPS:
                self._printer_name = resolve_printer(job.printer_name).printerName()
        except PrinterNotFound as exc:
            self._finish(PrintResult(OutcomeKind.NO_PRINTER, str(exc)))
            return
        except LabelTooLarge as exc:
            self._finish(PrintResult(OutcomeKind.RENDER_FAILED, str(exc)))
            return
        except ValueError as exc:
            self._finish(PrintResult(OutcomeKind.REFUSED, str(exc)))
            return
        self._watchdog.start(self._print_timeout_ms)
        if entry.rendered is not None:
            self._spool(entry)
        elif entry.rendering is None:
            self._render(entry)
        # else: rendered ahead, still on its way; `_on_rendered` spools it.
        self._render_ahead()

    def _emit_end(self, job_id: int, result: PrintResult) -> None:
        self.jobEnded.emit(job_id, result)
        self.jobFinished.emit(job_id, result.ok, result.detail)

    def _finish(self, result: PrintResult) -> None:
        entry = self._current
        self._watchdog.stop()
        self._current = None
        self._printing = False
        self._printer = None
        if self._pending:
            QTimer.singleShot(0, self, self._next)
        if entry is not None:
            entry.rendered = None
            self._emit_end(entry.job.job_id, result)

    def _on_timeout(self) -> None:
        entry = self._current
        if entry is None:
            return
        if self._route == ROUTE_RASTER:
            self._raster_timeout()
            return
        if entry.rendering is not None:
            # The renderer is stuck on this label: give it up (with whatever it had
            # queued) and carry on with a new one. Nothing was sent.
            self._drop_renderer(entry.rendering)
            self._finish(PrintResult(OutcomeKind.RENDER_FAILED, "rendering timed out"))
            return
        self._finish(PrintResult(OutcomeKind.TIMED_OUT, "printing timed out"))
        if self._lp is not None and self._lp.busy:
            self._lp.shutdown()  # its late answer belongs to no job any more

    # -- the direct-PDF routes (CUPS, PDF file) -----------------------------------------

    def _drop_renderer(self, slot: _RenderSlot) -> None:
        if slot.renderer is not None:
            slot.renderer.deleteLater()
            slot.renderer = None
        slot.generation += 1  # its late answers are ignored
        slot.in_flight = 0
        for entry in self._pending:
            if entry.rendering is slot:
                entry.rendering = None

    def _render(self, entry: _Entry) -> None:
        slot = min(self._slots, key=lambda s: s.in_flight)
        if slot.renderer is None:
            slot.renderer = LabelRenderer(self._profile, self, load_timeout_s=self._load_timeout_s)
        slot.in_flight += 1
        entry.rendering = slot
        job = entry.job
        slot.renderer.render_pdf(
            apply_offset(job.html, job.offset_mm),
            job.page_size,
            partial(self._on_rendered, entry, slot, slot.generation),
        )

    def _render_ahead(self) -> None:
        """Keep every renderer busy with the next pending labels (in order)."""
        idle = len(self._slots) - sum(slot.in_flight for slot in self._slots)
        for entry in islice(self._pending, len(self._slots)):
            if idle <= 0:
                return
            if entry.rendered is not None or entry.rendering is not None or entry.job.copies < 1:
                continue
            try:
                if self.route(entry.job) == ROUTE_RASTER:
                    continue
            except ValueError:
                continue
            self._render(entry)
            idle -= 1

    def _on_rendered(
        self, entry: _Entry, slot: _RenderSlot, generation: int, result: RenderResult
    ) -> None:
        if generation != slot.generation:
            return  # from a renderer given up on
        slot.in_flight -= 1
        entry.rendering = None
        if not entry.dropped:
            entry.rendered = result
            if entry is self._current:
                self._spool(entry)
        self._render_ahead()

    def _spool(self, entry: _Entry) -> None:
        result, entry.rendered = entry.rendered, None
        job = entry.job
        if result is None or result.pdf is None:
            detail = (result.error if result else None) or "rendering failed"
            self._finish(PrintResult(OutcomeKind.RENDER_FAILED, detail))
            return
        if self._check is not None:
            problem = self._check(job, result.pdf)
            if problem is not None:
                self._finish(PrintResult(OutcomeKind.UNVERIFIED, problem))
                return
        if self._route == ROUTE_PDF_FILE:
            assert job.pdf_path is not None
            try:
                data = label_pdf_file(
                    result.pdf, title=job.title or f"label {job.job_id}", copies=job.copies
                )
                write_atomically(job.pdf_path, data)
            except (OSError, PyPdfError, ValueError) as exc:
                detail = f"writing {job.pdf_path} failed: {exc}"
                self._finish(PrintResult(OutcomeKind.WRITE_FAILED, detail))
                return
            self._finish(
                PrintResult(
                    OutcomeKind.SPOOLED, f"sent to {job.pdf_path}", pdf_path=str(job.pdf_path)
                )
            )
            return
        if self._lp is None:
            self._lp = LpSubmitter(self._lp_path, self)
        request = LpRequest(
            printer=self._printer_name,
            title=job.title or f"label {job.job_id}",
            copies=job.copies,
            media=media_size(pdf_page_size_mm(result.pdf), job.page_size),
            dpi=job.dpi,
        )
        self._lp.submit(request, result.pdf, partial(self._on_spooled, entry))
        self._render_ahead()

    def _on_spooled(self, entry: _Entry, result: LpResult) -> None:
        if entry is not self._current:
            return  # it timed out meanwhile
        where = self._printer_name
        if result.ok:
            self._finish(PrintResult(OutcomeKind.SPOOLED, f"sent to {where} ({result.message})"))
        elif result.uncertain:
            self._finish(PrintResult(OutcomeKind.TIMED_OUT, f"{where}: {result.message}"))
        else:
            detail = f"printing to {where} failed: {result.message}"
            self._finish(PrintResult(OutcomeKind.REFUSED, detail))

    # -- the raster route (QWebEngineView.print) ----------------------------------------

    def _make_view(self) -> QWebEngineView:
        view = QWebEngineView()
        page = LabelPage(self._profile, view)
        view.setPage(page)
        page.loadFinished.connect(self._on_loaded)
        view.printFinished.connect(self._on_printed)
        return view

    def _start_raster(self, job: PrintJob) -> None:
        self._printer = self._make_printer(job)
        if self._view is not None:
            worn = self._view.page()
            if isinstance(worn, LabelPage) and worn.worn_out:
                self._abandon(self._view, None)
                self._view = None
        if self._view is None:
            self._view = self._make_view()
        page = self._view.page()
        assert isinstance(page, LabelPage)
        self._watchdog.start(self._load_timeout_ms)
        page.load_label(apply_offset(job.html, job.offset_mm))

    def _make_printer(self, job: PrintJob) -> QPrinter:
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
        if self._printer is None or self._view is None or self._route != ROUTE_RASTER:
            return
        if not ok:
            self._finish(PrintResult(OutcomeKind.RENDER_FAILED, "the label could not be loaded"))
            return
        self._printing = True
        self._watchdog.start(self._print_timeout_ms)
        self._view.print(self._printer)

    def _on_printed(self, ok: bool) -> None:
        if self._current is None or not self._printing:
            return
        job = self._current.job
        where = str(job.pdf_path) if job.pdf_path is not None else job.printer_name
        if ok:
            pdf_path = str(job.pdf_path) if job.pdf_path is not None else None
            self._finish(PrintResult(OutcomeKind.SPOOLED, f"sent to {where}", pdf_path=pdf_path))
        else:
            self._finish(PrintResult(OutcomeKind.REFUSED, f"printing to {where} failed"))

    def _raster_timeout(self) -> None:
        # The view is stuck (some markup never finishes loading) or still busy printing and
        # would drop the next print: give it up and carry on with a new one. A printer that
        # may still be in use lives until its view reports back.
        if self._printing:
            result = PrintResult(OutcomeKind.TIMED_OUT, "printing timed out")
        else:
            seconds = self._load_timeout_ms / 1000
            detail = f"the label did not finish loading within {seconds:g} s"
            result = PrintResult(OutcomeKind.RENDER_FAILED, detail)
        if self._view is not None:
            self._abandon(self._view, self._printer if self._printing else None)
            self._view = None
        self._finish(result)

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
