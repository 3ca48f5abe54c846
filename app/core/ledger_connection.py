"""The ledger's connection: where it is, the run it registered, and its transactions.

`LedgerConnection` opens the SQLite file or the PostgreSQL URL (`app.core.ledger_db`),
migrates it, registers this process's run (`app.core.ledger_runs`, with an optional
heartbeat thread) and hands `Ledger` one transaction at a time (`_tx`), reconnecting once
per call after the server went away. See `app.core.ledger` for what is recorded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from app.core import ledger_runs as runs
from app.core.ledger_db import Db, PgDb, SqliteDb, is_url
from app.core.ledger_records import LedgerError
from app.core.ledger_schema import migrate
from app.core.ledger_url import mask_url

log = logging.getLogger(__name__)


class LedgerConnection:
    """The ledger's connection, run and transactions (`Ledger` adds what it records)."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], float] = time.time,
        station: str | None = None,
        session_id: str | None = None,
        password: str | None = None,
        process_alive: runs.ProcessAlive = runs.pid_alive,
        heartbeat_s: float | None = None,
    ) -> None:
        self._url = str(path) if is_url(path) else None
        self._path = Path(path)
        self.location = mask_url(self._url) if self._url else str(self._path)
        """Where the ledger is, safe to show (a URL's password masked)."""
        self._password = password
        self._clock = clock
        self._lock = threading.Lock()
        self.host = runs.this_host()
        self.station = station or self.host
        self.session_id = session_id
        self._alive = process_alive
        self.journal_mode = ""
        db = self._connect()
        try:
            self.migrated_from = migrate(db)
            db.begin(write=True)
            self._beaten_at = clock()
            """When this run last said it is alive (registering says so too)."""
            self.run_id: int = runs.register(
                db, host=self.host, station=self.station, now=self._beaten_at
            )
            db.commit()
        except BaseException as exc:
            db.rollback()
            db.close()
            wrapped = db.wrap(exc) if isinstance(exc, Exception) else None
            if wrapped is not None:
                raise type(wrapped)(f"cannot open the ledger {self.location}: {wrapped}") from exc
            raise
        self._db: Db | None = db
        self._heartbeat = (
            None
            if heartbeat_s is None
            else runs.Heartbeat(self._connect, self.run_id, clock, heartbeat_s)
        )

    def _connect(self) -> Db:
        if self._url is not None:
            return PgDb(self._url, password=self._password, shown=self.location)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDb(self._path)
        self.journal_mode = db.journal_mode
        return db

    @property
    def path(self) -> Path:
        """The SQLite file (for a shared ledger, see `location`)."""
        return self._path

    @property
    def beating(self) -> bool:
        """True while a heartbeat thread keeps this run alive."""
        return self._heartbeat is not None

    @property
    def heartbeat_problem(self) -> str | None:
        """Why the heartbeat's last beat failed (None: it went through, or no heartbeat);
        a plain read that never waits, for a window that watches the ledger while idle."""
        return self._heartbeat.problem if self._heartbeat is not None else None

    @property
    def shared(self) -> bool:
        """True for a warehouse ledger on a database server."""
        return self._url is not None

    def close(self) -> None:
        """Mark this run ended and close the connection; further calls raise `LedgerError`.

        A database that cannot take the run's end (a server restarted under the open
        connection, a disk gone) is logged, not raised: everything the run recorded is
        already committed, and recovery settles a run whose process is gone. Closing is
        what a program does on its way out, where an exception only hides the real exit.
        """
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        with self._lock:
            db, self._db = self._db, None
            if db is None:
                return
            try:
                if not db.broken:
                    db.execute(
                        "UPDATE runs SET ended_at = ? WHERE id = ?", (self._clock(), self.run_id)
                    )
            except Exception as exc:
                wrapped = db.wrap(exc)
                if wrapped is None:
                    raise
                log.warning(
                    "the ledger could not record the end of run %s: %s", self.run_id, wrapped
                )
            finally:
                db.close()

    def ping(self) -> None:
        """Ask the database whether it answers (a new connection if the old one broke);
        raises `LedgerUnavailable` when it does not."""
        with self._statement() as db:
            db.execute("SELECT 1").fetchall()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _open_db(self) -> Db:
        """The connection (call with the lock held); a new one if the server went away."""
        db = self._db
        if db is None:
            raise LedgerError("the ledger is closed")
        if db.broken:  # the server went away earlier: one new connection per call
            db = self._db = self._connect()
        return db

    @contextmanager
    def _statement(self) -> Iterator[Db]:
        """One statement on its own, committed as it ends (the connection's autocommit):
        for the hot paths that fold a whole step into one statement on PostgreSQL."""
        with self._lock:
            db = self._open_db()
            try:
                yield db
            except Exception as exc:
                wrapped = db.wrap(exc)
                if wrapped is None:
                    raise
                raise wrapped from exc

    @contextmanager
    def _tx(self, *, write: bool = True) -> Iterator[Db]:
        with self._lock:
            db = self._open_db()
            try:
                db.begin(write=write)
                try:
                    yield db
                    db.commit()
                except BaseException:
                    db.rollback()
                    raise
            except Exception as exc:
                wrapped = db.wrap(exc)
                if wrapped is None:
                    raise
                raise wrapped from exc
