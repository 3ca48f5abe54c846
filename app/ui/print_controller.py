"""Turning ready rows into print jobs and following them to printed or failed.

`PrintController.print_keys` checks each row (a cancelled waybill is never printed, and
the packer is told why), resolves the printer once per request — the configured printer,
else the system default; or, when a PDF folder is given (the demo, tests), one PDF file per
label in that folder — and submits one `PrintJob` per label to the `PrintQueue`, which
prints them one at a time at the label's page size with zero margins. `jobFinished`
moves the row to printed, or back to ready with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.core.model import PageSizeMm, Waybill
from app.core.settings import Settings
from app.printing.printers import PrinterNotFound, default_printer_name, resolve_printer
from app.printing.queue import PrintJob, PrintQueue
from app.ui.queue_model import Key, OrderQueueModel, RowState
from app.ui.scan_bar import Feedback

_NAMED_SIZES = {"A4": PageSizeMm(210.0, 297.0), "A5": PageSizeMm(148.0, 210.0)}
_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def page_size_for(waybill: Waybill, settings: Settings) -> PageSizeMm | None:
    """The label's own page size, else the configured label size (None: automatic)."""
    if waybill.page_size is not None:
        return waybill.page_size
    size: PageSizeMm | None
    if settings.label_size == "custom":
        size = PageSizeMm(settings.custom_width_mm, settings.custom_height_mm)
    elif settings.label_size in _NAMED_SIZES:
        size = _NAMED_SIZES[settings.label_size]
    else:
        match = _SIZE_RE.match(settings.label_size)
        size = PageSizeMm(float(match[1]), float(match[2])) if match else None
    if size is not None and settings.orientation == "landscape":
        size = PageSizeMm(size.height, size.width)
    return size


def pdf_file_for(folder: Path, name: str) -> Path:
    """A new file in `folder` named after `name` (made safe), never overwriting one."""
    stem = _UNSAFE_FILE_CHARS.sub("_", name).strip("._") or "label"
    path = folder / f"{stem}.pdf"
    counter = 2
    while path.exists():
        path = folder / f"{stem}-{counter}.pdf"
        counter += 1
    return path


class NoPrinter(Exception):
    """There is no printer to print on; the message says what to do."""


@dataclass
class PrintRequestResult:
    """What one Print request did: jobs submitted and rows refused with the reason."""

    submitted: int = 0
    target: str = ""
    refused: list[tuple[Key, str]] = field(default_factory=list)
    cancelled_skipped: int = 0


