"""BackgroundRunner: work runs in the pool, results come back on the GUI thread."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from app.ui.background import BackgroundRunner


@pytest.fixture
def runner(qapp: Any) -> Any:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()
    runner.deleteLater()


def test_result_comes_back_on_the_gui_thread(runner: BackgroundRunner, qtbot: QtBot) -> None:
    ran_in: list[threading.Thread] = []
    delivered_in: list[threading.Thread] = []
    results: list[object] = []

    def work(a: int, b: int) -> int:
        ran_in.append(threading.current_thread())
        return a + b

    def done(value: object) -> None:
        delivered_in.append(threading.current_thread())
        results.append(value)

    handle = runner.run(work, 2, 3, on_done=done)
    qtbot.waitUntil(lambda: handle.delivered, timeout=5000)
    assert results == [5]
    assert ran_in[0] is not threading.main_thread()
    assert delivered_in == [threading.main_thread()]
    assert runner.active_count == 0


def test_exception_goes_to_on_error(runner: BackgroundRunner, qtbot: QtBot) -> None:
    errors: list[BaseException] = []
    done: list[object] = []

    def work() -> None:
        raise ValueError("bad input")

    handle = runner.run(work, on_done=done.append, on_error=errors.append)
    qtbot.waitUntil(lambda: handle.delivered, timeout=5000)
    assert done == []
    assert isinstance(errors[0], ValueError)
    assert str(errors[0]) == "bad input"


def test_progress_arrives_in_order_before_the_result(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    events: list[tuple[str, object, bool]] = []

    def work(count: int, *, report: Any) -> str:
        for i in range(count):
            report(i)
        return "finished"

    def on_progress(value: object) -> None:
        events.append(("progress", value, threading.current_thread() is threading.main_thread()))

    def on_done(value: object) -> None:
        events.append(("done", value, threading.current_thread() is threading.main_thread()))

    handle = runner.run(work, 5, on_done=on_done, on_progress=on_progress)
    qtbot.waitUntil(lambda: handle.delivered, timeout=5000)
    assert events == [("progress", i, True) for i in range(5)] + [("done", "finished", True)]


def test_tasks_run_in_parallel_up_to_the_pool_size(runner: BackgroundRunner, qtbot: QtBot) -> None:
    barrier = threading.Barrier(4, timeout=5)
    results: list[object] = []
    handles = [runner.run(lambda: barrier.wait() >= 0, on_done=results.append) for _ in range(4)]
    qtbot.waitUntil(lambda: all(h.delivered for h in handles), timeout=10000)
    assert results == [True] * 4


def test_shutdown_waits_and_drops_results(runner: BackgroundRunner, qtbot: QtBot) -> None:
    release = threading.Event()
    results: list[object] = []
    handle = runner.run(lambda: release.wait(5), on_done=results.append)
    release.set()
    assert runner.shutdown(5000)
    assert not handle.running
    # The worker has ended, so its result is already posted to this thread: deliver every
    # posted event, then look.
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert results == [] and not handle.delivered


def test_a_lane_runs_one_at_a_time_in_order_off_the_gui_thread(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lane = runner.lane()
    gui = threading.get_ident()
    running = threading.Semaphore(1)  # a second step running at once would fail to take it
    seen: list[tuple[int, bool]] = []
    delivered: list[int] = []

    def step(n: int) -> int:
        assert running.acquire(blocking=False), "two steps of one lane ran at once"
        try:
            threading.Event().wait(0.01 * (5 - n))  # earlier steps take longer
            seen.append((n, threading.get_ident() != gui))
            return n
        finally:
            running.release()

    for n in range(5):
        lane.run(step, n, on_done=delivered.append)
    qtbot.waitUntil(lambda: len(delivered) == 5, timeout=10000)
    assert seen == [(n, True) for n in range(5)]
    assert delivered == [0, 1, 2, 3, 4] and lane.pending == 0


def test_a_lane_goes_on_after_an_error_and_flush_runs_the_rest_here(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lane = runner.lane()
    release = threading.Event()
    errors: list[BaseException] = []
    ran: list[str] = []

    def boom() -> None:
        release.wait(5)
        raise RuntimeError("disk full")

    lane.run(boom, on_error=errors.append)
    lane.run(ran.append, "second")
    lane.run(ran.append, "third")
    assert lane.pending == 3
    release.set()
    assert lane.flush(5) == 2
    assert ran == ["second", "third"]
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    assert str(errors[0]) == "disk full"


def test_shutdown_hands_a_lanes_undelivered_results_to_on_dropped(qapp: Any) -> None:
    """The runner shuts down before a lane's results are delivered (the window closed):
    the function that ran undelivered, and those run at shutdown, give their results to
    `on_dropped` — on the thread shutting down, in the lane's order; never `on_done`."""
    runner = BackgroundRunner()
    lane = runner.lane()
    release = threading.Event()
    dropped: list[tuple[object, threading.Thread]] = []
    done: list[object] = []

    def note(value: object) -> None:
        dropped.append((value, threading.current_thread()))

    def first() -> str:
        assert release.wait(5)
        return "claimed"

    lane.run(first, on_done=done.append, on_dropped=note)
    lane.run(lambda: "waiting", on_done=done.append, on_dropped=note)
    lane.run(lambda: "no one asks", on_done=done.append)
    release.set()  # the first ends while nothing delivers its result
    assert runner.shutdown()
    QCoreApplication.processEvents()  # anything still queued is dropped
    assert dropped == [("claimed", threading.main_thread()), ("waiting", threading.main_thread())]
    assert done == [] and lane.pending == 0
    runner.deleteLater()


def test_a_lane_function_still_queued_at_shutdown_runs_there_in_its_order(qapp: Any) -> None:
    """The window closes while the pool's one thread is busy: a lane's function waits in
    the pool's queue, which shutdown drops. It must still run (a settings save, a claim's
    settle), once, before the lane's later functions, its result to `on_dropped`."""
    runner = BackgroundRunner(max_threads=1)
    lane = runner.lane()
    busy = threading.Event()
    ran: list[str] = []
    dropped: list[object] = []

    def occupy_the_pool() -> None:
        busy.set()
        threading.Event().wait(0.3)  # still running when shutdown drops the queue

    def save(name: str) -> str:
        ran.append(name)
        return f"{name} saved"

    runner.run(occupy_the_pool)
    assert busy.wait(5)
    lane.run(save, "settings", on_dropped=dropped.append)  # queued behind the busy thread
    lane.run(save, "window state", on_dropped=dropped.append)
    assert runner.shutdown()
    QCoreApplication.processEvents()
    assert ran == ["settings", "window state"]
    assert dropped == ["settings saved", "window state saved"]
    assert lane.pending == 0
    runner.deleteLater()


def test_a_delivered_result_is_not_handed_to_on_dropped(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lane = runner.lane()
    dropped: list[object] = []
    done: list[object] = []
    lane.run(lambda: 7, on_done=done.append, on_dropped=dropped.append)
    qtbot.waitUntil(lambda: done == [7], timeout=5000)
    runner.shutdown()
    assert dropped == []
