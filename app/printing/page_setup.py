"""Page setup: turning a waybill plus the station's settings into one `PrintJob`.

The label's own page size (its CSS `@page { size: … }`, read when the waybill was decoded)
always wins; a label that names none prints at the configured `label_size` preset
(`auto` leaves it to the renderer's default, 100 × 150 mm), turned for `landscape`.
`dpi` 0 leaves the resolution to the printer (`queue.choose_resolution`); copies and the
calibration offset come straight from the settings. Pure functions, no Qt objects made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from app.core.labels import page_size_from_css
from app.core.model import PageSizeMm, Waybill
from app.core.settings import Settings
from app.printing.print_job import DEFAULT_DPI, PrintJob
from app.printing.verify import VerifyPolicy

NAMED_SIZES = {"A4": PageSizeMm(210.0, 297.0), "A5": PageSizeMm(148.0, 210.0)}
_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def configured_size(settings: Settings) -> PageSizeMm | None:
    """The size the settings ask for labels without their own (None: automatic)."""
    size: PageSizeMm | None
    if settings.label_size == "custom":
        size = PageSizeMm(settings.custom_width_mm, settings.custom_height_mm)
    elif settings.label_size in NAMED_SIZES:
        size = NAMED_SIZES[settings.label_size]
    else:
        match = _SIZE_RE.match(settings.label_size)
        size = PageSizeMm(float(match[1]), float(match[2])) if match else None
    if size is not None and settings.orientation == "landscape":
        size = PageSizeMm(size.height, size.width)
    return size


def page_size_for(waybill: Waybill, settings: Settings) -> PageSizeMm | None:
    """The label's own page size, else the configured label size (None: automatic)."""
    if waybill.page_size is not None:
        return waybill.page_size
    own = page_size_from_css(waybill.html) if waybill.html else None
    return own if own is not None else configured_size(settings)


def verify_policy(settings: Settings) -> VerifyPolicy:
    """How labels are verified at this station: at its print resolution (203 dpi when
    the printer decides), one page unless multi-page labels are allowed."""
    return VerifyPolicy(
        dpi=settings.dpi or DEFAULT_DPI, allow_multi_page=settings.multi_page_labels
    )


def job_title(waybill: Waybill) -> str:
    """The spooler's job name (and PDF file stem): the waybill id, else the order id."""
    return waybill.waybill_id or waybill.ref.order_id


def job_for(
    waybill: Waybill,
    settings: Settings,
    printer: str,
    *,
    job_id: int = 0,
    pdf_path: Path | None = None,
    pdf_in_folder: bool = False,
    allow_unverified: bool = False,
) -> PrintJob:
    """The job that prints `waybill` on `printer` (or into `pdf_path`: a file, or with
    `pdf_in_folder` a folder the file is named in when it is written) as configured.

    `printer` should be a name `printers.resolve_printer` accepted; the queue checks it
    again when the job starts, so a printer that went away meanwhile fails the job.
    Raises `ValueError` for a waybill without a printable label.
    """
    if not waybill.printable or not waybill.html:
        raise ValueError(f"{job_title(waybill)} has no printable label")
    return PrintJob(
        job_id=job_id,
        html=waybill.html,
        page_size=page_size_for(waybill, settings),
        printer_name=printer,
        copies=settings.copies,
        dpi=settings.dpi or None,
        title=job_title(waybill),
        pdf_path=pdf_path,
        pdf_in_folder=pdf_in_folder,
        offset_mm=(settings.offset_x_mm, settings.offset_y_mm),
        waybill_id=waybill.waybill_id or None,
        verify=verify_policy(settings),
        allow_unverified=allow_unverified,
    )


#: How many files one label name may get in a PDF folder ("x.pdf", "x-2.pdf" … "x-9999.pdf").
PDF_NAMES_PER_LABEL = 9_999


def pdf_file_names(name: str) -> Iterator[str]:
    """The names a file for a label named `name` (made safe) may take in a PDF folder, in
    turn: "<name>.pdf", "<name>-2.pdf", "<name>-3.pdf"… (the first free one is claimed
    where the file is written, `atomic_file.write_new_file`)."""
    stem = _UNSAFE_FILE_CHARS.sub("_", name).strip("._") or "label"
    yield f"{stem}.pdf"
    for counter in range(2, PDF_NAMES_PER_LABEL + 1):
        yield f"{stem}-{counter}.pdf"
