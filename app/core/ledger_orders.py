"""The ledger's orders and fetches: what was asked for and what the API answered.

`LedgerOrders` records the orders about to be fetched (`record_queued`), the start and the
answers of each fetch (`record_fetch_started` — or both at once, `record_fetching`, as a
long command-line run does — and `record_fetch_results` with the decoded
label — each distinct label stored once, `app.core.ledger_labels` — page size and waybill
data) and closes orders (`mark_done`). `app.core.ledger.Ledger`
adds the prints, recovery and history on top; see its docstring for the guarantees.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence, Sized

import orjson

from app.core.ledger_connection import LedgerConnection
from app.core.ledger_db import SQLITE, Db
from app.core.ledger_labels import LabelStore
from app.core.ledger_records import LedgerError, OrderState
from app.core.ledger_schema import ACTIVE_STATES_SQL
from app.core.model import OrderRef, Waybill, WaybillStatus

_THIS_STATION = "(run_id IS NULL OR run_id IN (SELECT id FROM runs WHERE station IN (?, '')))"
_CHUNK = 500
"""At most this many orders per statement (SQLite allows 32766 parameters, PostgreSQL 65535)."""


def _chunks[T](items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(items: Sized) -> str:
    return ", ".join("?" * len(items))


class LedgerOrders(LedgerConnection):
    """Orders and their fetches (`Ledger` adds prints, recovery and history)."""

    _labels: LabelStore | None = None

    @property
    def labels(self) -> LabelStore:
        """Where the fetches' labels are written, each distinct text once."""
        if self._labels is None:
            self._labels = LabelStore()
        return self._labels

    def _touch(self, conn: Db, order_row: int, now: float) -> None:
        cur = conn.execute(
            "UPDATE orders SET updated_at = ?, run_id = ? WHERE id = ?",
            (now, self.run_id, order_row),
        )
        if cur.rowcount != 1:
            raise LedgerError(f"no ledger order #{order_row}")

    # -- orders and fetches ------------------------------------------------------------

    def record_queued(
        self, refs: Sequence[OrderRef], *, session_id: str | None = None
    ) -> list[int]:
        """Record orders about to be fetched; returns one ledger order id per ref.

        An order (same order id and carrier) that is still active at this station keeps
        its ledger id instead of getting a second row. A handful of statements for the
        whole batch, whatever its size: one look-up and one insert per `_CHUNK` orders, one
        touch. Rows are touched in ascending id order, so two programs on a shared ledger
        never deadlock.
        """
        if not refs:
            return []
        now = self._clock()
        with self._tx() as conn:
            found, rows = self._queue(conn, refs, session_id, now, "queued")
            if found:
                self._touch_all(conn, found, now)
        return rows

    def record_fetching(
        self, refs: Sequence[OrderRef], *, session_id: str | None = None
    ) -> list[int]:
        """`record_queued` and then `record_fetch_started` of its rows, in one transaction
        and with one write per new order: inserted as `fetching`, which says that its
        fetch started then (`updated_at`); its fetch row is written once, with the answer
        (`record_fetch_results`). Orders found active get an open fetch, as
        `record_fetch_started` gives them."""
        if not refs:
            return []
        now = self._clock()
        with self._tx() as conn:
            found, rows = self._queue(conn, refs, session_id, now, "fetching")
            self._start(conn, found, now)
        return rows

    def _queue(
        self, conn: Db, refs: Sequence[OrderRef], session_id: str | None, now: float, state: str
    ) -> tuple[list[int], list[int]]:
        """Insert the orders of `refs` not active at this station yet, as `state`: the
        active ones found (sorted, distinct), and one ledger order id per ref."""
        found: dict[tuple[str, str], int] = {}
        wanted = {ref.key for ref in refs}
        order_ids = sorted({ref.order_id for ref in refs})
        for chunk in _chunks(order_ids):
            for r in conn.execute(
                f"SELECT id, order_id, delivery_id FROM orders WHERE order_id IN"
                f" ({_marks(chunk)}) AND state IN {ACTIVE_STATES_SQL} AND {_THIS_STATION}",
                (*chunk, self.station),
            ).fetchall():
                key, row = (r[1], r[2]), int(r[0])
                if key in wanted and row > found.get(key, 0):
                    found[key] = row
        fresh = [ref for ref in refs if ref.key not in found]
        made = iter(self._insert_orders(conn, fresh, session_id, now, state))
        rows = [found[ref.key] if ref.key in found else next(made) for ref in refs]
        return sorted(set(found.values())), rows

    def _insert_orders(
        self, conn: Db, refs: Sequence[OrderRef], session_id: str | None, now: float, state: str
    ) -> list[int]:
        """Insert one order row per ref, as `state`: their ids, in the order of `refs`.

        SQLite has one writer, and this transaction is it: the new ids are the ones after
        the largest (what SQLite would pick itself), so they are written, not read back. A
        shared server hands them out (`RETURNING`), as other stations insert at once.
        """
        columns = (
            "order_id, delivery_id, waybill_id_requested, queued_at, updated_at, state,"
            " session_id, run_id"
        )
        if conn.dialect == SQLITE:
            first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM orders").fetchone()[0])
            ids = list(range(first, first + len(refs)))
            for start in range(0, len(refs), _CHUNK):
                part = refs[start : start + _CHUNK]
                conn.execute(
                    f"INSERT INTO orders (id, {columns}) VALUES "
                    + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(part)),
                    [
                        v
                        for row, ref in zip(ids[start : start + _CHUNK], part, strict=True)
                        for v in (
                            row,
                            *ref.key,
                            ref.waybill_id,
                            now,
                            now,
                            state,
                            session_id,
                            self.run_id,
                        )
                    ],
                )
            return ids
        made: dict[tuple[str, str], list[int]] = {}
        for part in _chunks(refs):
            for r in conn.execute(
                f"INSERT INTO orders ({columns}) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(part))
                + " RETURNING id, order_id, delivery_id",
                [
                    v
                    for ref in part
                    for v in (*ref.key, ref.waybill_id, now, now, state, session_id, self.run_id)
                ],
            ).fetchall():
                made.setdefault((r[1], r[2]), []).append(int(r[0]))
        for ids_of_key in made.values():
            ids_of_key.sort(reverse=True)  # a key queued twice: its rows in input order
        return [made[ref.key].pop() for ref in refs]

    def _touch_all(self, conn: Db, order_rows: Sequence[int], now: float) -> None:
        """`_touch` for many orders (sorted, distinct ids), one statement per `_CHUNK`."""
        for chunk in _chunks(order_rows):
            cur = conn.execute(
                f"UPDATE orders SET updated_at = ?, run_id = ? WHERE id IN ({_marks(chunk)})",
                (now, self.run_id, *chunk),
            )
            if cur.rowcount != len(chunk):
                raise LedgerError(f"no ledger order among #{chunk[0]}..#{chunk[-1]}")

    def record_fetch_started(self, order_ids: Sequence[int]) -> None:
        """Record that the fetch of these orders begins (an unanswered earlier one is dropped).

        Three statements per `_CHUNK` orders: touch (and mark fetching), drop the
        unanswered fetches, insert the new ones.
        """
        now = self._clock()
        with self._tx() as conn:
            self._start(conn, sorted(set(order_ids)), now)

    def _start(self, conn: Db, rows: Sequence[int], now: float) -> None:
        """`record_fetch_started` of `rows` (sorted, distinct) in the caller's transaction."""
        for chunk in _chunks(rows):
            marks = _marks(chunk)
            cur = conn.execute(
                "UPDATE orders SET updated_at = ?, run_id = ?, state = CASE WHEN state IN"
                f" ('printed', 'done') THEN state ELSE 'fetching' END WHERE id IN ({marks})",
                (now, self.run_id, *chunk),
            )
            if cur.rowcount != len(chunk):
                raise LedgerError(f"no ledger order among #{chunk[0]}..#{chunk[-1]}")
            conn.execute(
                f"DELETE FROM fetches WHERE finished_at IS NULL AND order_row IN ({marks})",
                chunk,
            )
        self._insert_fetches(conn, rows, now)

    def _insert_fetches(self, conn: Db, rows: Sequence[int], now: float) -> None:
        """Open a fetch (started now, not finished) for each of `rows`."""
        for chunk in _chunks(rows):
            conn.execute(
                "INSERT INTO fetches (order_row, started_at) VALUES "
                + ", ".join(["(?, ?)"] * len(chunk)),
                [v for row in chunk for v in (row, now)],
            )

    def record_fetch_result(self, order_id: int, waybill: Waybill) -> None:
        """Store one order's answer: status, error, decoded label, page size, waybill data."""
        self.record_fetch_results([(order_id, waybill)])

    def record_fetch_results(
        self, results: Sequence[tuple[int, Waybill]], *, close_printable: bool = False
    ) -> None:
        """Store the answers of one API call in one transaction (see `record_fetch_result`).

        A handful of statements for the whole call: the check, the open fetches, the fetch
        rows (one `executemany` for the open ones, one for those written whole) and the
        touch with the new state (one per state). An order without an open fetch gets its
        fetch row written whole, started when the order was last touched if it is
        `fetching` (`record_fetching`), else now. With `close_printable`, an order whose
        label could be put out is closed at once (fetched only to look at), as `mark_done`
        would.
        """
        if not results:
            return
        now = self._clock()
        rows = sorted({order_id for order_id, _ in results})
        with self._tx() as conn:
            keys: dict[int, tuple[str, str]] = {}
            started: dict[int, float] = {}
            open_fetches: dict[int, int] = {}
            for chunk in _chunks(rows):
                marks = _marks(chunk)
                for r in conn.execute(
                    f"SELECT id, order_id, delivery_id, state, updated_at FROM orders"
                    f" WHERE id IN ({marks})",
                    chunk,
                ).fetchall():
                    keys[int(r[0])] = (r[1], r[2])
                    started[int(r[0])] = float(r[4]) if r[3] == "fetching" else now
                for r in conn.execute(
                    f"SELECT order_row, max(id) FROM fetches WHERE finished_at IS NULL"
                    f" AND order_row IN ({marks}) GROUP BY order_row",
                    chunk,
                ).fetchall():
                    open_fetches[int(r[0])] = int(r[1])
            for order_id, waybill in results:
                if order_id not in keys:
                    raise LedgerError(f"no ledger order #{order_id}")
                if keys[order_id] != waybill.ref.key:
                    raise LedgerError(
                        f"ledger order #{order_id} is {keys[order_id]}, the answer is for "
                        f"{waybill.ref.key}"
                    )
            digests = self.labels.store(conn, (waybill.html for _, waybill in results))
            by_state: dict[str, list[int]] = {}
            updates = []
            inserts = []
            for order_id, waybill in results:
                digest = digests.get(id(waybill.html)) if waybill.html else None
                values = _fetch_values(waybill, now, digest)
                fetch_id = open_fetches.get(order_id)
                if fetch_id is None:
                    inserts.append((order_id, started[order_id], *values))
                else:
                    updates.append((*values, fetch_id))
                state = _state_after_fetch(waybill)
                if close_printable and waybill.printable:
                    state = "done"
                by_state.setdefault(state, []).append(order_id)
            conn.executemany(
                "UPDATE fetches SET finished_at = ?, status = ?, errcode = ?, errmsg = ?,"
                " waybill_id = ?, label_digest = ?, page_w_mm = ?, page_h_mm = ?,"
                " waybill_data = ?, hint_en = ?, hint_zh = ?, extra = ? WHERE id = ?",
                updates,
            )
            # one multi-row statement per `_CHUNK` (row by row, `executemany` costs ~3 µs
            # per order more)
            for part in _chunks(inserts):
                conn.execute(
                    "INSERT INTO fetches (order_row, started_at, finished_at, status, errcode,"
                    " errmsg, waybill_id, label_digest, page_w_mm, page_h_mm, waybill_data,"
                    " hint_en, hint_zh, extra) VALUES "
                    + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(part)),
                    [v for row in part for v in row],
                )
            for state, ids in sorted(by_state.items()):  # touched with their new state
                for chunk in _chunks(sorted(set(ids))):
                    cur = conn.execute(
                        "UPDATE orders SET updated_at = ?, run_id = ?, state = CASE WHEN state"
                        f" IN ('printed', 'done') THEN state ELSE ? END WHERE id IN"
                        f" ({_marks(chunk)})",
                        (now, self.run_id, state, *chunk),
                    )
                    if cur.rowcount != len(chunk):
                        raise LedgerError(f"no ledger order among #{chunk[0]}..#{chunk[-1]}")

    def mark_done(self, order_id: int) -> None:
        """Close an order: nothing more to do, recovery will not bring it back."""
        now = self._clock()
        with self._tx() as conn:
            self._touch(conn, order_id, now)
            conn.execute("UPDATE orders SET state = 'done' WHERE id = ?", (order_id,))


