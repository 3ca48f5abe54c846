"""The window's ledger: opened at start, settled, and hooked into the window's flows.

`open_ledger_session(location, retention_days)` opens the ledger (the same
``<data dir>/ledger.sqlite3`` the command line uses, or the warehouse ledger's URL),
prunes history older than the retention setting and settles what runs that are over left
unfinished (`Ledger.recover`). This runs once, before the window is shown and before the
event loop runs, so the packer never waits on it in a live window. Its `guard` goes into
`WindowServices.print_guard`. A ledger that cannot be opened is the packer's decision,
never silent (`app.ui.ledger_startup`).

`attach_ledger(window, session)` then hooks the rest into a built window (`LedgerHost`:
the few members of the main window it uses): the
`LedgerRecorder` (queued orders, fetch answers), the History window (menu and Ctrl+H),
the unfinished work back in the queue with a notice, and — when prints of the last run
have an unknown outcome — the `RecoveryDialog` that asks the packer about each.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QStatusBar, QWidget

from app.core.ledger import Ledger
from app.core.ledger_records import Recovery
from app.core.ledger_runs import HEARTBEAT_S
from app.core.settings import Settings
from app.printing.ledger_guard import LedgerPrintGuard, LedgerRows
from app.ui.actions import make_action
from app.ui.fetch_controller import FetchController
from app.ui.history_window import HistoryWindow
from app.ui.job_follow import follow_left_in_printer
from app.ui.ledger_fallback import FallbackPrintGuard
from app.ui.ledger_fallback_bar import FallbackParts, attach_fallback
from app.ui.ledger_recorder import LedgerRecorder, install_recorder
from app.ui.print_controller import PrintController
from app.ui.queue_model import OrderQueueModel
from app.ui.recovery_dialog import RecoveryDialog, Restored, recovery_notice, restore_unfinished
from app.ui.scan_bar import Feedback
from app.ui.services import WindowServices

log = logging.getLogger(__name__)


@dataclass
class LedgerSession:
    """An open ledger, what the last run left, and the guard the print controller uses."""

    ledger: Ledger
    rows: LedgerRows
    guard: LedgerPrintGuard | FallbackPrintGuard
    """The warehouse ledger's guard with its fallback to the station's own (a shared
    ledger opened by `app.ui.ledger_startup`), or the ledger's guard."""
    recovery: Recovery
    pruned: int
    session_id: str
    notice: str = ""
    """Shown in the window once it is up (e.g. where an unusable ledger was moved)."""

    def close(self) -> None:
        if isinstance(self.guard, FallbackPrintGuard):
            self.guard.close()
        self.ledger.close()


def open_ledger_session(
    location: Path | str, retention_days: int, **ledger_options: Any
) -> LedgerSession:
    """Open, prune and recover (see the module docstring). Raises `LedgerError`.

    `ledger_options` go to `Ledger` (station, password, heartbeat_s, ...).
    """
    session_id = uuid.uuid4().hex[:12]
    ledger_options.setdefault("heartbeat_s", HEARTBEAT_S)
    ledger = Ledger(location, session_id=session_id, **ledger_options)
    try:
        pruned = ledger.prune(retention_days)
        recovery = ledger.recover()
    except BaseException:
        ledger.close()
        raise
    if pruned:
        log.info("removed %d orders older than %d days from the ledger", pruned, retention_days)
    rows = LedgerRows()
    guard = LedgerPrintGuard(ledger, rows, session_id=session_id)
    return LedgerSession(ledger, rows, guard, recovery, pruned, session_id)


class LedgerHost(Protocol):
    """What the ledger's features use of the window."""

    @property
    def services(self) -> WindowServices: ...

    @property
    def model(self) -> OrderQueueModel: ...

    @property
    def fetcher(self) -> FetchController: ...

    @property
    def printer(self) -> PrintController: ...

    @property
    def settings(self) -> Settings: ...

    def tell(self, text: str, tone: Feedback = Feedback.INFO) -> None: ...

    def window(self) -> QWidget: ...

    def menuBar(self) -> QMenuBar: ...

    def statusBar(self) -> QStatusBar: ...


class LedgerFeatures(QObject):
    """What `attach_ledger` hooked into one window."""

    def __init__(self, window: LedgerHost, session: LedgerSession) -> None:
        widget = window.window()
        super().__init__(widget)
        self._window = window
        self._widget = widget
        self.session = session
        runner = window.services.runner
        self.recorder: LedgerRecorder = install_recorder(
            session.ledger,
            session.rows,
            window.model,
            runner,
            window.fetcher,
            self,
            session_id=session.session_id,
        )
        self.history: HistoryWindow | None = None
        self.history_action: QAction = make_action(
            widget,
            self.tr("&History…"),
            self.tr("Search past orders and prints, reprint or export stored labels"),
            [QKeySequence("Ctrl+H")],
        )
        self.history_action.triggered.connect(self.open_history)
        widget.addAction(self.history_action)
        bar = window.menuBar()
        menu = QMenu(self.tr("Hi&story"), widget)
        menu.addAction(self.history_action)
        existing = bar.actions()
        if existing:  # before the last menu (Help)
            bar.insertMenu(existing[-1], menu)
        else:
            bar.addMenu(menu)
        self.recovery_dialog: RecoveryDialog | None = None
        self.restored: Restored = self._restore(session.recovery)
        self.printed_elsewhere: list[str] = []
        """Waybills printed here on the local guard and at another station meanwhile."""
        self.fallback: FallbackParts | None = None
        if isinstance(session.guard, FallbackPrintGuard):
            if not isinstance(widget, QMainWindow):  # its banner goes in the status bar
                raise TypeError("the ledger's features need the station's main window")
            self.fallback = attach_fallback(session.guard, runner, widget, self._tell)
            session.guard.returned.connect(
                lambda report: self.printed_elsewhere.extend(report.elsewhere)
            )

    def _tell(self, text: str, warning: bool) -> None:
        self._window.tell(text, Feedback.WARNING if warning else Feedback.OK)

    def _restore(self, recovery: Recovery) -> Restored:
        window = self._window
        restored = restore_unfinished(window.model, recovery, self.session.rows)
        notices = [self.session.notice] if self.session.notice else []
        if restored.any:
            notices.append(recovery_notice(restored))
        if notices:
            window.tell(" ".join(notices), Feedback.WARNING)
        follow_left_in_printer(window, recovery.in_printer)
        if recovery.unknown_prints:
            self.recovery_dialog = RecoveryDialog(
                self.session.ledger,
                recovery.unknown_prints,
                window.services.runner,
                window.model,
                self.session.rows,
                self._widget,
            )
            QTimer.singleShot(0, self.recovery_dialog, self.recovery_dialog.open)
        return restored

    def open_history(self) -> HistoryWindow:
        """Show the History window (one per main window) and search everything."""
        window = self._window
        if self.history is None:
            self.history = HistoryWindow(
                self.session.ledger,
                window.services.runner,
                window.printer,
                window.services.label_profile,
                lambda: window.settings,
                self._widget,
            )
            self.history.message.connect(lambda text: window.statusBar().showMessage(text, 15_000))
            self.history.search()
        self.history.show()
        self.history.raise_()
        return self.history


def attach_ledger(window: LedgerHost, session: LedgerSession) -> LedgerFeatures:
    """Hook the ledger into a built window (see the module docstring)."""
    return LedgerFeatures(window, session)
