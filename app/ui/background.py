"""The one background-work helper: run a function in a small thread pool, get its result,
error and progress back on the GUI thread through Qt signals.

Workers never touch widgets: the function runs in a `QThreadPool` thread and everything
it produces travels through a `_Relay` QObject that lives in the GUI thread, so the
`on_done`, `on_error` and `on_progress` callbacks always run on the GUI thread (queued
connections). A function that wants to report progress takes a keyword argument
``report`` (only passed when `on_progress` is given) and calls ``report(obj)``.

`SerialLane` (from `BackgroundRunner.lane()`) runs its functions one after another in the
order they were given, still off the GUI thread: for writes whose order matters (a print's
claim before its settle, settles in the order jobs ended). A function whose result must
not be lost when it is never delivered (the runner shuts down first: the window closed)
is given `on_dropped`, called with its result on the shutting-down thread instead.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

DEFAULT_MAX_THREADS = 4


class _Relay(QObject):
    """Carries one task's outcome from a worker thread to the GUI thread.

    The relay lives in the GUI thread and its signals are connected to its own slots, so
    an emit from a worker is queued and the callbacks run on the GUI thread.
    """

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)

    def __init__(
        self,
        parent: QObject,
        finish: Callable[[_Relay, object, bool], None],
        on_progress: Callable[[Any], None] | None,
    ) -> None:
        super().__init__(parent)
        self._finish = finish
        self._on_progress = on_progress
        self.dropped = False
        self.done.connect(self._done)
        self.failed.connect(self._failed)
        self.progress.connect(self._progress)

    @Slot(object)
    def _done(self, value: object) -> None:
        if not self.dropped:
            self._finish(self, value, False)

    @Slot(object)
    def _failed(self, exc: object) -> None:
        if not self.dropped:
            self._finish(self, exc, True)

    @Slot(object)
    def _progress(self, value: object) -> None:
        if self._on_progress is not None and not self.dropped:
            self._on_progress(value)


class TaskHandle:
    """What the caller keeps of a running task: whether it finished, and a way to wait."""

    def __init__(self) -> None:
        self._finished = threading.Event()
        self._delivered = False
        self._value: object = None
        self._failed = False
        self._state_lock = threading.Lock()
        self._state = "queued"  # then "started" (a pool thread runs it) or "taken back"

    @property
    def running(self) -> bool:
        """True until the function has returned or raised (in its worker thread)."""
        return not self._finished.is_set()

    @property
    def delivered(self) -> bool:
        """True once `on_done` / `on_error` has been called on the GUI thread."""
        return self._delivered

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the function has returned (not until the result is delivered)."""
        return self._finished.wait(timeout)

    def take_back(self) -> bool:
        """True if no pool thread had started the function, which now never runs there
        (the caller runs it, or drops it); False if it has started."""
        with self._state_lock:
            if self._state != "queued":
                return self._state == "taken back"
            self._state = "taken back"
            return True

    def _start(self) -> bool:
        with self._state_lock:
            if self._state != "queued":
                return False
            self._state = "started"
            return True


