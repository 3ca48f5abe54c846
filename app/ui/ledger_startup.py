"""Opening the window's ledger at start, never silently without one.

A ledger file that cannot be used (not a database, from a newer program, unreadable) would
switch off history, crash recovery and the guard against printing a waybill twice across
sessions. So the packer sees a blocking message saying what is wrong, with two ways out:
"Move it aside and start a new ledger" — the old file is kept, renamed
``<name>.unusable-<time>`` next to it, for whoever wants to look at it — or Quit
(`LedgerQuit`; the program ends with status 2, as the command line does).

A warehouse ledger (PostgreSQL) that cannot be reached at start does not block scanning:
the session falls back to the station's own ledger file — the local guard — and says so
(`LedgerSession.notice`, shown once the window is up). Prints made meanwhile are written
to the warehouse ledger at the next start that reaches it (`app.core.ledger_sync`), and
any waybill printed elsewhere meanwhile is listed for the packer. One that goes away
later, mid-session, is the packer's choice too (`app.ui.ledger_fallback`).

`open_window_ledger` runs before the window exists and before the event loop runs, like
`open_ledger_session`, which it wraps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from app.core.ledger_records import LedgerError, LedgerUnavailable
from app.core.ledger_url import LedgerLocation
from app.printing.ledger_guard import LedgerPrintGuard
from app.ui.ledger_fallback import FallbackPrintGuard
from app.ui.ledger_session import LedgerSession, open_ledger_session

log = logging.getLogger(__name__)

ChooseMoveAside = Callable[[str, str], bool]
"""`(where the ledger is, what is wrong) -> True to move it aside, False to quit`."""


class LedgerQuit(Exception):
    """The ledger cannot be used and the packer chose to quit."""


def unusable_text(location: str, problem: str) -> str:
    return QCoreApplication.translate(
        "LedgerStartup",
        "The ledger {0} cannot be used: {1}\n\nWithout it the program keeps no history, "
        "cannot finish what an earlier run left, and cannot stop a waybill from being "
        "printed twice across sessions.\n\nMove it aside and start a new ledger (the old "
        "file is kept, renamed), or quit and ask for help.",
    ).format(location, problem)


def ask_move_aside(location: str, problem: str) -> bool:
    """The blocking message box: True when the packer chose to move the file aside."""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("LedgerStartup", "The ledger cannot be used"),
        "",
    )
    box.setText(unusable_text(location, problem))
    move = box.addButton(
        QCoreApplication.translate("LedgerStartup", "Move it aside and start a new ledger"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    quit_button = box.addButton(
        QCoreApplication.translate("LedgerStartup", "Quit"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(quit_button)
    box.exec()
    return box.clickedButton() is move


def move_aside(path: Path, now: float | None = None) -> Path:
    """Rename the ledger file (and its WAL and shared-memory files); returns the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    target = path.with_name(f"{path.name}.unusable-{stamp}")
    path.rename(target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def open_window_ledger(
    location: LedgerLocation | Path,
    retention_days: int,
    *,
    choose: ChooseMoveAside = ask_move_aside,
    **ledger_options: Any,
) -> LedgerSession:
    """`open_ledger_session`, or the packer's choice when the file cannot be used.

    Raises `LedgerQuit` when the packer quits (or the file cannot even be moved).
    """
    if isinstance(location, Path):
        location = LedgerLocation(location)
    if location.url is not None:
        return _open_shared(location, retention_days, choose, ledger_options)
    path = location.path
    try:
        return open_ledger_session(path, retention_days, **ledger_options)
    except LedgerError as exc:
        problem = str(exc)
        log.error("the ledger %s cannot be used: %s", path, problem)
    if not choose(str(path), problem):
        raise LedgerQuit(problem)
    try:
        moved = move_aside(path)
    except OSError as exc:
        raise LedgerQuit(f"{problem}; moving it aside failed too: {exc}") from exc
    log.warning("the unusable ledger was moved aside to %s; starting a new one", moved)
    try:
        session = open_ledger_session(path, retention_days, **ledger_options)
    except LedgerError as exc:
        raise LedgerQuit(str(exc)) from exc
    session.notice = QCoreApplication.translate(
        "LedgerStartup", "The unusable ledger was kept as {0}; a new one was started."
    ).format(moved)
    return session


def _open_shared(
    location: LedgerLocation,
    retention_days: int,
    choose: ChooseMoveAside,
    ledger_options: dict[str, Any],
) -> LedgerSession:
    from app.core.ledger_sync import sync_local_prints

    try:
        session = open_ledger_session(
            location.target, retention_days, password=location.password, **ledger_options
        )
    except LedgerUnavailable as exc:
        log.error("the warehouse ledger cannot be reached: %s", exc)
        local = open_window_ledger(location.path, retention_days, choose=choose, **ledger_options)
        local.notice = QCoreApplication.translate(
            "LedgerStartup",
            "The warehouse ledger {0} cannot be reached ({1}). Prints are checked against "
            "this station's own ledger only and written to the warehouse ledger when it is "
            "back (restart then).",
        ).format(location.shown, exc)
        return local
    except LedgerError as exc:
        raise LedgerQuit(f"{location.shown}: {exc}") from exc
    if isinstance(session.guard, LedgerPrintGuard):  # mid-session outages: the packer decides
        session.guard = FallbackPrintGuard(
            session.guard,
            location.path,
            station=session.ledger.station,
            session_id=session.session_id,
        )
    if location.path.exists():
        try:
            report = sync_local_prints(location.path, session.ledger)
        except LedgerError as exc:
            log.error("the station's own prints could not be written to the warehouse: %s", exc)
        else:
            if report.elsewhere:
                session.notice = QCoreApplication.translate(
                    "LedgerStartup",
                    "While the warehouse ledger was away, these waybills were printed here "
                    "and at another station too: {0}",
                ).format(", ".join(report.elsewhere))
    return session
