"""What the window shows of the warehouse ledger's fallback, and the timer behind it.

`attach_fallback` hooks a `FallbackPrintGuard` (`app.ui.ledger_fallback`) into a window:
the outage question over the window, a banner in the status bar while prints go to the
station's own guard, the timer that looks for the warehouse ledger meanwhile, what the
packer is told when it went away and when it is back (with any waybill printed here and
elsewhere), and the heartbeat watch (`app.ui.ledger_watch`) for an idle window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from app.core.ledger_sync import SyncReport
from app.ui.background import BackgroundRunner
from app.ui.ledger_fallback import FallbackPrintGuard
from app.ui.ledger_outage_prompt import ask_outage
from app.ui.ledger_watch import WATCH_EVERY_MS, watch_heartbeat

LOOK_EVERY_MS = 5_000
"""How often the window looks whether the warehouse ledger is back."""
_BANNER_STYLE = "QLabel { background: #ffd600; color: #222; font-weight: bold; padding: 2px 6px; }"


@dataclass
class FallbackParts:
    """What `attach_fallback` added to the window."""

    timer: QTimer
    """Looks for the warehouse ledger while prints go to the local guard."""
    banner: QLabel
    """Stays in the status bar while prints go to the local guard."""
    watch: QTimer
    """Reads the heartbeat's state (no waiting): says so when the warehouse ledger stops
    or starts answering while the window is idle."""


def attach_fallback(
    guard: FallbackPrintGuard,
    runner: BackgroundRunner,
    window: QMainWindow,
    tell: Callable[[str, bool], None],
    *,
    look_every_ms: int = LOOK_EVERY_MS,
    watch_every_ms: int = WATCH_EVERY_MS,
) -> FallbackParts:
    """Hook the guard into a window: its question over `window`, `tell(text, warning)`
    for what the packer must know, a banner in the status bar while printing on the local
    guard, and the timer that looks for the warehouse ledger."""
    guard.choose = lambda problem: ask_outage(window, problem)
    timer = QTimer(window)
    timer.setInterval(look_every_ms)
    timer.timeout.connect(lambda: guard.look_for_warehouse(runner))
    banner = QLabel(
        QCoreApplication.translate(
            "FallbackPrintGuard", "Warehouse ledger away: printing with this station's guard only"
        )
    )
    banner.setObjectName("ledgerAwayBanner")
    banner.setStyleSheet(_BANNER_STYLE)
    window.statusBar().addPermanentWidget(banner)
    banner.hide()

    def went_local(problem: str) -> None:
        tell(
            QCoreApplication.translate(
                "FallbackPrintGuard",
                "The warehouse ledger cannot be reached ({0}): printing with this station's "
                "own guard only. The prints are written to the warehouse ledger when it is back.",
            ).format(problem),
            True,
        )
        banner.show()
        timer.start()

    def returned(report: SyncReport) -> None:
        timer.stop()
        banner.hide()
        if report.elsewhere:
            text = QCoreApplication.translate(
                "FallbackPrintGuard",
                "The warehouse ledger is back. While it was away, these waybills were printed "
                "here and at another station too: {0}",
            ).format(", ".join(report.elsewhere))
            tell(text, True)
        else:
            tell(
                QCoreApplication.translate(
                    "FallbackPrintGuard",
                    "The warehouse ledger is back; the {0} prints made meanwhile are recorded "
                    "in it.",
                ).format(report.copied),
                False,
            )

    guard.wentLocal.connect(went_local)
    guard.returned.connect(returned)
    watch = watch_heartbeat(guard.ledger, lambda: guard.local, window, tell, watch_every_ms)
    return FallbackParts(timer, banner, watch)
