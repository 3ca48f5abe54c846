"""Runs: which program instance works on the ledger, and whether it is still alive.

Every `Ledger` registers a run: host name, process id, station, start time and a
heartbeat the ledger refreshes while it is open (`Heartbeat`, its own thread and
connection; without one, a print start at most once per `HEARTBEAT_S`). A run is
*gone* when it ended (closed its ledger), when it lives on this host and its process
no longer exists, or when its heartbeat is older than `STALE_AFTER_S` (another host's
run, or a process id reused by another program). Recovery settles only the rows of
runs that are gone, so the window, `fetch`, `resume` and `reprint` — and, on a shared
ledger, every station — can work at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from app.core.ledger_db import Db
from app.core.ledger_records import LedgerError

log = logging.getLogger(__name__)

HEARTBEAT_S = 15.0
"""How often an open ledger says its run is alive."""
STALE_AFTER_S = 120.0
"""A run silent for this long is gone, whatever its process id says."""

ProcessAlive = Callable[[str, int], bool]
"""(host, pid) → is that process alive? Only ever asked about this host's processes."""


def this_host() -> str:
    return socket.gethostname()


def pid_alive(host: str, pid: int) -> bool:
    """True when process `pid` exists on this machine and is not a zombie."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): the signal test is all there is
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def register(db: Db, *, host: str, station: str, now: float) -> int:
    """Insert this process's run (inside the caller's transaction); returns its id."""
    run_id = db.insert(
        "INSERT INTO runs (pid, started_at, host, station, heartbeat_at) VALUES (?, ?, ?, ?, ?)"
        " RETURNING id",
        (os.getpid(), now, host, station, now),
    )
    if run_id is None:
        raise LedgerError("the ledger did not register this run")
    return run_id


def beat(db: Db, run_id: int, now: float) -> None:
    db.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (now, run_id))


def settle_gone_runs(
    db: Db, *, run_id: int, host: str, now: float, alive: ProcessAlive
) -> list[int]:
    """Mark every open run other than `run_id` whose process is gone as ended; their ids."""
    gone: list[int] = []
    rows = db.execute(
        "SELECT id, host, pid, coalesce(heartbeat_at, started_at) AS beat FROM runs"
        " WHERE ended_at IS NULL AND id != ?",
        (run_id,),
    ).fetchall()
    for row in rows:
        stale = now - float(row["beat"]) > STALE_AFTER_S
        dead_here = row["host"] in (host, "") and not alive(host, int(row["pid"]))
        if stale or dead_here:
            gone.append(int(row["id"]))
    for gone_id in gone:
        db.execute("UPDATE runs SET ended_at = ? WHERE id = ?", (now, gone_id))
    if gone:
        log.info("settling %d ledger runs whose process is gone: %s", len(gone), gone)
    return gone


class Heartbeat:
    """Refreshes one run's heartbeat every `every_s` seconds on its own connection."""

    def __init__(
        self,
        connect: Callable[[], Db],
        run_id: int,
        clock: Callable[[], float],
        every_s: float = HEARTBEAT_S,
    ) -> None:
        self._connect = connect
        self._run_id = run_id
        self._clock = clock
        self._every_s = every_s
        self._stop = threading.Event()
        self.problem: str | None = None
        """Why the last beat failed (None: it went through); set by the heartbeat thread."""
        self._thread = threading.Thread(target=self._loop, name="ledger-heartbeat", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        db: Db | None = None
        while not self._stop.wait(self._every_s):
            try:
                if db is None or db.broken:
                    db = self._connect()
                beat(db, self._run_id, self._clock())
                self.problem = None
            except Exception as exc:  # server away: try a new connection next time
                log.warning("ledger heartbeat failed: %s", exc)
                self.problem = str(exc) or type(exc).__name__
                if db is not None:
                    with contextlib.suppress(Exception):
                        db.close()
                db = None
        if db is not None:
            db.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
