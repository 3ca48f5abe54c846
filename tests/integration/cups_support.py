"""Helpers for window tests on the shared cups-pdf queue, which other test runs may be
printing to at the same time: each test uses order ids of its own and picks out its own
output files by the waybill id in their names (the job title)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.ui.main_window import MainWindow
from tests.fixtures.cups import CupsPdfQueue, CupsSnapshot
from tests.fixtures.qt import print_queue_idle, wait_until_quiet

OTHER_OUTPUT_DIRS = [Path("/root/PDF"), Path("/var/spool/cups-pdf/ANONYMOUS")]


def fresh_order_id() -> str:
    """An order id no other test (or earlier run) has printed."""
    return f"42{uuid.uuid4().int % 10**16:016d}"


def own_pdfs(queue: CupsPdfQueue, before: CupsSnapshot, waybill_ids: Iterable[str]) -> list[Path]:
    """New output files of this queue whose job title is one of `waybill_ids`, in job order."""
    ids = tuple(waybill_ids)
    return [pdf for pdf in queue.new_pdfs_since(before) if pdf.name.startswith(ids)]


def other_pdfs(waybill_ids: Iterable[str]) -> set[Path]:
    """Files named after these waybills in the places cups-pdf writes other queues' jobs."""
    ids = tuple(waybill_ids)
    return {
        pdf
        for folder in OTHER_OUTPUT_DIRS
        if folder.is_dir()
        for pdf in folder.rglob("*.pdf")
        if pdf.name.startswith(ids)
    }


def wait_for_own_pdfs(
    queue: CupsPdfQueue,
    before: CupsSnapshot,
    waybill_ids: Iterable[str],
    count: int,
    timeout: float = 60.0,
) -> list[Path]:
    """Wait until `count` completed jobs of ours have written their PDFs."""
    ids = list(waybill_ids)
    deadline = time.monotonic() + timeout
    while True:
        found = own_pdfs(queue, before, ids)
        pending = queue.job_ids("not-completed")
        if len(found) >= count and not any(
            f"job_{job}." in p.name for job in pending for p in found
        ):
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(found)} of {count} labels came out of {queue.name}")
        time.sleep(0.1)


def wait_until_cups_settled(
    qtbot: QtBot,
    queue: CupsPdfQueue,
    before: CupsSnapshot,
    idle: Callable[[], bool],
    timeout_ms: int = 60_000,
) -> None:
    """Before counting outputs to show that nothing (more) was printed: wait until the
    program is `idle` (nothing pending in its print queue) and every CUPS job on any queue
    newer than `before` has reached a final state, on two looks in a row."""
    wait_until_quiet(
        qtbot, lambda: idle() and not queue.unfinished_since(before), timeout_ms=timeout_ms
    )


def window_settled(
    qtbot: QtBot,
    window: MainWindow,
    print_queue: PrintQueue,
    cups: CupsPdfQueue,
    before: CupsSnapshot,
) -> None:
    """`wait_until_cups_settled` for a window printing through `print_queue`: nothing of
    the window's left to print, nothing in the queue, every CUPS job since `before` final."""
    wait_until_cups_settled(
        qtbot,
        cups,
        before,
        lambda: window.printer.pending == 0 and print_queue_idle(print_queue),
    )
