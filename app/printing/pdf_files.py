"""A PDF-file job's file: where it goes and how it is put there.

A job for a chosen file (`PrintJob.pdf_path`) replaces that file. A job into a folder
(`pdf_in_folder`) gets a new file named after the job (`page_setup.pdf_file_names`); the
name is claimed exclusively as the finished file is published (`atomic_file`), so two
programs printing into one folder at once (the window and `waybill-printer fetch
--pdf-dir`, two stations on a shared folder) never take one name twice. Either way a
reader of the folder sees a label whole or not at all.

`write_job_file` serves the PDF-file route (the bytes in hand); the raster route has Qt's
print engine write `raster_temp_for(job)` and then `publish_job_file` it. Both are disk
work, called off the GUI thread; `raster_temp_for` only names a file.
"""

from __future__ import annotations

from pathlib import Path

from app.core.atomic_file import (
    publish_new_file,
    publish_replacing,
    temp_file_for,
    write_atomically,
    write_new_file,
)
from app.printing.page_setup import pdf_file_names
from app.printing.print_job import PrintJob


def write_job_file(job: PrintJob, data: bytes) -> Path:
    """Write `data` as the job's file (its folder made first); returns the file."""
    assert job.pdf_path is not None
    if not job.pdf_in_folder:
        write_atomically(job.pdf_path, data)
        return job.pdf_path
    return write_new_file(job.pdf_path, pdf_file_names(job.name), data)


def raster_temp_for(job: PrintJob) -> Path:
    """The hidden file beside the job's file that Qt's print engine writes (no disk work:
    the folder is made by `make_folder_for`)."""
    assert job.pdf_path is not None
    if not job.pdf_in_folder:
        return temp_file_for(job.pdf_path, ".part")
    return temp_file_for(job.pdf_path / next(pdf_file_names(job.name)), ".part")


def make_folder_for(temp: Path) -> None:
    """Make the folder `temp` (from `raster_temp_for`) is written in."""
    temp.parent.mkdir(parents=True, exist_ok=True)


def publish_job_file(job: PrintJob, temp: Path) -> Path:
    """Give the complete file `temp` (from `raster_temp_for`) the job's file name;
    returns the file. `temp` is gone afterwards either way."""
    assert job.pdf_path is not None
    if not job.pdf_in_folder:
        publish_replacing(temp, job.pdf_path)
        return job.pdf_path
    return publish_new_file(temp, pdf_file_names(job.name))
