"""Label output for the command line: PDF files and printers as blocking `LabelSink`s.

Qt (a headless `QApplication` and the hardened label profile) is only started when the
first label goes out, or when a printer name has to be checked, so a plain `fetch --json`
stays a pure-Python command.

- `PdfSink` renders with `LabelRenderer` and writes `<folder>/<pdf_name(waybill id)>`
  atomically: a temporary `.<name>.part` file, fsync, rename, fsync of the folder. A
  complete file therefore exists exactly when the label was written, which is what
  `BatchRun` relies on to settle a write interrupted by a crash. Leftover `.part` files
  of a killed run are removed when the sink starts.
- `PrinterSink` checks the printer with `resolve_printer` (a missing printer is a
  `LabelOutputError` before anything is sent) and prints one label at a time through the
  `PrintQueue`, waiting for each job's `jobFinished`.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path
from typing import Any

from app.core.atomic_file import write_atomically
from app.core.batch_run import TARGET_PDF, TARGET_PRINTER, OutputResult
from app.core.model import Waybill
from app.wiring.qt_environment import prepare_headless

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_PART_SUFFIX = ".part"


class LabelOutputError(Exception):
    """Labels cannot be put out at all (a folder that cannot be made, an unknown printer)."""


def pdf_name(waybill_id: str) -> str:
    """`<waybill_id>.pdf`, safe on any file system and the same for the same waybill.

    An id that had to be changed to be safe gets a short hash of the original, so two
    different waybills never share a file.
    """
    stem = _UNSAFE_NAME.sub("_", waybill_id).strip("._")[:150] or "waybill"
    if stem != waybill_id:
        stem += "-" + hashlib.sha256(waybill_id.encode("utf-8")).hexdigest()[:8]
    return f"{stem}.pdf"


class QtSession:
    """The application and label profile every sink of one command shares (started lazily)."""

    def __init__(self) -> None:
        self.app: Any = None
        self.profile: Any = None

    @property
    def started(self) -> bool:
        return self.profile is not None

    def start(self) -> Any:
        if self.profile is None:
            prepare_headless()
            from PySide6.QtWidgets import QApplication

            from app.printing.profile import make_label_profile

            self.app = QApplication.instance() or QApplication(["waybill-printer"])
            self.profile = make_label_profile()
        return self.profile

    def dispose(self, *objects: Any) -> None:
        """Delete pages before their profile, or QtWebEngine crashes on exit."""
        if self.app is None:
            return
        from PySide6.QtCore import QCoreApplication, QEvent

        for obj in objects:
            if obj is not None:
                obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def close(self) -> None:
        """Delete the profile (after every sink closed) and let go of the application."""
        profile, self.profile = self.profile, None
        self.dispose(profile)
        self.app = None


class PdfSink:
    """Writes each label as one PDF file at its own page size (see the module docstring)."""

    target = TARGET_PDF

    def __init__(self, directory: Path, qt: QtSession | None = None) -> None:
        self._directory = Path(directory).resolve()
        self._qt = qt or QtSession()
        self._renderer: Any = None

    @property
    def name(self) -> str:
        return str(self._directory)

    @property
    def directory(self) -> Path:
        return self._directory

    def prepare(self) -> None:
        """Create the folder and remove temporary files a killed run left behind."""
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LabelOutputError(f"cannot create {self._directory}: {exc.strerror}") from exc
        for stale in self._directory.glob(f".*.pdf*{_PART_SUFFIX}"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def path_for(self, waybill: Waybill) -> Path:
        return self._directory / pdf_name(waybill.waybill_id or waybill.ref.order_id)

    def finished_file(self, waybill: Waybill) -> str | None:
        path = self.path_for(waybill)
        return str(path) if path.is_file() else None

    def output(self, waybill: Waybill, *, copies: int = 1) -> OutputResult:
        if waybill.html is None:
            return OutputResult(False, "no label to write")
        from app.printing.render import LabelRenderer, RenderError

        if self._renderer is None:
            self._renderer = LabelRenderer(self._qt.start())
        try:
            pdf = self._renderer.render_pdf_blocking(waybill.html, waybill.page_size)
        except RenderError as exc:
            return OutputResult(False, f"the label could not be rendered: {exc}")
        path = self.path_for(waybill)
        try:
            _write_atomically(path, pdf)
        except OSError as exc:
            return OutputResult(False, f"cannot write {path}: {exc.strerror or exc}")
        return OutputResult(True, f"written to {path}", str(path))

    def close(self) -> None:
        renderer, self._renderer = self._renderer, None
        self._qt.dispose(renderer)


def _write_atomically(path: Path, data: bytes) -> None:
    write_atomically(path, data, temp_suffix=_PART_SUFFIX)


class PrinterSink:
    """Prints each label on one checked printer through the one-at-a-time queue."""

    target = TARGET_PRINTER

    def __init__(
        self,
        printer: str,
        *,
        dpi: int | None = None,
        offset_mm: tuple[float, float] = (0.0, 0.0),
        qt: QtSession | None = None,
    ) -> None:
        self._printer = printer
        self._dpi = dpi
        self._offset_mm = offset_mm
        self._qt = qt or QtSession()
        self._queue: Any = None
        self._next_id = 0

    @property
    def name(self) -> str:
        return self._printer

    def prepare(self) -> None:
        """Check that the printer exists; raises `LabelOutputError` (listing those that do)."""
        self._qt.start()
        from app.printing.printers import PrinterNotFound, resolve_printer

        try:
            resolve_printer(self._printer)
        except PrinterNotFound as exc:
            raise LabelOutputError(str(exc)) from exc

    def finished_file(self, waybill: Waybill) -> str | None:
        return None

    def output(self, waybill: Waybill, *, copies: int = 1) -> OutputResult:
        if waybill.html is None:
            return OutputResult(False, "no label to print")
        from PySide6.QtCore import QEventLoop

        from app.printing.queue import PrintJob, PrintQueue

        if self._queue is None:
            self._queue = PrintQueue(self._qt.start())
        self._next_id += 1
        job = PrintJob(
            job_id=self._next_id,
            html=waybill.html,
            page_size=waybill.page_size,
            printer_name=self._printer,
            copies=copies,
            dpi=self._dpi,
            title=waybill.waybill_id or waybill.ref.order_id,
            offset_mm=self._offset_mm,
        )
        outcome: list[tuple[bool, str]] = []
        loop = QEventLoop()

        def finished(job_id: int, ok: bool, message: str) -> None:
            if job_id == job.job_id:
                outcome.append((ok, message))
                loop.quit()

        self._queue.jobFinished.connect(finished)
        try:
            self._queue.submit(job)
            if not outcome:
                loop.exec()
        finally:
            self._queue.jobFinished.disconnect(finished)
        ok, message = outcome[0]
        return OutputResult(ok, message)

    def close(self) -> None:
        queue, self._queue = self._queue, None
        if queue is not None:
            queue.shutdown()
        self._qt.dispose(queue)
