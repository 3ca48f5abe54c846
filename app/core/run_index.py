"""What one long command-line run must remember per order, on disk instead of in memory.

A `fetch` of a million lines has to know which references it has seen (a repeated line is
reported as a duplicate of its first line) and which order each waybill id was answered
for (a second order answered with the same waybill id is an error, never an overwrite
of the first order's PDF; the rule is `app.core.waybill_owners`). Both live in a private
temporary SQLite database that SQLite deletes when it is closed, so memory stays flat
however long the input is.
"""

from __future__ import annotations

import sqlite3
import threading


class RunIndex:
    """Seen references and waybill owners of one run: `SeenKeys` for `OrderParser` and
    `WaybillOwners` for the engine (`app.core.waybill_owners`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # `claim` runs in the fetch's worker threads
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE seen (order_id TEXT, delivery_id TEXT, line INTEGER,"
            " PRIMARY KEY (order_id, delivery_id)) WITHOUT ROWID"
        )
        self._db.execute(
            "CREATE TABLE waybills (waybill_id TEXT PRIMARY KEY, order_id TEXT,"
            " delivery_id TEXT) WITHOUT ROWID"
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def first_line(self, key: tuple[str, str], line_no: int) -> int | None:
        """The line `key` was first seen on, or None (and remember `line_no` for it)."""
        with self._lock:
            found = self._db.execute(
                "INSERT INTO seen VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING line",
                (*key, line_no),
            ).fetchone()
            if found is not None:
                return None  # inserted: first time
            row = self._db.execute(
                "SELECT line FROM seen WHERE order_id = ? AND delivery_id = ?", key
            ).fetchone()
        return int(row[0])

    def claim(self, waybill_id: str, key: tuple[str, str]) -> tuple[str, str]:
        """The order `waybill_id` was first answered for (`key` if new): `WaybillOwners`."""
        with self._lock:
            owner = self._db.execute(
                "INSERT INTO waybills VALUES (?, ?, ?) ON CONFLICT (waybill_id) DO UPDATE"
                " SET waybill_id = waybill_id RETURNING order_id, delivery_id",
                (waybill_id, *key),
            ).fetchone()
        return (str(owner[0]), str(owner[1]))