_STATE_AFTER = {
    WaybillStatus.CANCELLED: str(OrderState.CANCELLED.value),
    WaybillStatus.ERROR: str(OrderState.FAILED.value),
}


def _state_after_fetch(waybill: Waybill) -> str:
    """The order state an answer leaves its order in."""
    if waybill.status is WaybillStatus.OK:
        return str((OrderState.FETCHED if waybill.printable else OrderState.FAILED).value)
    return _STATE_AFTER[waybill.status]


def _json_text(value: object) -> str:
    """`value` as JSON text (UTF-8 as it is, not escaped): orjson, or the standard
    library for what orjson refuses (a lone surrogate from a hostile answer)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False)


def _fetch_values(waybill: Waybill, now: float, label_digest: str | None) -> tuple[object, ...]:
    """A fetch row's columns from `finished_at` to `extra`, for one answer (its label
    named by `label_digest`, stored in `labels`)."""
    page = waybill.page_size
    return (
        now,
        waybill.status.value,
        waybill.errcode,
        waybill.errmsg,
        waybill.waybill_id,
        label_digest,
        None if page is None else page.width,
        None if page is None else page.height,
        _json_text(waybill.waybill_data) if waybill.waybill_data else "[]",
        None if waybill.hint is None else waybill.hint.en,
        None if waybill.hint is None else waybill.hint.zh,
        _json_text(waybill.extra) if waybill.extra else "{}",
    )
