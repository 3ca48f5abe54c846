"""The benchmarks' own cups-pdf queue.

The same setup as the tests' `LabelPDF` queue (`scripts/start-cups.sh`, cups-pdf backend),
under another name, so the benchmarks can flood it and cancel their leftover jobs without
touching jobs the test suite is printing at the same time.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tests.fixtures.cups import CupsPdfQueue, CupsSnapshot, start_cups

QUEUE = "LabelBench"
OUTDIR = Path("/var/spool/cups-pdf") / QUEUE


def bench_queue() -> CupsPdfQueue:
    """Start CUPS if needed and return the (idempotently created) benchmark queue."""
    return start_cups(QUEUE, OUTDIR)


def wait_accepted(queue: CupsPdfQueue, snapshot: CupsSnapshot, n: int, timeout: float) -> float:
    """Poll until CUPS lists `n` new jobs; returns `time.perf_counter()` when it did."""
    deadline = time.monotonic() + timeout
    while len(queue.new_jobs_since(snapshot)) < n:
        if time.monotonic() > deadline:
            got = len(queue.new_jobs_since(snapshot))
            raise TimeoutError(f"CUPS accepted {got} of {n} jobs in {timeout:g} s")
        time.sleep(0.02)
    return time.perf_counter()


def discard_jobs(queue: CupsPdfQueue) -> None:
    """Cancel what is left on the benchmark queue and delete its PDFs (keeps the machine quiet
    for the next benchmark)."""
    subprocess.run(["cancel", "-a", queue.name], capture_output=True, check=False)
    for pdf in queue.pdfs():
        pdf.unlink(missing_ok=True)
