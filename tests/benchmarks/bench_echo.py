"""Benchmark `echo`: keystroke → echo in the scan field while the window prints 1,000 labels.

The real window (under Xvfb) fetches 1,000 orders from a 0-latency sandbox process and
prints them all (Print all ready, the bulk question answered yes) to a PDF folder: every
label is rendered by QtWebEngine and painted by QPrinter, the same GUI-thread work as a
printer queue. Meanwhile a probe thread posts one key press to the scan field every
50 ms, as the X server's input would arrive; the latency of each is the time from posting
to the field's text having changed (the key handled on the GUI thread). Posted events
wait behind whatever the GUI thread is doing, so this is what a packer typing or
scanning during a big print run feels.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from tests.benchmarks.common import Row, emit_rows, percentile, sandbox_process, secs
from tests.benchmarks.window import bench_window, wait_for

PROBE_INTERVAL = 0.05
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def run(quick: bool, labels: int | None = None) -> list[Row]:
    n = labels or (60 if quick else 1000)
    metric = f"keystroke → echo while printing {n} labels (window)"
    target = "p95 ≤ 100 ms"
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    pdf_dir = Path(tempfile.mkdtemp(prefix="waybill-echo-"))
    with (
        sandbox_process(0.0) as sb,
        bench_window(sb, pdf_dir=pdf_dir, ask=lambda _title, _question: True) as window,
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
            while not stop.is_set():
                key = QKeyEvent(
                    QEvent.Type.KeyPress, Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier, "x"
                )
                posted.append(time.perf_counter())
                QCoreApplication.postEvent(field, key)
                stop.wait(PROBE_INTERVAL)

        start = time.perf_counter()
        window.print_all_ready()
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        wait_for(lambda: window.printer.pending == 0, 3600)
        stop.set()
        prober.join()
        printing = time.perf_counter() - start
        wait_for(lambda: len(echoed) >= len(posted), 30)
        files = len(list(pdf_dir.glob("*.pdf")))
    latencies = [e - p for p, e in zip(posted, echoed, strict=False)]
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    return [
        Row(
            metric,
            f"p50 {secs(p50)}, p95 {secs(p95)}",
            "—",
            "—",
            target,
            p95 <= 0.1,
            f"{len(latencies)} key presses posted every {PROBE_INTERVAL * 1000:.0f} ms to the "
            f"scan field while {files} labels printed to a PDF folder in {secs(printing)} "
            f"(QtWebEngine render + QPrinter, 0-latency sandbox process); max "
            f"{secs(max(latencies))}",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--labels", type=int, help="print this many labels (default 1000)")
    args = parser.parse_args()
    emit_rows(run(args.quick, args.labels))


if __name__ == "__main__":
    main()
