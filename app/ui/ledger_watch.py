"""The idle window notices the warehouse ledger going away (and coming back).

The ledger's heartbeat (`app.core.ledger_runs.Heartbeat`) already beats on its own thread
and connection; `watch_heartbeat` only reads its last state on a GUI-thread timer (a plain
attribute read that never waits on the network) and tells the packer, in the window's
yellow line, when the warehouse ledger stops answering and, plainly, when it answers again.
While prints go to the station's own guard the fallback's banner says it already (and a
failure seen then is not told again once back, until a beat has gone through).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from app.core.ledger import Ledger

WATCH_EVERY_MS = 1_000
"""How often the window reads the heartbeat's state."""


def watch_heartbeat(
    ledger: Ledger,
    quiet: Callable[[], bool],
    parent: QObject,
    tell: Callable[[str, bool], None],
    every_ms: int = WATCH_EVERY_MS,
) -> QTimer:
    """A started timer telling `tell(text, warning)` of the heartbeat's changes; nothing is
    said while `quiet()` (the window prints on the local guard and says so already)."""
    timer = QTimer(parent)
    timer.setInterval(every_ms)
    told = False  # the packer was told the ledger does not answer
    stale = False  # a failure seen while quiet: said by the banner, not again

    def look() -> None:
        nonlocal told, stale
        problem = ledger.heartbeat_problem
        if quiet():
            told, stale = False, problem is not None or stale
            return
        if problem is None:
            if told:
                tell(
                    QCoreApplication.translate(
                        "LedgerWatch", "The warehouse ledger answers again."
                    ),
                    False,
                )
            told = stale = False
        elif not told and not stale:
            told = True
            text = QCoreApplication.translate(
                "LedgerWatch",
                "The warehouse ledger does not answer ({0}). Printing asks what to do until "
                "it is back.",
            )
            tell(text.format(problem), True)

    timer.timeout.connect(look)
    timer.start()
    return timer