class _Task(QRunnable):
    def __init__(
        self,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        relay: _Relay,
        handle: TaskHandle,
        with_report: bool,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._args = args
        self._relay = relay
        self._handle = handle
        self._with_report = with_report

    def _emit(self, signal_name: str, value: object) -> None:
        try:
            getattr(self._relay, signal_name).emit(value)
        except RuntimeError:  # the relay is gone: the runner was deleted meanwhile
            log.debug("background result dropped: receiver deleted")

    def run(self) -> None:
        if not self._handle._start():  # taken back while it waited in the pool's queue
            return
        try:
            if self._with_report:
                result = self._fn(*self._args, report=lambda obj: self._emit("progress", obj))
            else:
                result = self._fn(*self._args)
        except BaseException as exc:
            self._handle._value, self._handle._failed = exc, True
            self._handle._finished.set()
            self._emit("failed", exc)
        else:
            self._handle._value = result
            self._handle._finished.set()
            self._emit("done", result)


class BackgroundRunner(QObject):
    """A small private thread pool whose results come back on the GUI thread.

    Create it on the GUI thread. Call `shutdown()` (e.g. when the window closes) to wait
    for running tasks; their results are then dropped.
    """

    def __init__(self, parent: QObject | None = None, max_threads: int = DEFAULT_MAX_THREADS):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        self._lanes: list[SerialLane] = []

    @property
    def active_count(self) -> int:
        """Tasks started or waiting whose result has not been delivered yet."""
        return len(self._relays)

    def run(
        self,
        fn: Callable[..., object],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> TaskHandle:
        """Run ``fn(*args)`` (plus ``report=`` when `on_progress` is given) in the pool."""
        handle = TaskHandle()

        def finish(relay: _Relay, value: object, err: bool) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            handle._delivered = True
            if err and on_error is not None and isinstance(value, BaseException):
                on_error(value)
            elif not err and on_done is not None:
                on_done(value)
            elif err:
                log.error("background task failed", exc_info=value)  # type: ignore[arg-type]

        relay = _Relay(self, finish, on_progress)  # lives in the GUI thread
        self._relays.add(relay)
        self._pool.start(_Task(fn, args, relay, handle, on_progress is not None))
        return handle

    def offload(
        self,
        work: Callable[[], object],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """`run` in the shape of `app.printing.offload.Offload` (the print queue's)."""
        self.run(work, on_done=done, on_error=failed)

    def lane(self) -> SerialLane:
        """A new `SerialLane` running on this runner's pool (`shutdown` finishes its work)."""
        lane = SerialLane(self)
        self._lanes.append(lane)
        return lane

    @Slot()
    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop queued tasks, wait for the running ones; True if all finished in time.
        What the lanes were given and did not start yet runs here, without callbacks: a
        lane holds writes that must not be lost (`on_dropped` gets what they return, and
        what a lane's function that ended undelivered returned)."""
        self._pool.clear()
        finished = self._pool.waitForDone(timeout_ms)
        for lane in self._lanes:
            lane.flush(0, abandon=True)
        for relay in list(self._relays):
            relay.dropped = True  # results already queued to the GUI thread are ignored
            if finished:  # a worker still running may yet emit on it: keep it alive
                relay.deleteLater()
        self._relays.clear()
        return finished


_Step = tuple[
    Callable[..., object],
    tuple[Any, ...],
    Callable[[Any], None] | None,
    Callable[[BaseException], None] | None,
    Callable[[Any], None] | None,
]


class SerialLane:
    """Runs functions one at a time, in the order given, on a `BackgroundRunner`.

    The next function starts once the previous one's result has been delivered on the GUI
    thread, so results arrive in order too. `flush()` runs whatever has not started yet
    in the calling thread (for closing, when the runner is about to shut down).
    """

    def __init__(self, runner: BackgroundRunner) -> None:
        self._runner = runner
        self._waiting: deque[_Step] = deque()
        self._current: TaskHandle | None = None
        self._current_step: _Step | None = None

    @property
    def pending(self) -> int:
        """Functions given and not yet delivered (the running one included)."""
        return len(self._waiting) + (self._current is not None)

    def run(
        self,
        fn: Callable[..., object],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_dropped: Callable[[Any], None] | None = None,
    ) -> None:
        """Run ``fn(*args)`` after everything given before; callbacks on the GUI thread.
        `on_dropped(value)` instead of `on_done` when its result is never delivered."""
        self._waiting.append((fn, args, on_done, on_error, on_dropped))
        self._start_next()

    def _start_next(self) -> None:
        if self._current is not None or not self._waiting:
            return
        step = self._waiting.popleft()
        fn, args, on_done, on_error, _on_dropped = step

        def done(value: object) -> None:
            self._current = None
            try:
                if on_done is not None:
                    on_done(value)
            finally:
                self._start_next()

        def failed(exc: BaseException) -> None:
            self._current = None
            try:
                if on_error is not None:
                    on_error(exc)
                else:
                    log.error("background task failed", exc_info=exc)
            finally:
                self._start_next()

        self._current_step = step
        self._current = self._runner.run(fn, *args, on_done=done, on_error=failed)

    def flush(self, timeout: float | None = 30.0, *, abandon: bool = False) -> int:
        """Wait for the running function, then run the waiting ones here without their
        callbacks (their `on_dropped` gets what they return); returns how many ran here.
        `abandon` (the runner shuts down: nothing will be delivered any more): the running
        function's `on_dropped` gets its result here too, if it ended undelivered, and
        one that no pool thread had started yet (the runner dropped its queue) runs here
        first, like the waiting ones."""
        current, step = self._current, self._current_step
        if current is not None and step is not None:
            if abandon and current.take_back():
                self._current = None
                self._waiting.appendleft(step)
            else:
                current.wait(timeout)
                if abandon:
                    self._current = None
                    if not current.running and not current.delivered and not current._failed:
                        _hand_over(step[4], current._value)
        ran = 0
        while self._waiting:
            fn, args, _done, _failed, on_dropped = self._waiting.popleft()
            try:
                value = fn(*args)
            except Exception:
                log.exception("background task failed")
            else:
                _hand_over(on_dropped, value)
            ran += 1
        return ran


def _hand_over(on_dropped: Callable[[Any], None] | None, value: object) -> None:
    if on_dropped is not None:
        try:
            on_dropped(value)
        except Exception:
            log.exception("a dropped background result could not be handled")
