"""A print job and the pure decisions about it: which route prints it, its offset, its dpi.

`PrintJob` is one label to print (built from a waybill and the settings by
`page_setup.job_for`). `route_for` chooses how it is carried out — the vector PDF straight
to CUPS, Qt's raster print, or a PDF file — from the backend asked for and whether `lp`
exists. No Qt objects are made here.

Calibration: `PrintJob.offset_mm = (x, y)` shifts the whole label right/down by that many
millimetres (negative: left/up). The label renders at its own size and then its PDF's
drawing is moved (`pdf_shift`, by the queue and the raster route): the layout, the scale,
the page count and the page size stay the same, and what moves past an edge is cut off,
as on paper. Verification sees the moved label, so one moved off its page is caught.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtPrintSupport import QPrinterInfo

from app.core.model import PageSizeMm
from app.printing.render import RenderResult
from app.printing.verify import ProblemKind, VerifyPolicy, verify_label

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
    pdf_in_folder: bool = False
    """`pdf_path` is a folder: the file is named in it after the job where it is written
    (`pdf_files`, off the GUI thread), never overwriting one."""
    offset_mm: tuple[float, float] = (0.0, 0.0)
    waybill_id: str | None = None
    """The id the barcode must read (None: any readable barcode will do)."""
    verify: VerifyPolicy | None = None
    """How the rendered label is verified before it goes out (None: not at all)."""
    allow_unverified: bool = False
    """The packer confirmed "Print anyway" (or `--allow-unverified`): a label that fails
    verification still goes out — unless its page size is absurd, which never does."""

    @property
    def name(self) -> str:
        """The spooler's job name (and the PDF's title)."""
        return self.title or f"label {self.job_id}"


@dataclass(frozen=True)
class CheckFailure:
    """Why a rendered label may not go out; `forcible` if "Print anyway" may override it."""

    reason: str
    forcible: bool = True


LabelCheck = Callable[[PrintJob, "RenderResult"], CheckFailure | None]
"""The step between rendering and spooling: the job and its render in, None when the
label may go out, else why not (the job then ends `UNVERIFIED` and nothing is sent;
a PDF file is still written, for inspection). The queue's default is `verify_job`."""


def verify_job(job: PrintJob, rendered: RenderResult) -> CheckFailure | None:
    """Verify the rendered label as `job.verify` says (`app.printing.verify`)."""
    if job.verify is None or rendered.pdf is None:
        return None
    policy = job.verify if not job.dpi else replace(job.verify, dpi=job.dpi)
    result = verify_label(
        rendered.pdf, job.waybill_id, policy=policy, blocked_hosts=rendered.blocked_hosts
    )
    if result.ok:
        return None
    absurd = result.has(ProblemKind.PAGE_SIZE) or result.has(ProblemKind.UNREADABLE)
    return CheckFailure(result.reason, forcible=not absurd)


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
