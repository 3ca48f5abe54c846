"""Exporting labels as PDF files: one file per label, or one combined multi-page file.

Each label is rendered on its own with `LabelRenderer.render_pdf`, so every page keeps its
label's own size (the label's `@page`, else the configured size — `page_setup.page_size_for`).
The combined file is made by appending those single-label PDFs page by page with `pypdf`
(labels are whole HTML documents with page-wide CSS, so they cannot safely share one
document; Chromium's named `@page`s would give the sizes but not the isolation).

`PdfExport.start` is asynchronous and must run on the GUI thread; it ends with exactly one
`finished(ExportResult)`. A label that fails to render is reported and left out. Merging
and writing the files is handed to an `Offload` (`app.printing.offload`; the window's
background helper), so the GUI thread never waits on pypdf or the disk. Files are written
atomically (temp file, then rename): one file per label takes a free name in the folder
and never replaces an existing file (`app.core.atomic_file.write_new_file`); the combined
file is the one the packer chose in the save dialog (which asked before replacing it).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pypdf
from pypdf.errors import PyPdfError
from PySide6.QtCore import QObject, Signal

from app.core.atomic_file import write_atomically, write_new_file
from app.core.model import PageSizeMm
from app.printing.offload import Offload, run_inline
from app.printing.page_setup import pdf_file_names
from app.printing.render import LabelRenderer, RenderResult


@dataclass(frozen=True)
class ExportLabel:
    """One label to export: its name (the waybill id), HTML and page size."""

    name: str
    html: str
    page_size: PageSizeMm | None


@dataclass
class ExportResult:
    """What an export wrote, and which labels it could not render (name, reason)."""

    files: list[Path] = field(default_factory=list)
    pages: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    """Set when nothing could be written at all (e.g. the folder is not writable)."""

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed


def merge_pdfs(documents: Sequence[bytes]) -> bytes:
    """One PDF holding every page of `documents`, in order, each page at its own size."""
    writer = pypdf.PdfWriter()
    for data in documents:
        writer.append(pypdf.PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class PdfExport(QObject):
    """Renders labels one after another and writes them as PDF files."""

    finished = Signal(object)
    """The export ended: an `ExportResult`."""

    def __init__(
        self,
        renderer: LabelRenderer,
        parent: QObject | None = None,
        *,
        offload: Offload = run_inline,
    ) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self._offload = offload
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def start(
        self,
        labels: Sequence[ExportLabel],
        *,
        folder: Path | None = None,
        combined: Path | None = None,
    ) -> bool:
        """Export `labels` as one file each into `folder`, or all into the file `combined`.

        False (and nothing happens) if an export is running or there is nothing to do.
        """
        if self._running or not labels or (folder is None) == (combined is None):
            return False
        self._running = True
        rendered: list[tuple[ExportLabel, bytes]] = []
        result = ExportResult()
        remaining = len(labels)

        def done_one(label: ExportLabel, outcome: RenderResult) -> None:
            nonlocal remaining
            if outcome.pdf is not None:
                rendered.append((label, outcome.pdf))
            else:
                result.failed.append((label.name, outcome.error or "rendering failed"))
            remaining -= 1
            if remaining == 0:
                order = {id(label): n for n, label in enumerate(labels)}
                rendered.sort(key=lambda item: order[id(item[0])])
                self._write(rendered, result, folder, combined)

        for label in labels:
            self._renderer.render_pdf(label.html, label.page_size, partial(done_one, label))
        return True

    def _write(
        self,
        rendered: list[tuple[ExportLabel, bytes]],
        result: ExportResult,
        folder: Path | None,
        combined: Path | None,
    ) -> None:
        """Merge and write through the offload; `finished` once back on this thread."""

        def write() -> ExportResult:
            try:
                if combined is not None and rendered:
                    merged = merge_pdfs([pdf for _label, pdf in rendered])
                    write_atomically(combined, merged)
                    result.files.append(combined)
                    result.pages = len(rendered)
                elif folder is not None:
                    for label, pdf in rendered:
                        path = write_new_file(folder, pdf_file_names(label.name), pdf)
                        result.files.append(path)
                        result.pages += 1
            except (OSError, PyPdfError) as exc:
                result.error = str(exc)
            return result

        def failed(exc: BaseException) -> None:
            result.error = str(exc) or type(exc).__name__
            done(result)

        def done(_result: object) -> None:
            self._running = False
            self.finished.emit(result)

        self._offload(write, done, failed)
