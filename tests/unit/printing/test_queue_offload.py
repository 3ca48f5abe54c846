"""The queue's slow label work (the check, writing the PDF file) runs through its offload:
in the window on the background runner's threads, while the GUI thread's event loop goes
on; an answer for a job that ended meanwhile is dropped, and every job ends once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.print_job import CheckFailure, verify_job
from app.printing.profile import LabelProfile
from app.printing.queue import PrintJob, PrintQueue
from app.printing.render import RenderResult
from app.printing.verify import VerifyPolicy
from app.ui.background import BackgroundRunner
from tests.fixtures.qt import barcode_label_html, dispose, read_barcodes_from_pdf


def job(job_id: int, folder: Path, waybill: str) -> PrintJob:
    return PrintJob(
        job_id=job_id,
        html=barcode_label_html(waybill, 100, 150),
        page_size=PageSizeMm(100, 150),
        printer_name="",
        title=waybill,
        waybill_id=waybill,
        verify=VerifyPolicy(),
        pdf_path=folder / f"{waybill}.pdf",
    )


def ended_of(queue: PrintQueue) -> list[tuple[int, PrintResult]]:
    ended: list[tuple[int, PrintResult]] = []
    queue.jobEnded.connect(lambda job_id, result: ended.append((job_id, result)))
    return ended


def test_checks_and_pdf_writes_run_on_worker_threads(
    qtbot: QtBot, label_profile: LabelProfile, runner: BackgroundRunner, tmp_path: Path
) -> None:
    threads: list[str] = []

    def recording(
        work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[..., None]
    ) -> None:
        def run() -> Any:
            threads.append(threading.current_thread().name)
            return work()

        runner.offload(run, done, failed)

    queue = PrintQueue(label_profile, offload=recording)
    ended = ended_of(queue)
    ids = [
        queue.submit(job(n, tmp_path, waybill))
        for n, waybill in enumerate(["SF101", "SF102", "SF103"], start=1)
    ]
    qtbot.waitUntil(lambda: len(ended) == 3, timeout=60_000)
    assert [job_id for job_id, _ in ended] == ids
    for _job_id, result in ended:
        assert result.kind is OutcomeKind.SPOOLED and result.detail.endswith("; verified")
    assert read_barcodes_from_pdf(tmp_path / "SF102.pdf") == ["SF102"]
    assert len(threads) == 6  # a check and a file write for each label
    assert threading.main_thread().name not in threads
    queue.shutdown()
    dispose(queue)


def test_a_check_answering_after_its_job_timed_out_is_dropped(
    qtbot: QtBot, label_profile: LabelProfile, runner: BackgroundRunner, tmp_path: Path
) -> None:
    release = threading.Event()
    checked: list[str] = []

    def slow_first(one: PrintJob, rendered: RenderResult) -> CheckFailure | None:
        if one.waybill_id == "SF201":
            release.wait(30)  # holds a worker while the event loop goes on
        checked.append(one.waybill_id or "")
        return verify_job(one, rendered)

    queue = PrintQueue(label_profile, print_timeout_s=3.0, check=slow_first, offload=runner.offload)
    ended = ended_of(queue)
    try:
        first = queue.submit(job(1, tmp_path, "SF201"))
        second = queue.submit(job(2, tmp_path, "SF202"))
        # The watchdog fires on the event loop while the check holds its worker.
        qtbot.waitUntil(lambda: len(ended) >= 1, timeout=60_000)
        assert ended[0][0] == first and ended[0][1].kind is OutcomeKind.TIMED_OUT
    finally:
        release.set()
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=60_000)
    assert ended[1][0] == second and ended[1][1].kind is OutcomeKind.SPOOLED
    qtbot.waitUntil(lambda: len(checked) == 2, timeout=10_000)
    assert sorted(checked) == ["SF201", "SF202"]
    assert not (tmp_path / "SF201.pdf").exists()  # its late answer wrote nothing
    assert [job_id for job_id, _ in ended] == [first, second]  # each ended once
    queue.shutdown()
    dispose(queue)


def test_a_check_that_crashes_ends_its_job_unverified(
    qtbot: QtBot, label_profile: LabelProfile, runner: BackgroundRunner, tmp_path: Path
) -> None:
    def broken(_job: PrintJob, _rendered: RenderResult) -> CheckFailure | None:
        raise RuntimeError("pdfium fell over")

    queue = PrintQueue(label_profile, check=broken, offload=runner.offload)
    ended = ended_of(queue)
    queue.submit(job(1, tmp_path, "SF301"))
    qtbot.waitUntil(lambda: len(ended) == 1, timeout=30_000)
    assert ended[0][1].kind is OutcomeKind.UNVERIFIED
    assert ended[0][1].detail == "the label check failed: pdfium fell over"
    assert not (tmp_path / "SF301.pdf").exists()
    queue.shutdown()
    dispose(queue)
