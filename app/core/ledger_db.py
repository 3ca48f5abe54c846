"""One database connection under the ledger, SQLite or PostgreSQL, spoken to in one SQL.

The ledger writes its SQL once, with ``?`` placeholders and the subset both engines share
(`INSERT … RETURNING`, `ON CONFLICT DO NOTHING`, partial unique indexes). `Db` hides the
rest: how to connect, how a write transaction starts (SQLite: ``BEGIN IMMEDIATE`` takes
the file's write lock at once; PostgreSQL: ``BEGIN`` and row locks), the placeholder style
(psycopg wants ``%s``), rows readable by position and by column name on both, and which
driver errors mean "the database cannot be reached" (`LedgerUnavailable`) rather than
"this statement failed" (`LedgerError`).

A PostgreSQL location is a ``postgresql://`` URL; anything else is a SQLite file path.
psycopg is imported only when a PostgreSQL ledger is opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from app.core.ledger_records import LedgerError, LedgerUnavailable

BUSY_TIMEOUT_S = 10.0
PG_CONNECT_TIMEOUT_S = 5
URL_SCHEMES = ("postgresql://", "postgres://")

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def is_url(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


class Cursor(Protocol):
    """What the ledger reads from a statement on either engine."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db:
    """A connection the ledger drives with explicit transactions (autocommit otherwise)."""

    dialect: str

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        raise NotImplementedError

    def prepared_ids(self, sql: str, params: Sequence[object]) -> list[int]:
        """Run a statement that is run again and again and returns integers (ids) in its
        first column; those integers. A server prepares it once per connection."""
        return [int(row[0]) for row in self.execute(sql, params).fetchall()]

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """Run one statement (no result rows) once per parameter row."""
        raise NotImplementedError

    def insert(self, sql: str, params: Sequence[object] = ()) -> int | None:
        """Run an ``INSERT … RETURNING id``; the new id, or None when nothing was inserted."""
        rows = self.execute(sql, params).fetchall()
        return int(rows[0][0]) if rows else None

    def begin(self, *, write: bool) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    @property
    def broken(self) -> bool:
        """True when the connection is gone and a new one is needed."""
        return False

    def wrap(self, exc: Exception) -> LedgerError | None:
        """The ledger's error for a driver error, or None when it is not a driver error."""
        raise NotImplementedError


