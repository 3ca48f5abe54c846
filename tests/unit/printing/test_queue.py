"""PrintQueue: one job at a time, every job ends exactly once — PDF-file output on both
routes, and the CUPS route against a recording stand-in for `lp`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.profile import MAX_LABEL_BYTES, LabelProfile
from app.printing.queue import (
    BACKEND_AUTO,
    BACKEND_CUPS,
    BACKEND_RASTER,
    DEFAULT_DPI,
    ROUTE_CUPS,
    ROUTE_PDF_FILE,
    ROUTE_RASTER,
    PrintJob,
    PrintQueue,
    choose_resolution,
    route_for,
)
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import barcode_label_html, dispose, pdf_pages, read_barcodes_from_pdf
from tests.unit.printing.fake_lp import FakeLp, failing_lp


class Recorder(QObject):
    """Collects the queue's signals in order."""

    def __init__(self, queue: PrintQueue) -> None:
        super().__init__()
        self.events: list[tuple[str, int]] = []
        self.finished: dict[int, tuple[bool, str]] = {}
        queue.jobStarted.connect(self._started)
        queue.jobFinished.connect(self._finished)

    def _started(self, job_id: int) -> None:
        self.events.append(("started", job_id))

    def _finished(self, job_id: int, ok: bool, message: str) -> None:
        self.events.append(("finished", job_id))
        assert job_id not in self.finished, "a job ended twice"
        self.finished[job_id] = (ok, message)


def pdf_job(job_id: int, path: Path, code: str, width: int, height: int, **kw: object) -> PrintJob:
    return PrintJob(
        job_id=job_id,
        html=barcode_label_html(code, width, height),
        page_size=PageSizeMm(width, height),
        printer_name="",
        title=code,
        pdf_path=path,
        **kw,  # type: ignore[arg-type]
    )


