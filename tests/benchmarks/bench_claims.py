"""Benchmark `claims`: what Print all's claims cost the GUI thread on a PostgreSQL ledger.

The window's print controller (`app.ui.print_controller`) prints 200 ready labels with
Print all on a warehouse ledger: a PostgreSQL server started here (fsync on, as in a
warehouse), the ledger's print guard, the background helper's serial lane. Every label
is claimed first (one transaction on the server each); the claims run in the lane and the
GUI thread only takes their answers. The alternative is the same request with the claims
made on the GUI thread (no lane: how the window claimed before), which holds the window
for the whole round of claims. A 5 ms timer on the GUI thread measures the longest time it
did not turn from the click until the last label was submitted; the GUI thread's own CPU
time per label does not depend on the machine's load. The jobs are cancelled once
submitted: the figure is the claims', not the printer's.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.benchmarks.common import Row, not_measured, run_main, times

if TYPE_CHECKING:
    from app.printing.queue import PrintQueue

LABELS = 200
TICK_MS = 5


@dataclass
class Round:
    returned_ms: float
    """From the click until `print_keys` returned to the event loop."""
    claimed_ms: float
    """From the click until every label was claimed and submitted."""
    stall_ms: float
    """The longest the GUI thread did not turn meanwhile."""
    cpu_ms_per_label: float
    """The GUI thread's CPU time per label meanwhile."""


def settle_down(seconds: float = 1.0) -> None:
    """Let the event loop run a while (the label renderers start up meanwhile)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def one_round(queue: PrintQueue, url: str, count: int, *, in_lane: bool) -> Round:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from app.core.ledger import Ledger
    from app.core.settings import Settings
    from app.printing.ledger_guard import LedgerPrintGuard
    from app.ui.background import BackgroundRunner
    from app.ui.print_controller import PrintController
    from app.ui.queue_model import OrderQueueModel
    from tests.unit.ui.test_print_controller import waybill

    ledger = Ledger(url, station="bench")
    runner = BackgroundRunner()
    model = OrderQueueModel()
    pdf_dir = Path(tempfile.mkdtemp(prefix="bench-claims-"))
    guard = LedgerPrintGuard(ledger)
    controller = PrintController(model, queue, Settings(), pdf_dir=pdf_dir, guard=guard)
    controller.service.set_settle_lane(runner.lane() if in_lane else None)
    labels = [waybill(n) for n in range(1, count + 1)]
    model.add_refs(w.ref for w in labels)
    model.set_fetching(w.ref.key for w in labels)
    model.apply_waybills(labels)
    settle_down()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    loop = QEventLoop()
    ended: list[float] = []

    def submitted(_result: object) -> None:
        ended.append(time.perf_counter())
        ended.append(time.thread_time())
        loop.quit()

    start, cpu = time.perf_counter(), time.thread_time()
    result = controller.print_keys([w.ref.key for w in labels], source="all", then=submitted)
    returned = time.perf_counter()
    if not result.finished:
        loop.exec()
    end, cpu_end = ended
    timer.stop()
    controller.cancel_pending()
    if result.submitted != count:
        raise RuntimeError(f"{result.submitted} of {count} labels submitted: {result.refused[:1]}")
    turns = [start, *(t for t in ticks if start < t < end), end]
    stall = max(b - a for a, b in itertools.pairwise(turns))
    while controller.pending or queue.is_busy():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    runner.shutdown()
    ledger.close()
    return Round(
        (returned - start) * 1000,
        (end - start) * 1000,
        stall * 1000,
        (cpu_end - cpu) * 1000 / count,
    )


def run(quick: bool) -> list[Row]:
    from PySide6.QtWidgets import QApplication

    from app.printing.profile import make_label_profile
    from app.printing.queue import PrintQueue
    from tests.fixtures.postgres import PgServer

    count = 20 if quick else LABELS
    try:
        server = PgServer.start_new(fsync=True)
    except RuntimeError as exc:
        return [not_measured("claims", str(exc)[:120])]
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    queue = PrintQueue(make_label_profile())
    try:
        load_before = os.getloadavg()[0]
        rounds: dict[bool, list[Round]] = {False: [], True: []}
        for _ in range(2):
            for in_lane in (True, False):
                url = server.new_database()
                rounds[in_lane].append(one_round(queue, url, count, in_lane=in_lane))
        load_after = os.getloadavg()[0]
    finally:
        queue.shutdown()
        server.remove()
    lane = min(rounds[True], key=lambda r: r.stall_ms)
    gui = min(rounds[False], key=lambda r: r.stall_ms)
    note = (
        f"Print all of {count} labels on one loopback PostgreSQL ledger (fsync on), best of "
        f"2 rounds each; 'on the GUI thread' is the same request without the serial lane; "
        f"{os.cpu_count()} cores, load average {load_before:.1f} → {load_after:.1f}"
    )
    return [
        Row(
            f"claims: longest GUI-thread stall, Print all {count} labels on PostgreSQL",
            f"{lane.stall_ms:.0f} ms",
            f"on the GUI thread {gui.stall_ms:.0f} ms",
            times(lane.stall_ms / gui.stall_ms) if gui.stall_ms else "—",
            "—",
            None,
            note + f"; Print all returned to the event loop after {lane.returned_ms:.1f} ms "
            f"(on the GUI thread {gui.returned_ms:.0f} ms)",
        ),
        Row(
            f"claims: GUI-thread CPU per label, Print all {count} labels on PostgreSQL",
            f"{lane.cpu_ms_per_label:.2f} ms",
            f"on the GUI thread {gui.cpu_ms_per_label:.2f} ms",
            times(lane.cpu_ms_per_label / gui.cpu_ms_per_label) if gui.cpu_ms_per_label else "—",
            "—",
            None,
        ),
        Row(
            f"claims: all {count} labels claimed and submitted",
            f"{lane.claimed_ms:.0f} ms",
            f"on the GUI thread {gui.claimed_ms:.0f} ms",
            times(lane.claimed_ms / gui.claimed_ms) if gui.claimed_ms else "—",
            "—",
            None,
            "the request's claims run in one task of the lane, their answers come back together",
        ),
    ]


def main() -> None:
    run_main(run)


if __name__ == "__main__":
    main()
