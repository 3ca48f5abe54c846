"""Ctrl-C during a long command: the first one asks for a clean stop, the second quits.

`stop_on_interrupt(stop, err)` is a context manager for the command line's main thread:
while it is active, the first SIGINT only sets `stop` (and says on `err` what happens
now), so the command finishes what is under way — the calls in flight answered and
stored, their lines written whole — and stops before the next step. A second SIGINT
raises `KeyboardInterrupt` as usual (`app.cli.program` turns it into one line and status
130). Off the main thread (a command run inside a test's thread) it does nothing: only
the main thread may take a signal handler.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

STOPPING = (
    "stopping (Ctrl-C): the calls under way finish and are reported, then the run ends; "
    "press Ctrl-C again to quit at once"
)


@contextmanager
def stop_on_interrupt(stop: threading.Event, err: TextIO, prog: str) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print(f"{prog}: {STOPPING}", file=err, flush=True)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