def test_jobs_print_one_at_a_time_in_order(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    recorder = Recorder(print_queue)
    sizes = [(100, 150), (76, 130), (100, 180)]
    for n, (width, height) in enumerate(sizes, start=1):
        assert print_queue.submit(pdf_job(n, tmp_path / f"{n}.pdf", f"SF00{n}", width, height)) == n
    qtbot.waitUntil(lambda: len(recorder.finished) == 3, timeout=60_000)
    assert recorder.events == [
        ("started", 1), ("finished", 1),
        ("started", 2), ("finished", 2),
        ("started", 3), ("finished", 3),
    ]  # fmt: skip
    for n, (width, height) in enumerate(sizes, start=1):
        ok, message = recorder.finished[n]
        assert ok, message
        pages = pdf_pages(tmp_path / f"{n}.pdf")
        assert len(pages) == 1
        assert pages[0] == pytest.approx((width, height), abs=1.0)
        assert read_barcodes_from_pdf(tmp_path / f"{n}.pdf") == [f"SF00{n}"]
    assert not print_queue.is_busy()


def test_title_becomes_the_document_name(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    with qtbot.waitSignal(print_queue.jobFinished, timeout=30_000) as blocker:
        print_queue.submit(pdf_job(1, tmp_path / "t.pdf", "SF4242", 76, 130))
    assert blocker.args[:2] == [1, True]
    assert pypdf.PdfReader(tmp_path / "t.pdf").metadata.title == "SF4242"  # type: ignore[union-attr]


def test_copies_print_that_many_pages(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    with qtbot.waitSignal(print_queue.jobFinished, timeout=30_000) as blocker:
        print_queue.submit(pdf_job(1, tmp_path / "c.pdf", "SF3", 76, 130, copies=3))
    assert blocker.args[1] is True
    assert len(pdf_pages(tmp_path / "c.pdf")) == 3


def test_missing_printer_fails_and_the_queue_goes_on(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    recorder = Recorder(print_queue)
    missing = PrintJob(1, barcode_label_html("SF1", 76, 130), None, "No Such Printer 42")
    print_queue.submit(missing)
    print_queue.submit(pdf_job(2, tmp_path / "2.pdf", "SF2", 76, 130))
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=30_000)
    ok, message = recorder.finished[1]
    assert not ok
    assert "'No Such Printer 42' not found" in message
    assert recorder.finished[2][0] is True
    assert (tmp_path / "2.pdf").exists()


def test_bad_jobs_fail_with_a_reason(qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path) -> None:
    recorder = Recorder(print_queue)
    print_queue.submit(pdf_job(1, tmp_path / "1.pdf", "SF1", 76, 130, copies=0))
    too_big = PrintJob(2, "x" * (MAX_LABEL_BYTES + 1), None, "", pdf_path=tmp_path / "2.pdf")
    print_queue.submit(too_big)
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=30_000)
    assert recorder.finished[1] == (False, "copies must be at least 1, not 0")
    assert recorder.finished[2][0] is False
    assert "too large" in recorder.finished[2][1]
    assert not (tmp_path / "1.pdf").exists()
    assert not (tmp_path / "2.pdf").exists()


def test_pending_jobs_can_be_cancelled(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    recorder = Recorder(print_queue)
    for n in (1, 2, 3, 4):
        print_queue.submit(pdf_job(n, tmp_path / f"{n}.pdf", f"SF{n}", 76, 130))
    assert print_queue.cancel_pending(2) is True
    assert print_queue.cancel_pending(2) is False
    qtbot.waitSignal(print_queue.jobStarted, timeout=10_000).wait()
    assert print_queue.cancel_all_pending() == 2  # 3 and 4; 1 has started
    qtbot.waitUntil(lambda: len(recorder.finished) == 4, timeout=30_000)
    assert recorder.finished[1][0] is True
    assert {n: recorder.finished[n] for n in (2, 3, 4)} == {
        n: (False, "cancelled") for n in (2, 3, 4)
    }
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["1.pdf"]


def test_stuck_label_times_out_and_the_queue_goes_on(
    qtbot: QtBot, label_profile: LabelProfile, tmp_path: Path
) -> None:
    # One render page: a second page loading in the same renderer process can wake the
    # stuck one up (it then finishes, blank), which is not what this test is about.
    queue = PrintQueue(label_profile, load_timeout_s=1.0, render_pages=1)
    recorder = Recorder(queue)
    stuck = "<p>stuck</p><script>for (;;) {}</script>"
    queue.submit(PrintJob(1, stuck, None, "", pdf_path=tmp_path / "1.pdf"))
    queue.submit(pdf_job(2, tmp_path / "2.pdf", "SF2", 76, 130))
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=30_000)
    assert recorder.finished[1][0] is False
    assert "the label did not render within 1 s" in recorder.finished[1][1]
    assert recorder.finished[2][0] is True
    assert read_barcodes_from_pdf(tmp_path / "2.pdf") == ["SF2"]
    queue.shutdown()


def test_offset_shifts_the_label_without_adding_pages(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    with qtbot.waitSignal(print_queue.jobFinished, timeout=30_000) as blocker:
        print_queue.submit(pdf_job(1, tmp_path / "o.pdf", "SF5", 100, 150, offset_mm=(3, 5)))
    assert blocker.args[1] is True
    assert pdf_pages(tmp_path / "o.pdf") == [pytest.approx((100, 150), abs=1.0)]
    assert read_barcodes_from_pdf(tmp_path / "o.pdf") == ["SF5"]


def test_resolution_choice(qapp: object) -> None:
    job = PrintJob(1, "", None, "x")
    assert choose_resolution(job, None) == DEFAULT_DPI == 203
    assert choose_resolution(PrintJob(1, "", None, "x", dpi=300), None) == 300


def test_route_for_each_backend(tmp_path: Path) -> None:
    to_printer = PrintJob(1, "", None, "P")
    to_file = PrintJob(2, "", None, "", pdf_path=tmp_path / "x.pdf")
    assert route_for(to_printer, BACKEND_AUTO, "/usr/bin/lp") == ROUTE_CUPS
    assert route_for(to_printer, BACKEND_AUTO, None) == ROUTE_RASTER
    assert route_for(to_printer, BACKEND_CUPS, "/usr/bin/lp") == ROUTE_CUPS
    assert route_for(to_printer, BACKEND_RASTER, "/usr/bin/lp") == ROUTE_RASTER
    assert route_for(to_file, BACKEND_AUTO, None) == ROUTE_PDF_FILE
    assert route_for(to_file, BACKEND_RASTER, "/usr/bin/lp") == ROUTE_RASTER
    with pytest.raises(ValueError, match="needs the `lp` command"):
        route_for(to_printer, BACKEND_CUPS, None)
    with pytest.raises(ValueError, match="unknown print backend"):
        route_for(to_printer, "postscript", None)


def test_unknown_backend_is_refused(label_profile: LabelProfile) -> None:
    with pytest.raises(ValueError, match="unknown print backend"):
        PrintQueue(label_profile, backend="postscript")
    queue = PrintQueue(label_profile, lp_path="")
    assert queue.backend == BACKEND_AUTO
    assert queue.route(PrintJob(1, "", None, "P")) == ROUTE_RASTER  # no lp: Qt prints
    with pytest.raises(ValueError, match="unknown print backend"):
        queue.set_backend("postscript")
    queue.set_backend(BACKEND_RASTER)
    assert queue.backend == BACKEND_RASTER
    queue.shutdown()
    dispose(queue)


@pytest.fixture
def raster_queue(label_profile: LabelProfile) -> Iterator[PrintQueue]:
    queue = PrintQueue(label_profile, backend=BACKEND_RASTER)
    yield queue
    queue.shutdown()
    dispose(queue)


def test_raster_route_writes_titled_pdf_files_with_copies(
    qtbot: QtBot, raster_queue: PrintQueue, tmp_path: Path
) -> None:
    recorder = Recorder(raster_queue)
    raster_queue.submit(pdf_job(1, tmp_path / "1.pdf", "SF41", 76, 130, copies=2))
    raster_queue.submit(pdf_job(2, tmp_path / "2.pdf", "SF42", 100, 150))
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=60_000)
    assert recorder.finished == {
        1: (True, f"sent to {tmp_path / '1.pdf'}"),
        2: (True, f"sent to {tmp_path / '2.pdf'}"),
    }
    assert pdf_pages(tmp_path / "1.pdf") == [pytest.approx((76, 130), abs=1.0)] * 2
    assert pypdf.PdfReader(tmp_path / "2.pdf").metadata.title == "SF42"  # type: ignore[union-attr]
    assert read_barcodes_from_pdf(tmp_path / "2.pdf") == ["SF42"]


def test_cups_backend_without_lp_fails_the_job(
    qtbot: QtBot, label_profile: LabelProfile, tmp_path: Path
) -> None:
    queue = PrintQueue(label_profile, backend=BACKEND_CUPS, lp_path="")
    recorder = Recorder(queue)
    queue.submit(PrintJob(1, barcode_label_html("SF1", 76, 130), None, "AnyPrinter"))
    queue.submit(pdf_job(2, tmp_path / "2.pdf", "SF2", 76, 130))
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=30_000)
    assert recorder.finished[1][0] is False
    assert "needs the `lp` command" in recorder.finished[1][1]
    assert recorder.finished[2][0] is True  # a PDF file needs no lp
    queue.shutdown()
    dispose(queue)


# -- the CUPS route, `lp` replaced by a recording script (the printer must exist) ----------


@pytest.fixture
def lp_queue(label_profile: LabelProfile, fake_lp: FakeLp) -> Iterator[PrintQueue]:
    queue = PrintQueue(label_profile, lp_path=str(fake_lp.path))
    yield queue
    queue.shutdown()
    dispose(queue)


def cups_job(
    job_id: int, printer: str, code: str, width: int, height: int, **kw: object
) -> PrintJob:
    return PrintJob(
        job_id=job_id,
        html=barcode_label_html(code, width, height),
        page_size=PageSizeMm(width, height),
        printer_name=printer,
        title=code,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.cups
def test_cups_route_spools_each_label_once_in_order(
    qtbot: QtBot, lp_queue: PrintQueue, fake_lp: FakeLp, cups_pdf_queue: CupsPdfQueue
) -> None:
    recorder = Recorder(lp_queue)
    sizes = [(100, 150), (76, 130), (100, 180), (76, 130)]
    for n, (width, height) in enumerate(sizes, start=1):
        lp_queue.submit(cups_job(n, cups_pdf_queue.name, f"SF50{n}", width, height, dpi=203))
    qtbot.waitUntil(lambda: len(recorder.finished) == 4, timeout=60_000)
    assert recorder.events == [(kind, n) for n in (1, 2, 3, 4) for kind in ("started", "finished")]
    for n in (1, 2, 3, 4):
        assert recorder.finished[n] == (
            True,
            f"sent to {cups_pdf_queue.name} (accepted by CUPS as Fake-{n})",
        )
    calls = fake_lp.calls()
    assert [c.option("-t") for c in calls] == ["SF501", "SF502", "SF503", "SF504"]
    for call, (width, height) in zip(calls, sizes, strict=True):
        assert call.option("-d") == cups_pdf_queue.name
        assert f"media=Custom.{width}x{height}mm" in call.options()
        assert "Resolution=203dpi" in call.options()
        assert pdf_pages(call.document) == [pytest.approx((width, height), abs=1.0)]
    first = fake_lp.folder / "first.pdf"
    first.write_bytes(calls[0].document)
    assert read_barcodes_from_pdf(first) == ["SF501"]
    assert not lp_queue.is_busy()


@pytest.mark.cups
def test_cups_route_copies_and_offset(
    qtbot: QtBot, lp_queue: PrintQueue, fake_lp: FakeLp, cups_pdf_queue: CupsPdfQueue
) -> None:
    job = cups_job(1, cups_pdf_queue.name, "SF61", 100, 150, copies=3, offset_mm=(2, 3))
    with qtbot.waitSignal(lp_queue.jobFinished, timeout=30_000) as blocker:
        lp_queue.submit(job)
    assert blocker.args[1] is True
    (call,) = fake_lp.calls()
    assert call.option("-n") == "3"
    assert "collate=true" in call.options()
    assert len(pdf_pages(call.document)) == 1  # CUPS makes the copies


@pytest.mark.cups
def test_cancelled_job_rendered_ahead_never_reaches_cups(
    qtbot: QtBot, lp_queue: PrintQueue, fake_lp: FakeLp, cups_pdf_queue: CupsPdfQueue
) -> None:
    recorder = Recorder(lp_queue)
    for n in (1, 2, 3):
        lp_queue.submit(cups_job(n, cups_pdf_queue.name, f"SF7{n}", 76, 130))
    # Job 1 started; job 2 is being rendered ahead (or already is) while 1 is spooled.
    qtbot.waitUntil(lambda: ("started", 1) in recorder.events, timeout=30_000)
    assert lp_queue.cancel_pending(2) is True
    qtbot.waitUntil(lambda: len(recorder.finished) == 3, timeout=60_000)
    assert recorder.finished[2] == (False, "cancelled")
    assert recorder.finished[1][0] is True
    assert recorder.finished[3][0] is True
    assert [c.option("-t") for c in fake_lp.calls()] == ["SF71", "SF73"]


@pytest.mark.cups
def test_missing_printer_sends_nothing_to_lp(
    qtbot: QtBot, lp_queue: PrintQueue, fake_lp: FakeLp, cups_pdf_queue: CupsPdfQueue
) -> None:
    recorder = Recorder(lp_queue)
    lp_queue.submit(cups_job(1, "No Such Printer 42", "SF81", 76, 130))
    lp_queue.submit(cups_job(2, cups_pdf_queue.name, "SF82", 76, 130))
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=60_000)
    ok, message = recorder.finished[1]
    assert not ok
    assert "'No Such Printer 42' not found" in message
    assert cups_pdf_queue.name in message
    assert recorder.finished[2][0] is True
    assert [c.option("-t") for c in fake_lp.calls()] == ["SF82"]


@pytest.mark.cups
def test_lp_refusing_fails_the_job_with_its_reason(
    qtbot: QtBot, label_profile: LabelProfile, tmp_path: Path, cups_pdf_queue: CupsPdfQueue
) -> None:
    queue = PrintQueue(label_profile, lp_path=str(failing_lp(tmp_path / "lp").path))
    recorder = Recorder(queue)
    queue.submit(cups_job(1, cups_pdf_queue.name, "SF91", 76, 130))
    queue.submit(cups_job(2, cups_pdf_queue.name, "SF92", 76, 130))
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=60_000)
    for n in (1, 2):
        assert recorder.finished[n] == (
            False,
            f"printing to {cups_pdf_queue.name} failed: lp: The printer or class does not exist.",
        )
    queue.shutdown()
    dispose(queue)
