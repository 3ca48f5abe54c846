"""What one long command-line run must remember per order, on disk instead of in memory.

A `fetch` of a million lines has to know which references it has seen (a repeated line is
reported as a duplicate of its first line) and which order each waybill id was answered
for (a second order answered with the same waybill id is an error, never an overwrite
of the first order's PDF). Both live in a private temporary SQLite database that SQLite
deletes when it is closed, so memory stays flat however long the input is.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading

from app.core.model import Hint, Waybill, WaybillStatus

WAYBILL_REUSED_HINT = Hint(
    "WeChat answered this order with a waybill id it already gave another order, so its "
    "label is not put out. Check both orders with the carrier before shipping.",
    "微信为该订单返回的运单号已用于另一订单，因此不输出该面单。发货前请与快递公司核对这两个订单。",
)


class RunIndex:
    """Seen references and waybill owners of one run (`SeenKeys` for `OrderParser` too)."""

    def __init__(self, reused_code: int) -> None:
        self._reused_code = reused_code
        self._lock = threading.Lock()  # `vet` runs in the fetch's worker threads
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

    def vet(self, waybill: Waybill) -> Waybill:
        """`waybill`, or an error when its waybill id was answered for another order."""
        if not waybill.printable or not waybill.waybill_id:
            return waybill
        with self._lock:
            owner = self._db.execute(
                "INSERT INTO waybills VALUES (?, ?, ?) ON CONFLICT (waybill_id) DO UPDATE"
                " SET waybill_id = waybill_id RETURNING order_id, delivery_id",
                (waybill.waybill_id, *waybill.ref.key),
            ).fetchone()
        if owner is None or tuple(owner) == waybill.ref.key:
            return waybill
        return dataclasses.replace(
            waybill,
            status=WaybillStatus.ERROR,
            errcode=self._reused_code,
            errmsg=f"waybill id {waybill.waybill_id} was already answered for order {owner[0]}",
            html=None,
            hint=WAYBILL_REUSED_HINT,
        )
