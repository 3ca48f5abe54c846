"""Benchmark `echo`: keystroke → echo in the scan field while the window prints 1,000 labels.

The real window (under Xvfb) fetches 1,000 orders from a 0-latency sandbox process and
prints them all (Print all ready, the bulk question answered yes) to a PDF folder: every
label is rendered by QtWebEngine, checked (pdfium + zxing-cpp) and written, as on the way
to a printer. Meanwhile a probe thread posts one key press to the scan field every
50 ms (an "x", then Backspace, and so on), as the X server's input would arrive; the
latency of each is the time from posting to the field's text having changed (the key
handled on the GUI thread). Posted events wait behind whatever the GUI thread is doing,
so this is what a packer typing or scanning during a big print run feels.

Side by side (fewer labels): the same window with the print queue's check and PDF-file
write run inline on the GUI thread. A second row gives the GUI thread's own CPU time per
label, which does not depend on what else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from tests.benchmarks.common import Row, emit_rows, percentile, sandbox_process, secs
from tests.benchmarks.window import bench_window, wait_for

PROBE_INTERVAL = 0.05
ALTERNATIVE_LABELS = 200
"""The alternative (checks on the GUI thread) runs on fewer labels: it is slow."""
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


@dataclass
class Echo:
    """One print run with the probe typing: latencies, GUI-thread CPU, wall time, load."""

    labels: int
    latencies: list[float]
    gui_cpu: float
    printing: float
    files: int
    load: tuple[float, float]

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    @property
    def gui_ms_per_label(self) -> float:
        return self.gui_cpu / self.labels * 1000


def measure(n: int, *, offload_checks: bool) -> Echo:
    pdf_dir = Path(tempfile.mkdtemp(prefix="waybill-echo-"))
    with (
        sandbox_process(0.0) as sb,
        bench_window(
            sb, pdf_dir=pdf_dir, ask=lambda _t, _q: True, offload_checks=offload_checks
        ) as window,
    ):
        window.add_text("\n".join(f"ECHO{i:07d}" for i in range(n)))
        window.fetch()
        wait_for(lambda: not window.fetcher.running, 300)
        ready = len(window.model.ready_keys())
        if ready < n:
            raise RuntimeError(f"only {ready} of {n} orders ready")
        field = window.scan_bar.field
        posted: list[float] = []
        echoed: list[float] = []
        field.textChanged.connect(lambda _text: echoed.append(time.perf_counter()))
        stop = threading.Event()

        def probe() -> None:
            # "x", Backspace, "x", …: every press changes the text, and the field stays as
            # short as a scan's (a text growing by a key every 50 ms for minutes would
            # make each key's text layout slower and slower, unlike a packing bench).
            keys = ((Qt.Key.Key_X, "x"), (Qt.Key.Key_Backspace, ""))
            pressed = 0
            while not stop.is_set():
                code, text = keys[pressed % 2]
                key = QKeyEvent(QEvent.Type.KeyPress, code, NO_MODIFIER, text)
                posted.append(time.perf_counter())
                QCoreApplication.postEvent(field, key)
                pressed += 1
                stop.wait(PROBE_INTERVAL)

        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        cpu_start = time.thread_time()  # this is the GUI thread: it runs the event loop
        window.print_all_ready()
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        wait_for(lambda: window.printer.pending == 0, 3600)
        gui_cpu = time.thread_time() - cpu_start
        stop.set()
        prober.join()
        printing = time.perf_counter() - start
        wait_for(lambda: len(echoed) >= len(posted), 30)
        files = len(list(pdf_dir.glob("*.pdf")))
    latencies = [e - p for p, e in zip(posted, echoed, strict=False)]
    return Echo(n, latencies, gui_cpu, printing, files, (load_before, os.getloadavg()[0]))


def _ratio(theirs: float, ours: float, better: str, worse: str) -> str:
    if theirs <= 0 or ours <= 0:
        return "—"
    return f"{theirs / ours:.1f}× {better}" if theirs >= ours else f"{ours / theirs:.1f}× {worse}"


def run(quick: bool, labels: int | None = None) -> list[Row]:
    n = labels or (60 if quick else 1000)
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    inline_n = min(n, 60 if quick else ALTERNATIVE_LABELS)
    ours = measure(n, offload_checks=True)
    inline = measure(inline_n, offload_checks=False)
    p50 = percentile(ours.latencies, 50)
    alternative = (
        f"check + file write on the GUI thread ({inline_n} labels): p95 {secs(inline.p95)}"
    )
    load = f"load average {ours.load[0]:.1f} → {ours.load[1]:.1f} on {os.cpu_count()} cores"
    return [
        Row(
            f"keystroke → echo while printing {n} labels (window)",
            f"p50 {secs(p50)}, p95 {secs(ours.p95)}",
            alternative,
            _ratio(inline.p95, ours.p95, "lower p95", "higher p95"),
            "p95 ≤ 100 ms",
            ours.p95 <= 0.1,
            f"{len(ours.latencies)} key presses posted every {PROBE_INTERVAL * 1000:.0f} ms to "
            f"the scan field while {ours.files} labels printed to a PDF folder in "
            f"{secs(ours.printing)} (QtWebEngine render, check and file write on the "
            f"background runner; 0-latency sandbox process); max {secs(max(ours.latencies))}; "
            f"{load}. The alternative: the same window with the queue's check and PDF-file "
            f"write run inline, on the GUI thread, as before ({inline_n} labels in "
            f"{secs(inline.printing)}; max {secs(max(inline.latencies))})",
        ),
        Row(
            f"GUI-thread CPU per label while printing {n} labels (window)",
            f"{ours.gui_ms_per_label:.1f} ms",
            f"check + file write on the GUI thread: {inline.gui_ms_per_label:.1f} ms",
            _ratio(inline.gui_ms_per_label, ours.gui_ms_per_label, "less", "more"),
            "—",
            None,
            "CPU time of the GUI thread (time.thread_time) from Print all ready until the "
            "last label ended, divided by the labels: what the GUI thread itself spends, "
            "whatever the load; it includes handling the probe's key presses and the "
            "benchmark's 2 ms check timer",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--labels", type=int, help="print this many labels (default 1000)")
    parser.add_argument(
        "--profile", action="store_true", help="only our run, no rows (to run under a profiler)"
    )
    args = parser.parse_args()
    if args.profile:
        _app = QApplication.instance() or QApplication(sys.argv[:1])
        echo = measure(args.labels or 150, offload_checks=True)
        print(f"p95 {secs(echo.p95)}, GUI-thread CPU {echo.gui_ms_per_label:.1f} ms a label")
        return
    emit_rows(run(args.quick, args.labels))


if __name__ == "__main__":
    main()
