"""How the print queue gets slow label work off the thread that drives it.

Checking a rendered label (pdfium rasterises it, zxing-cpp reads its barcode) and writing
a label's PDF file take tens of milliseconds each; on the GUI thread they make a packer's
keystrokes wait while a long print run goes on. The queue hands such work to an `Offload`:
a callable taking `(work, done, failed)` that runs `work()` somewhere and later calls
`done(result)` — or `failed(exception)` — back on the queue's own thread.

`run_inline` does it at once on the calling thread: the default, for the command line (no
event loop worth keeping free) and for tests of the queue alone. The window hands in its
one background-work helper (`app.ui.background.BackgroundRunner.offload`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Offload(Protocol):
    """Runs `work()` and calls `done(result)` or `failed(exc)` on the caller's thread."""

    def __call__(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None: ...


def run_inline(
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
) -> None:
    """The `Offload` that runs the work right away, on this thread."""
    try:
        result = work()
    except Exception as exc:
        failed(exc)
        return
    done(result)