class SqliteDb(Db):
    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open the ledger {path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        self._conn = conn
        self.journal_mode = ""
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            # A network share cannot do WAL and stays in its rollback journal; still durable.
            self.journal_mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            conn.close()
            raise LedgerError(f"cannot open the ledger {path}: {exc}") from exc

    @classmethod
    def over(cls, conn: sqlite3.Connection) -> SqliteDb:
        """A `Db` over an open connection (which must be in autocommit mode)."""
        db = cls.__new__(cls)
        db._conn = conn
        db.journal_mode = ""
        return db

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        return self._conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            self._conn.executemany(sql, rows)

    def begin(self, *, write: bool) -> None:
        self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()

    def wrap(self, exc: Exception) -> LedgerError | None:
        return LedgerError(str(exc)) if isinstance(exc, sqlite3.Error) else None


class _PgRow(tuple[Any, ...]):
    """A result row readable as ``row[0]`` and as ``row["name"]``, like `sqlite3.Row`."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> _PgRow:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _pg_rows(cursor: Any) -> Callable[[Sequence[Any]], _PgRow]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: _PgRow(values, names)


class PgDb(Db):
    dialect = POSTGRESQL

    def __init__(self, url: str, *, password: str | None = None, shown: str = "") -> None:
        import psycopg
        from psycopg import generators

        self._psycopg = psycopg
        self._generators = generators
        self._prepared: dict[str, bytes] = {}
        """The hot statements prepared on this connection: SQL → the server's name."""
        self._shown = shown or "the warehouse ledger"
        kwargs: dict[str, Any] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        if password is not None:
            kwargs["password"] = password
        try:
            self._conn = psycopg.connect(
                url,
                autocommit=True,
                row_factory=_pg_rows,
                application_name="waybill-printer",
                **kwargs,
            )
        except psycopg.Error as exc:
            raise LedgerUnavailable(f"cannot reach {self._shown}: {_first_line(exc)}") from exc

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        cursor: Cursor = self._conn.execute(sql.replace("?", "%s"), tuple(params))
        return cursor

    def prepared_ids(self, sql: str, params: Sequence[object]) -> list[int]:
        """The hot path (a claim, a print's end): the statement goes to the server as a
        prepared statement of this connection with its parameters as text, straight
        through psycopg's libpq layer; psycopg's cursor, which adapts any Python value and
        builds typed rows, costs a station more CPU than the server's work on the claim.
        Waiting for the answer is psycopg's own (interruptible, the GIL released)."""
        conn = self._conn
        encoding = conn.info.encoding
        values = [_as_text(value, encoding, self._psycopg) for value in params]
        with conn.lock:
            try:
                result = self._run_prepared(sql, values, encoding)
            except self._psycopg.errors.InvalidSqlStatementName:
                # psycopg sends DEALLOCATE ALL after a ROLLBACK once it has prepared
                # statements of its own (a pooler's DISCARD ALL does the same): nothing
                # ran; prepare again
                self._prepared.clear()
                result = self._run_prepared(sql, values, encoding)
        return [int(result.get_value(row, 0) or b"") for row in range(result.ntuples)]

    def _run_prepared(self, sql: str, values: list[bytes | None], encoding: str) -> Any:
        conn = self._conn
        name = self._prepared.get(sql)
        if name is None:
            name = f"waybill_{len(self._prepared)}".encode()
            conn.pgconn.send_prepare(name, _numbered(sql).encode(encoding))
            self._result(conn.wait(self._generators.execute(conn.pgconn)), encoding)
            self._prepared[sql] = name
        conn.pgconn.send_query_prepared(name, values)
        return self._result(conn.wait(self._generators.execute(conn.pgconn)), encoding)

    def _result(self, results: list[Any], encoding: str) -> Any:
        """The one result of a statement; its error raised as psycopg raises it."""
        pq = self._psycopg.pq
        for result in results:
            if result.status == pq.ExecStatus.FATAL_ERROR:
                raise self._psycopg.errors.error_from_result(result, encoding=encoding)
        if len(results) != 1:
            raise self._psycopg.InterfaceError(f"{len(results)} results for one statement")
        return results[0]

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            with self._conn.cursor() as cursor:
                cursor.executemany(sql.replace("?", "%s"), rows)

    def begin(self, *, write: bool) -> None:
        self._conn.execute("BEGIN")

    def rollback(self) -> None:
        if self._conn.closed or self.broken:
            return
        status = self._conn.info.transaction_status
        if status != self._psycopg.pq.TransactionStatus.IDLE:
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()

    @property
    def broken(self) -> bool:
        return bool(self._conn.closed or self._conn.broken)

    def wrap(self, exc: Exception) -> LedgerError | None:
        errors = self._psycopg
        if isinstance(exc, errors.errors.TransactionRollback) and not self.broken:
            # deadlock or serialisation failure: nothing was written; the step may be retried
            return LedgerError(f"{self._shown} is busy, try again: {_first_line(exc)}")
        if self.broken or isinstance(exc, (errors.OperationalError, errors.InterfaceError)):
            return LedgerUnavailable(f"cannot reach {self._shown}: {_first_line(exc)}")
        if isinstance(exc, errors.Error):
            return LedgerError(_first_line(exc))
        return None


def _numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's own ``$1``, ``$2``… (the ledger's SQL has no
    question mark anywhere else)."""
    parts = sql.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


def _as_text(value: object, encoding: str, psycopg: Any) -> bytes | None:
    """A parameter in PostgreSQL's text form (the server casts it to the column's type)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, int | float):
        return repr(value).encode()  # repr: the shortest text that reads back the same float
    if isinstance(value, str):
        text = value.encode(encoding)
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in value)
        text = ("{" + ",".join(f'"{v}"' for v in quoted) + "}").encode(encoding)
    else:
        raise TypeError(f"no text form for a {type(value).__name__} parameter")
    if b"\0" in text:
        raise psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
