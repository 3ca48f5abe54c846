"""PrintQueue with PDF-file output: one job at a time, every job ends exactly once."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.profile import LabelProfile
from app.printing.queue import DEFAULT_DPI, PrintJob, PrintQueue, apply_offset, choose_resolution
from tests.fixtures.qt import barcode_label_html, pdf_pages, read_barcodes_from_pdf


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
    too_big = PrintJob(2, "x" * 3_000_000, None, "", pdf_path=tmp_path / "2.pdf")
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
    queue = PrintQueue(label_profile, load_timeout_s=1.0)
    recorder = Recorder(queue)
    stuck = (
        "<link rel='stylesheet' href='http://127.0.0.1:9/s.css'>"
        "<object data='http://127.0.0.1:9/o'></object>"
    )
    queue.submit(PrintJob(1, stuck, None, "", pdf_path=tmp_path / "1.pdf"))
    queue.submit(pdf_job(2, tmp_path / "2.pdf", "SF2", 76, 130))
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=30_000)
    assert recorder.finished[1][0] is False
    assert "did not finish loading" in recorder.finished[1][1]
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


def test_apply_offset() -> None:
    assert apply_offset("<p>x</p>", (0, 0)) == "<p>x</p>"
    shifted = apply_offset("<!DOCTYPE html><p>x</p>", (1.5, -2))
    assert shifted.startswith("<!DOCTYPE html>")  # no quirks mode
    assert "translate(1.5mm,-2mm)" in shifted


def test_resolution_choice(qapp: object) -> None:
    job = PrintJob(1, "", None, "x")
    assert choose_resolution(job, None) == DEFAULT_DPI == 203
    assert choose_resolution(PrintJob(1, "", None, "x", dpi=300), None) == 300
