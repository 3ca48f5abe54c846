"""Waiting for a condition inside a running Qt event loop, as the program itself runs.

`QEventLoop.exec()` with the condition checked every 2 ms by a timer. Spinning
`processEvents(WaitForMoreEvents, …)` from Python instead returns after every batch of
events; QtWebEngine posts many small ones, and that loop measured about twice the CPU per
printed label and half the throughput of the same work under `exec()` (the real window
runs `app.exec()`), so it would have been the benchmark measuring itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer

CHECK_INTERVAL_MS = 2


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    """Run the event loop until `condition()` holds; TimeoutError after `timeout` s."""
    if condition():
        return
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    timed_out = False

    def check() -> None:
        nonlocal timed_out
        if condition():
            loop.quit()
        elif time.monotonic() > deadline:
            timed_out = True
            loop.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(CHECK_INTERVAL_MS)
    loop.exec()
    timer.stop()
    if timed_out:
        raise TimeoutError("gave up waiting")
