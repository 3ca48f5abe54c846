"""Benchmark `latency`: scan → label handed to CUPS, in the real window under Xvfb.

The window runs with scan-to-print on, printing at 203 dpi to the benchmark's cups-pdf
queue, against a 0-latency sandbox process. Each scan is typed into the scan field with
`QTest` key events; the clock starts at the Enter key press and stops when the print queue
reports the job handed to CUPS. Scans are one after another (the next when the last one
printed), after untimed warm-up scans that fetch the token and start the renderer.
Run twice, side by side: without and with the window reading the printer's state from
CUPS every second (`PrinterWatch`), to show the polling costs the scan nothing visible.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.printing.cups_status import CupsStatus
from app.printing.ipptool import find_ipptool
from app.ui.main_window import MainWindow
from tests.benchmarks.common import (
    Row,
    not_measured,
    percentile,
    run_main,
    sandbox_process,
    secs,
)
from tests.benchmarks.cups_queue import bench_queue, discard_jobs, wait_accepted
from tests.benchmarks.window import bench_window, wait_for
from tests.fixtures.cups import CupsPdfQueue

WARM = 3


def scan_and_wait(window: MainWindow, order_id: str, ended: list[bool]) -> float:
    """Seconds from the Enter key of one scan to its print job being handed to CUPS."""
    field = window.scan_bar.field
    QTest.keyClicks(field, order_id)
    before = len(ended)
    start = time.perf_counter()
    QTest.keyClick(field, Qt.Key.Key_Return)
    wait_for(lambda: len(ended) > before, 120)
    elapsed = time.perf_counter() - start
    if not ended[-1]:
        raise RuntimeError(f"printing {order_id} failed: {window.scan_bar.message_text()}")
    return elapsed


def run(quick: bool) -> list[Row]:
    """The same scans twice, side by side: printer-state polling off, then on."""
    n = 5 if quick else 200
    metric = f"scan → job accepted by CUPS ({n} scans, window)"
    target = "p95 ≤ 200 ms"
    try:
        queue = bench_queue()
    except (RuntimeError, OSError) as exc:
        return [not_measured(metric, f"no CUPS ({exc})", target)]
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    tool = find_ipptool()
    checked, p95_on = measure(queue, n, None, metric + ", printer-state polling off", target)
    # the same, side by side in this run, with label verification off
    unchecked, p95_off = measure(
        queue, n, None, metric + ", polling off, verification off", target, verify=False
    )
    rows = [checked, unchecked]
    ratio = p95_on / p95_off
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows.append(
        Row(
            f"scan → job accepted ({n} scans): p95 with label verification vs without",
            f"p95 {secs(p95_on)}",
            f"verification off: p95 {secs(p95_off)}",
            f"{ratio:.2f}× ({(ratio - 1) * 100:+.0f} %)",
            "≤ 1.15×",
            ratio <= 1.15,
            "the two rows above, one after the other in this run (same window set-up, "
            f"sandbox and cups-pdf queue); load average after both {load}",
        )
    )
    if tool is None:
        rows.append(not_measured(metric + ", polling on", "no ipptool", target))
    else:
        rows.append(measure(queue, n, CupsStatus(tool), metric + ", polling on (1 s)", target)[0])
    return rows


def measure(
    queue: CupsPdfQueue,
    n: int,
    status: CupsStatus | None,
    metric: str,
    target: str,
    *,
    verify: bool = True,
) -> tuple[Row, float]:
    """The row of `n` scans, and their p95 in seconds."""
    discard_jobs(queue)
    with (
        sandbox_process(0.0) as sb,
        bench_window(
            sb,
            printer_name=queue.name,
            dpi=203,
            scan_to_print=True,
            printer_status=status,
            verify=verify,
        ) as window,
    ):
        if not window.settings.scan_to_print:
            return not_measured(metric, "the window has no scan-to-print mode", target), 0.0
        wait_for(window.scan_bar.field.hasFocus, 10)
        if status is not None:
            wait_for(lambda: window.printer_watch.status is not None, 10)
        ended: list[bool] = []
        window.printer.jobEnded.connect(lambda _key, ok, _msg: ended.append(ok))
        for i in range(WARM):
            scan_and_wait(window, f"WARM{i:07d}", ended)
        snapshot = queue.snapshot()
        latencies = [scan_and_wait(window, f"SCAN{i:07d}", ended) for i in range(n)]
        wait_accepted(queue, snapshot, n, 30)
    discard_jobs(queue)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    polling = "the printer's state read from CUPS every 1 s" if status else "no state polling"
    row = Row(
        metric,
        f"p50 {secs(p50)}, p95 {secs(p95)}",
        "—",
        "—",
        target,
        p95 <= 0.2,
        f"scan-to-print on, 203 dpi to cups-pdf ({queue.name}), {polling}, sandbox at 0 "
        f"latency in its own process, token cached ({WARM} untimed warm-up scans); key "
        f"press → the print queue's job-finished signal, checked against `lpstat` ({n} new "
        f"jobs); max {secs(max(latencies))}",
    )
    return row, p95


def main() -> None:
    run_main(run)


if __name__ == "__main__":
    main()
