"""Benchmark `spool`: labels to a cups-pdf queue at 203 dpi, labels per second until CUPS has
accepted every job.

Three ways, in one run, on the same labels and queue:
- `PrintQueue` (the program): each label rendered ahead to a vector PDF on one of two
  hidden pages, checked off the GUI thread, and handed to the local scheduler as one IPP
  Print-Job (`app.printing.ipp_submit`); the printer's driver rasterises it at 203 dpi;
- a naive loop: a plain `QWebEngineView`, a new `QPrinter` per label, print and wait;
- `printToPdf` → `lp`: `LabelRenderer`'s PDF handed to an `lp` process per label, one
  after another (no rendering ahead, no IPP).

A job counts as accepted when CUPS answered for it (the program, `lp`) or Qt's print call
has returned (Qt's CUPS engine submits the job before it reports back); every run is then
checked against `lpstat`: CUPS must list exactly that many new jobs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from app.core.model import Waybill
from app.printing.printers import resolve_printer
from app.printing.profile import make_label_profile
from app.printing.queue import PrintJob, PrintQueue
from app.printing.render import LabelRenderer, page_layout
from app.printing.verify import VerifyPolicy
from app.ui.background import BackgroundRunner
from tests.benchmarks.common import Row, not_measured, run_main, times, tree_cpu_seconds
from tests.benchmarks.cups_queue import bench_queue, discard_jobs, wait_accepted
from tests.benchmarks.labels import sandbox_waybills
from tests.benchmarks.qt_wait import wait_for
from tests.fixtures.cups import CupsPdfQueue

DPI = 203
WARM = 2
#: The naive loop's rate is measured on at most this many labels (it is the slow one).
NAIVE_MAX = 50


class Timed:
    """Wall time and CPU time of this process tree over a block."""

    def __enter__(self) -> Timed:
        self.cpu0 = tree_cpu_seconds(os.getpid())
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = tree_cpu_seconds(os.getpid()) - self.cpu0


def spool_print_queue(
    queue: CupsPdfQueue, waybills: list[Waybill], *, verify: bool = False
) -> Timed:
    """Seconds for `PrintQueue` to hand every label to CUPS (all submitted at once);
    `verify`: each label is verified before it is spooled, as the program does. The
    queue's checks run on the background runner's threads, as in the window."""
    profile = make_label_profile()
    runner = BackgroundRunner()
    pq = PrintQueue(profile, offload=runner.offload)
    finished: list[tuple[int, bool, str]] = []
    pq.jobFinished.connect(lambda job_id, ok, msg: finished.append((job_id, ok, msg)))

    def job(i: int, w: Waybill) -> PrintJob:
        return PrintJob(
            i,
            w.html or "",
            w.page_size,
            queue.name,
            dpi=DPI,
            title=f"bench-{i}",
            waybill_id=w.waybill_id,
            verify=VerifyPolicy(dpi=DPI) if verify else None,
        )

    for i, w in enumerate(waybills[:WARM]):
        pq.submit(job(-1 - i, w))
    wait_for(lambda: len(finished) == WARM, 60)
    finished.clear()
    snapshot = queue.snapshot()
    with Timed() as timed:
        for i, w in enumerate(waybills):
            pq.submit(job(i, w))
        wait_for(lambda: len(finished) == len(waybills), 600)
    failed = [f for f in finished if not f[1]]
    if failed:
        raise RuntimeError(f"{len(failed)} jobs failed: {failed[0]}")
    wait_accepted(queue, snapshot, len(waybills), 30)
    pq.shutdown()
    runner.shutdown()
    for obj in (pq, runner, profile):
        obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return timed


def spool_naive(queue: CupsPdfQueue, waybills: list[Waybill]) -> Timed:
    """A plain QWebEngineView.print loop: load, print, wait for printFinished, next."""
    view = QWebEngineView()
    info = resolve_printer(queue.name)
    state = {"loaded": False, "printed": False}
    view.loadFinished.connect(lambda ok: state.__setitem__("loaded", True))
    view.printFinished.connect(lambda ok: state.__setitem__("printed", True))

    def one(w: Waybill) -> None:
        state["loaded"] = state["printed"] = False
        view.setHtml(w.html or "")
        wait_for(lambda: state["loaded"], 30)
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        printer.setResolution(DPI)
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(w.page_size))
        view.print(printer)
        wait_for(lambda: state["printed"], 60)

    for w in waybills[:WARM]:
        one(w)
    snapshot = queue.snapshot()
    with Timed() as timed:
        for w in waybills:
            one(w)
    wait_accepted(queue, snapshot, len(waybills), 30)
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return timed


def spool_pdf_lp(queue: CupsPdfQueue, waybills: list[Waybill]) -> Timed:
    """printToPdf on the reused page, then `lp` with the vector PDF (no rasterising)."""
    profile = make_label_profile()
    renderer = LabelRenderer(profile)
    with tempfile.TemporaryDirectory(prefix="bench-lp-") as tmp:

        def one(i: int, w: Waybill) -> None:
            pdf = renderer.render_pdf_blocking(w.html or "", w.page_size)
            path = Path(tmp) / f"{i}.pdf"
            path.write_bytes(pdf)
            subprocess.run(
                ["lp", "-d", queue.name, "-t", f"bench-{i}", str(path)],
                capture_output=True,
                check=True,
            )

        for i, w in enumerate(waybills[:WARM]):
            one(-1 - i, w)
        snapshot = queue.snapshot()
        with Timed() as timed:
            for i, w in enumerate(waybills):
                one(i, w)
        wait_accepted(queue, snapshot, len(waybills), 30)
    for obj in (renderer, profile):
        obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return timed


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def run(quick: bool) -> list[Row]:
    n = 10 if quick else 200
    metric = f"spool {n} labels to cups-pdf at {DPI} dpi"
    target = "≥ 20 labels/s"
    try:
        queue = bench_queue()
    except (RuntimeError, OSError) as exc:
        return [not_measured(metric, f"no CUPS ({exc})", target)]
    waybills = sandbox_waybills(n, prefix="SPL")
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    discard_jobs(queue)
    ours = spool_print_queue(queue, waybills)
    discard_jobs(queue)
    checked = spool_print_queue(queue, waybills, verify=True)
    discard_jobs(queue)
    naive = spool_naive(queue, waybills[: n // 2 if quick else NAIVE_MAX])
    discard_jobs(queue)
    direct = spool_pdf_lp(queue, waybills)
    discard_jobs(queue)
    n_naive = min(n // 2 if quick else n, NAIVE_MAX)
    rate, naive_rate, direct_rate = n / ours.wall, n_naive / naive.wall, n / direct.wall
    cpu, direct_cpu = ours.cpu / n * 1000, direct.cpu / n * 1000
    naive_cpu = naive.cpu / n_naive * 1000
    checked_rate, checked_cpu = n / checked.wall, checked.cpu / n * 1000
    return [
        Row(
            f"spool {n} labels with label verification",
            f"{checked_rate:.1f} labels/s",
            f"verification off: {rate:.1f}/s",
            times(checked_rate / rate),
            target,
            checked_rate >= 20,
            f"the same PrintQueue and labels, each verified before it is spooled (pdfium "
            f"raster at {DPI} dpi, zxing-cpp read of the waybill id; on the background runner's "
            f"threads as soon as a label is rendered, while the next renders); the PDF verified "
            f"is the PDF spooled; CPU per label "
            f"(this process tree) {checked_cpu:.0f} ms with, {cpu:.0f} ms without; load "
            f"average {_load()}",
        ),
        Row(
            metric,
            f"{rate:.1f} labels/s",
            f"naive QWebEngineView.print loop {naive_rate:.1f}/s",
            times(rate / naive_rate),
            target,
            rate >= 20,
            f"PrintQueue, all {n} jobs submitted at once, timed until the last job was handed "
            f"to CUPS and `lpstat` lists {n} new jobs on the benchmark's own cups-pdf queue "
            f"({queue.name}); {WARM} untimed warm-up jobs each; the naive loop's rate "
            f"measured on {n_naive} labels. CPU per label (this "
            f"process tree, load-independent): PrintQueue {cpu:.0f} ms, naive loop "
            f"{naive_cpu:.0f} ms, printToPdf → lp {direct_cpu:.0f} ms; so on an idle machine "
            f"PrintQueue could reach about "
            f"{2000 / cpu:.0f}/s at best (2 cores, perfect overlap)",
        ),
        Row(
            f"spool {n} labels: printToPdf → lp (no raster)",
            f"{direct_rate:.1f} labels/s",
            f"PrintQueue {rate:.1f}/s",
            times(direct_rate / rate),
            "—",
            None,
            "LabelRenderer's vector PDF handed to an `lp` process per label, one label after "
            f"another: {direct_cpu:.0f} ms CPU per label including the `lp` process; PrintQueue "
            f"{cpu:.0f} ms (rendering ahead, one IPP Print-Job a label)",
        ),
    ]


def main() -> None:
    run_main(run)


if __name__ == "__main__":
    main()
