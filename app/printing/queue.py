"""The print queue: orders and supervises jobs, one label at a time, whatever the route.

Every submitted job ends exactly once with `jobEnded(job_id, PrintResult)` — its typed
outcome (`app.core.print_outcome`: spooled, refused before acceptance, timed out, render
failed, unverified, no such printer, write failed, cancelled) — and, for callers that only
need yes or no, `jobFinished(job_id, ok, detail)`; a failed job does not stop the queue.
Jobs start (`jobStarted`) and end strictly one after another, in the order submitted;
`cancel_pending` drops a job that has not started.

How a job reaches paper is a route (`app.printing.routes`), chosen per job by `route_for`
(`app.printing.print_job`) from the queue's `backend`:

- "cups-pdf": the label is rendered once to a vector PDF at its page size and `CupsRoute`
  hands that PDF to CUPS — to this machine's own scheduler as one IPP Print-Job
  (`ipp_submit`, no process per label), else with `lp`; the printer's own driver
  rasterises it. While one label is handed to CUPS, the next pending labels are already
  being rendered (on `render_pages` hidden pages); CUPS still sees one job at a time, in
  order. A PDF-file job (`PrintJob.pdf_path`) gets the same vector PDF written by
  `PdfFileRoute`.
- "qt-raster": `RasterRoute` has Qt print the label into a `QPrinter` at the job's dpi. The
  fallback where there is no CUPS (Windows) or no `lp`.
- "auto" (the default): "cups-pdf" where `lp` exists, else "qt-raster".

Between rendering and delivering, the queue runs its `LabelCheck` (by default
`verify_job`: the label verification its job asks for): a label that fails it ends
`UNVERIFIED` and is never sent to a printer (a PDF file is still written, for the packer
to look at), unless the job allows unverified labels ("Print anyway") — then it goes out
and its outcome says so; a page of absurd size never goes out. A verified label's
outcome says "verified". The raster route renders for itself, but a job that asks for
verification is first rendered to a vector PDF like the others (the same label in the
same cage), moved and checked, and only a label that passes (or is allowed) is then
printed by `RasterRoute` — that very PDF, rasterised at the job's dpi. A missing printer
ends its job `NO_PRINTER` and nothing is sent.

The calibration offset (`pdf_shift`), the check and the writing of a PDF file (and the
raster route's painting) run through the queue's `offload`
(`app.printing.offload`): in the window on a worker thread, so the GUI thread only starts
renders and hands bytes along while a long run prints; one check at a time (pdfium is not
thread-safe), and an answer for a job that has ended meanwhile (timed out, stopped) is
dropped. A label's check starts as soon as it is rendered, ahead of its turn too, so
verifying one label overlaps with rendering the next and spooling the one before.
Rendering ahead is speculative: a job rendered ahead but then cancelled, or whose printer
turned out missing, never reaches CUPS. A job of the direct-PDF routes that takes longer
than `print_timeout_s` ends `RENDER_FAILED` while it is still rendering (nothing was
sent), else `TIMED_OUT` (it may be in CUPS).

Rendering and checking labels ahead is `app.printing.label_prep.LabelPrep`'s job; this
module owns the order, the routes and each job's one outcome.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWebEngineCore import QWebEngineProfile

from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.cups_backend import find_lp
from app.printing.ipp_submit import local_ipp_server
from app.printing.label_prep import LabelPrep, QueuedLabel
from app.printing.offload import Offload, run_inline
from app.printing.pdf_shift import PdfShiftError
from app.printing.print_job import BACKEND_AUTO as BACKEND_AUTO
from app.printing.print_job import BACKEND_CUPS as BACKEND_CUPS
from app.printing.print_job import BACKEND_RASTER as BACKEND_RASTER
from app.printing.print_job import BACKENDS as BACKENDS
from app.printing.print_job import DEFAULT_DPI as DEFAULT_DPI
from app.printing.print_job import ROUTE_CUPS as ROUTE_CUPS
from app.printing.print_job import ROUTE_PDF_FILE as ROUTE_PDF_FILE
from app.printing.print_job import ROUTE_RASTER as ROUTE_RASTER
from app.printing.print_job import CheckFailure, verify_job
from app.printing.print_job import LabelCheck as LabelCheck
from app.printing.print_job import PrintJob as PrintJob
from app.printing.print_job import choose_resolution as choose_resolution
from app.printing.print_job import route_for as route_for
from app.printing.printers import PrinterNotFound
from app.printing.profile import LabelTooLarge
from app.printing.routes import CupsRoute, PdfFileRoute, RasterRoute, Snapshot


class PrintQueue(QObject):
    """Prints `PrintJob`s one at a time; see the module docstring.

    `lp_path` is the `lp` command; None looks it up (`cups_backend.find_lp`), "" means
    there is none (so "auto" falls back to "qt-raster"). `ipp_server` is where labels are
    spooled over IPP instead of with `lp` (`ipp_submit`): None means this machine's own
    scheduler when `lp` was looked up (`local_ipp_server`), "" always `lp` — a given
    `lp_path` is a stand-in that spools every label itself. `render_pages` hidden pages render
    labels side by side for the direct-PDF routes (each page has its own renderer
    process: while one lays out a label, the GUI thread finishes the other's PDF).
    `offload` runs the label check, PDF-file writing and the raster route's painting
    (default: at once, on this thread).
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
        ipp_server: str | None = None,
        render_pages: int = 2,
        check: LabelCheck | None = None,
        offload: Offload = run_inline,
    ) -> None:
        super().__init__(parent)
        if backend not in BACKENDS:
            raise ValueError(f"unknown print backend {backend!r}; choose one of {BACKENDS}")
        self._profile = profile
        self._backend = backend
        self._lp_path = (find_lp() or "") if lp_path is None else lp_path
        if ipp_server is None:
            ipp_server = (local_ipp_server() or "") if lp_path is None else ""
        self._pending: deque[QueuedLabel] = deque()
        self._current: QueuedLabel | None = None
        self._last_job_id = 0
        self._route = ""
        self._printer_name = ""
        self._print_timeout_ms = int(print_timeout_s * 1000)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_timeout)
        # The direct-PDF routes' labels are rendered and checked ahead by `LabelPrep`.
        self._prep = LabelPrep(
            profile,
            self,
            self._pending,
            render_pages=render_pages,
            load_timeout_s=load_timeout_s,
            check=check or verify_job,
            offload=offload,
            skip=self._renders_itself,
            ready=self._on_ready,
        )
        self._cups = CupsRoute(self._lp_path, self, ipp_server=ipp_server, offload=offload)
        self._pdf_file = PdfFileRoute(offload)
        self._raster = RasterRoute(
            profile,
            self,
            load_timeout_s=load_timeout_s,
            print_timeout_s=print_timeout_s,
            offload=offload,
        )

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

    def use_printer_snapshot(self, snapshot: Snapshot | None) -> None:
        """Check each CUPS job's printer against `snapshot()` (the window's list of
        printers, taken off the GUI thread) instead of asking CUPS on this thread; None:
        ask again (`routes.CupsRoute`)."""
        self._cups.use_snapshot(snapshot)

    def new_job_id(self) -> int:
        """A job id no other job of this queue has: callers sharing the queue (two
        windows' print services, say) tell their jobs' ends apart by it."""
        self._last_job_id += 1
        return self._last_job_id

    def submit(self, job: PrintJob) -> int:
        """Queue `job`; it starts when the jobs before it have ended. Returns its id."""
        self._pending.append(QueuedLabel(job))
        if self._current is None:
            QTimer.singleShot(0, self, self._next)
        else:
            self._prep.render_ahead()
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
        self._cups.shutdown()  # a job in `lp` ends as timed out: it may be in CUPS
        if self._current is not None and not (self._route == ROUTE_RASTER and self._raster.busy):
            self._finish(PrintResult(OutcomeKind.CANCELLED, "printing was stopped"))
        self._prep.shutdown()
        self._raster.shutdown()

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
            if self._route == ROUTE_RASTER and job.verify is None:
                self._raster.start(job, partial(self._on_delivered, entry, ""))
                return
            if self._route == ROUTE_CUPS or (self._route == ROUTE_RASTER and not job.pdf_path):
                self._printer_name = self._cups.printer_for(job)
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
            self._prep.render(entry)
        # else: rendered ahead, still on its way; `_on_ready` spools it.
        self._prep.render_ahead()

    def _emit_end(self, job_id: int, result: PrintResult) -> None:
        self.jobEnded.emit(job_id, result)
        self.jobFinished.emit(job_id, result.ok, result.detail)

    def _finish(self, result: PrintResult) -> None:
        entry = self._current
        self._watchdog.stop()
        self._current = None
        if self._pending:
            QTimer.singleShot(0, self, self._next)
        if entry is not None:
            entry.rendered = None
            self._emit_end(entry.job.job_id, result)

    def _on_timeout(self) -> None:
        entry = self._current
        if entry is None:
            return
        if entry.rendering is not None:
            # The renderer is stuck on this label: give it up (with whatever it had
            # queued) and carry on with a new one. Nothing was sent.
            self._prep.drop_renderer(entry.rendering)
            self._finish(PrintResult(OutcomeKind.RENDER_FAILED, "rendering timed out"))
            return
        self._finish(PrintResult(OutcomeKind.TIMED_OUT, "printing timed out"))
        if self._cups.busy:
            self._cups.shutdown()  # its late answer belongs to no job any more

    # -- the direct-PDF routes (CUPS, PDF file) -----------------------------------------

    def _renders_itself(self, job: PrintJob) -> bool:
        """True for a job the raster route renders for itself (no check asked for)."""
        return self.route(job) == ROUTE_RASTER and job.verify is None

    def _on_ready(self, entry: QueuedLabel) -> None:
        """A label was rendered or checked: spool it if it is its turn."""
        if entry is self._current and entry.rendered is not None:
            self._spool(entry)

    def _spool(self, entry: QueuedLabel) -> None:
        result = entry.rendered
        if result is None or result.pdf is None:
            entry.rendered = None
            detail = (result.error if result else None) or "rendering failed"
            self._finish(PrintResult(OutcomeKind.RENDER_FAILED, detail))
            return
        if isinstance(entry.check_error, PdfShiftError):  # the offset could not be applied
            entry.rendered = None
            self._finish(PrintResult(OutcomeKind.RENDER_FAILED, str(entry.check_error)))
            return
        if entry.check_error is not None:
            entry.rendered = None
            detail = f"the label check failed: {entry.check_error}"
            self._finish(PrintResult(OutcomeKind.UNVERIFIED, detail))
            return
        if entry.checked is None:
            self._prep.start_check(entry)
            return  # `_on_checked` spools it
        entry.rendered = None
        self._deliver(entry, result.pdf, entry.checked[0])

    def _deliver(self, entry: QueuedLabel, pdf: bytes, failure: CheckFailure | None) -> None:
        job = entry.job
        note = "verified" if job.verify is not None else ""
        if failure is not None:
            if self._route == ROUTE_PDF_FILE and not job.allow_unverified:
                # Written all the same, for the packer to look at; it still counts as
                # unverified.
                self._pdf_file.deliver(job, pdf, partial(self._unverified, entry, failure))
                return
            if not (job.allow_unverified and failure.forcible):
                self._finish(PrintResult(OutcomeKind.UNVERIFIED, failure.reason))
                return
            note = f"printed anyway, not verified: {failure.reason}"
        done = partial(self._on_delivered, entry, note)
        if self._route == ROUTE_RASTER:
            self._watchdog.stop()  # the raster route keeps its own load and print time
            try:
                self._raster.print_pdf(job, pdf, done)  # the label just verified
            except PrinterNotFound as exc:
                self._finish(PrintResult(OutcomeKind.NO_PRINTER, str(exc)))
            return
        if self._route == ROUTE_PDF_FILE:
            self._pdf_file.deliver(job, pdf, done)
            return
        self._cups.deliver(job, pdf, self._printer_name, done)
        self._prep.render_ahead()

    def _on_delivered(self, entry: QueuedLabel, note: str, result: PrintResult) -> None:
        if entry is not self._current:
            return  # it timed out meanwhile
        if note and result.ok:
            result = replace(result, detail=f"{result.detail}; {note}" if result.detail else note)
        self._finish(result)

    def _unverified(self, entry: QueuedLabel, failure: CheckFailure, written: PrintResult) -> None:
        if entry is not self._current:
            return
        if not written.ok:
            self._finish(written)
            return
        self._finish(PrintResult(OutcomeKind.UNVERIFIED, failure.reason, pdf_path=written.pdf_path))