class PrintController(QObject):
    """Submits ready rows to the print queue and tracks their jobs."""

    jobEnded = Signal(object, bool, str)
    """(row key, printed ok, message) for every job that ended."""

    def __init__(
        self,
        model: OrderQueueModel,
        queue: PrintQueue,
        settings: Settings,
        parent: QObject | None = None,
        *,
        pdf_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._queue = queue
        self._settings = settings
        self._pdf_dir = pdf_dir
        self._jobs: dict[int, tuple[Key, str]] = {}
        self._next_id = 1
        queue.jobFinished.connect(self._on_job_finished)

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet ended."""
        return len(self._jobs)

    def set_settings(self, settings: Settings) -> None:
        self._settings = settings

    def target_name(self) -> str:
        """Where labels go: the printer's name or the PDF folder. Raises `NoPrinter`."""
        if self._pdf_dir is not None:
            return str(self._pdf_dir)
        name = self._settings.printer_name or default_printer_name() or ""
        if not name:
            raise NoPrinter(self.tr("No printer is set up. Choose the label printer in Settings."))
        try:
            return resolve_printer(name).printerName()
        except PrinterNotFound as exc:
            available = ", ".join(exc.available) or self.tr("none")
            raise NoPrinter(
                self.tr(
                    "The printer “{0}” is not available (available: {1}). "
                    "Check that it is switched on, or choose another one in Settings."
                ).format(name, available)
            ) from exc

    def print_keys(self, keys: Iterable[Key], *, reprint: bool = False) -> PrintRequestResult:
        """Print these rows. Ready rows print; printed rows only with `reprint`.

        Raises `NoPrinter` (nothing is submitted then).
        """
        result = PrintRequestResult()
        chosen: list[tuple[Key, Waybill]] = []
        for key in keys:
            position = self._model.row_for_key(key)
            if position is None:
                continue
            row = self._model.row_at(position)
            reason = self._refusal(row.state, reprint)
            if row.state is RowState.CANCELLED:
                result.cancelled_skipped += 1
            if reason is None and (row.waybill is None or not row.waybill.printable):
                reason = self.tr("there is no printable label")
            if reason is not None:
                result.refused.append((key, reason))
            elif row.waybill is not None:
                chosen.append((key, row.waybill))
        if not chosen:
            return result
        result.target = self.target_name()
        for key, waybill in chosen:
            self._submit(key, waybill, result.target)
            result.submitted += 1
        return result

    def describe(self, result: PrintRequestResult, *, explain: bool) -> tuple[str, Feedback]:
        """What to tell the packer about a print request, and in which tone.

        With `explain` (the packer chose the rows) the first refused row and its reason
        are named; Print all only mentions how many cancelled waybills it left out.
        """
        if explain and result.refused:
            key, reason = result.refused[0]
            text = self.tr("Not printed: {0} — {1}").format(key[0], reason)
            if len(result.refused) > 1:
                text += " " + self.tr("(and %n more)", "", len(result.refused) - 1)
            if not result.submitted:
                return text, Feedback.ERROR
            printing = self.tr("Printing %n label(s).", "", result.submitted)
            return f"{printing} {text}", Feedback.WARNING
        text = self.tr("Printing %n label(s) on {0}.", "", result.submitted).format(result.target)
        if result.cancelled_skipped:
            text += " " + self.tr(
                "%n cancelled waybill(s) not printed.", "", result.cancelled_skipped
            )
        return text, Feedback.OK

    def _refusal(self, state: RowState, reprint: bool) -> str | None:
        if state is RowState.READY or (reprint and state is RowState.PRINTED):
            return None
        if state is RowState.CANCELLED:
            return self.tr("the waybill was cancelled — it must not be printed or used")
        if state is RowState.PRINTING:
            return self.tr("it is already being printed")
        if state is RowState.PRINTED:
            return self.tr("it was printed already")
        if state is RowState.ERROR:
            return self.tr("it has no label (see the message), fetch it again")
        return self.tr("it has not been fetched yet — press Fetch first")

    def _submit(self, key: Key, waybill: Waybill, target: str) -> None:
        settings = self._settings
        job_id = self._next_id
        self._next_id += 1
        title = waybill.waybill_id or waybill.ref.order_id
        pdf_path = pdf_file_for(self._pdf_dir, title) if self._pdf_dir is not None else None
        if pdf_path is not None:
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
        job = PrintJob(
            job_id=job_id,
            html=waybill.html or "",
            page_size=page_size_for(waybill, settings),
            printer_name=target,
            copies=settings.copies,
            dpi=settings.dpi or None,
            title=title,
            pdf_path=pdf_path,
            offset_mm=(settings.offset_x_mm, settings.offset_y_mm),
        )
        where = str(pdf_path) if pdf_path is not None else target
        self._jobs[job_id] = (key, where)
        self._model.mark_printing(key)
        self._queue.submit(job)

    def _on_job_finished(self, job_id: int, ok: bool, message: str) -> None:
        entry = self._jobs.pop(job_id, None)
        if entry is None:
            return  # someone else's job on a shared queue
        key, where = entry
        if ok:
            self._model.mark_printed(key, where)
        else:
            self._model.mark_print_failed(key, message)
        self.jobEnded.emit(key, ok, message)
