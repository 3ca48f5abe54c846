"""Two programs printing into one PDF folder at once (the window and `waybill-printer
fetch --pdf-dir`, or two stations on a shared folder), every label named alike: each
label gets its own complete file, none replaces another's.

Each program is a real, separate process running the PDF-file route (`PdfFileRoute`)
on one label really rendered by QtWebEngine here; one prints one copy a label, the other
two, so every file tells which program wrote it."""

from __future__ import annotations

import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import pypdf

from app.core.model import PageSizeMm
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.print_job import PrintJob
from app.printing.render import LabelRenderer
from app.printing.routes import PdfFileRoute
from tests.fixtures.qt import barcode_label_html, read_barcodes_from_pdf

SIZE = PageSizeMm(76, 130)
LABELS = 40  # per program


def print_many(folder: str, copies: int, pdf: bytes, start: Event, out: Queue) -> None:
    """One program: `LABELS` labels titled SF7007 into `folder`, as soon as `start` is
    set; puts (copies, [(outcome kind, file)]) on `out`."""
    job = PrintJob(
        job_id=1,
        html="",
        page_size=SIZE,
        printer_name="",
        copies=copies,
        title="SF7007",
        pdf_path=Path(folder),
        pdf_in_folder=True,
    )
    route = PdfFileRoute()
    ended: list[PrintResult] = []
    start.wait(60)
    for _ in range(LABELS):
        route.deliver(job, pdf, ended.append)
    out.put((copies, [(result.kind.name, result.pdf_path) for result in ended]))


def test_two_programs_printing_one_name_into_one_folder_keep_every_label(
    renderer: LabelRenderer, tmp_path: Path
) -> None:
    pdf = renderer.render_pdf_blocking(barcode_label_html("SF7007", 76, 130), SIZE)
    folder = tmp_path / "labels"
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Event(), spawn.Queue()
    programs = [
        spawn.Process(target=print_many, args=(str(folder), copies, pdf, start, out))
        for copies in (1, 2)
    ]
    for program in programs:
        program.start()
    start.set()
    reports = dict(out.get(timeout=180) for _ in programs)
    for program in programs:
        program.join(timeout=60)
        assert program.exitcode == 0

    ends = reports[1] + reports[2]
    assert {kind for kind, _ in ends} == {OutcomeKind.SPOOLED.name}
    written = [Path(str(path)) for _, path in ends]
    assert len(set(written)) == 2 * LABELS
    assert sorted(folder.iterdir()) == sorted(written)  # nothing else: no temp file left
    for copies in (1, 2):
        for _, path in reports[copies]:
            reader = pypdf.PdfReader(str(path))  # whole: it parses, and has its pages
            assert reader.metadata is not None and reader.metadata.title == "SF7007"
            assert len(reader.pages) == copies, path
    assert read_barcodes_from_pdf(Path(str(reports[2][-1][1]))) == ["SF7007", "SF7007"]
