"""What one long command-line run must remember per order, on disk instead of in memory.

A `fetch` of a million lines has to know which references it has seen (a repeated line is
reported as a duplicate of its first line) and which order each waybill id was answered
for (a second order answered with the same waybill id is an error, never an overwrite
of the first order's PDF; the rule is `app.core.waybill_owners`). Both live in a private
temporary SQLite database that SQLite deletes when it is closed, so memory stays flat
however long the input is.

Asking SQLite once per line would cost more than everything else a line needs, so each
table has a fixed-size bitmap in front (`_FirstWins`, a Bloom filter with one hash): a key
whose bit is not set is certainly new and is only buffered, to be written with the next
few thousand in one `executemany`, in one transaction. Only a key the bitmap may have seen
(a repeat, or about one in seventy new keys at a million lines: 1.5 % of 2²⁶ bits set) is
looked up, in the buffer and then on disk. Against three bits a key, those extra lookups
cost ~0.1 µs a key at a million lines, and testing one bit saves ~1.3 µs a key of Python.

The database keeps its pages in a page cache of up to `CACHE_KIB` (SQLite's default is 2
MB): a station's order ids come in no order, so the inserts land all over both B-trees,
and with the default cache nearly every one of them read and wrote a page of the
temporary file. 64 MiB holds both tables of a million-line run (~25 bytes a reference,
~45 a waybill id, with B-tree slack) and bounds the index's memory beyond that.
"""

from __future__ import annotations

import sqlite3
import threading

#: Bits of each table's bitmap (8 MiB; zero pages cost nothing until a bit is set).
BLOOM_BITS = 1 << 26
#: The page cache's limit, in KiB (SQLite's `cache_size` as a negative number).
CACHE_KIB = 64 * 1024
#: New rows buffered before they are written to disk in one statement.
FLUSH_ROWS = 4096

Row = tuple[object, ...]


class _FirstWins:
    """A table of `key → value` where the first value stored for a key stays."""

    def __init__(
        self,
        db: sqlite3.Connection,
        table: str,
        keys: tuple[str, ...],
        values: tuple[str, ...],
        *,
        bloom_bits: int,
        flush_rows: int,
    ) -> None:
        if bloom_bits < 8 or bloom_bits & (bloom_bits - 1):
            raise ValueError("bloom_bits must be a power of two, at least 8")
        columns = ", ".join((*keys, *values))  # no type: values come back as stored
        db.execute(
            f"CREATE TABLE {table} ({columns}, PRIMARY KEY ({', '.join(keys)})) WITHOUT ROWID"
        )
        self._db = db
        self._insert = (
            f"INSERT INTO {table} VALUES ({', '.join('?' * (len(keys) + len(values)))})"
            " ON CONFLICT DO NOTHING"
        )
        self._select = f"SELECT {', '.join(values)} FROM {table} WHERE " + " AND ".join(
            f"{name} = ?" for name in keys
        )
        self._bits = bytearray(bloom_bits // 8)
        self._mask = bloom_bits - 1
        self._pending: dict[Row, Row] = {}
        self._flush_rows = flush_rows

    def setdefault(self, key: Row, value: Row) -> Row | None:
        """The value stored for `key`; None when `key` is new (`value` is now stored)."""
        h = hash(key) & self._mask
        byte, bit = h >> 3, 1 << (h & 7)
        bits = self._bits
        if bits[byte] & bit:  # seen, or another key with the same bit
            found = self._pending.get(key)
            if found is not None:
                return found
            row = self._db.execute(self._select, key).fetchone()
            if row is not None:
                return tuple(row)
        bits[byte] |= bit
        pending = self._pending
        pending[key] = value
        if len(pending) >= self._flush_rows:
            self.flush()
        return None

    def flush(self) -> None:
        """Write the buffered rows in one transaction (the connection is in autocommit
        mode, where an `executemany` alone would commit every row by itself)."""
        if self._pending:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(self._insert, [(*k, *v) for k, v in self._pending.items()])
            except BaseException:
                self._db.rollback()
                raise
            self._db.execute("COMMIT")
            self._pending.clear()


class RunIndex:
    """Seen references and waybill owners of one run: `SeenKeys` for `OrderParser` and
    `WaybillOwners` for the engine (`app.core.waybill_owners`)."""

    def __init__(self, *, bloom_bits: int = BLOOM_BITS, flush_rows: int = FLUSH_ROWS) -> None:
        self._lock = threading.Lock()  # `claim` runs in the fetch's worker threads
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        sizes = {"bloom_bits": bloom_bits, "flush_rows": flush_rows}
        self._seen = _FirstWins(self._db, "seen", ("order_id", "delivery_id"), ("line",), **sizes)
        self._waybills = _FirstWins(
            self._db, "waybills", ("waybill_id",), ("order_id", "delivery_id"), **sizes
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
            found = self._seen.setdefault(key, (line_no,))
        if found is None:
            return None
        line = found[0]
        assert isinstance(line, int)
        return line

    def claim(self, waybill_id: str, key: tuple[str, str]) -> tuple[str, str]:
        """The order `waybill_id` was first answered for (`key` if new): `WaybillOwners`."""
        with self._lock:
            owner = self._waybills.setdefault((waybill_id,), key)
        return key if owner is None else (str(owner[0]), str(owner[1]))
