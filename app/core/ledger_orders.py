"""The ledger's orders and fetches: what was asked for and what the API answered.

`LedgerOrders` records the orders about to be fetched (`record_queued`), the start and the
answers of each fetch (`record_fetch_started`, `record_fetch_results` with the decoded
label, page size and waybill data) and closes orders (`mark_done`). `app.core.ledger.Ledger`
adds the prints, recovery and history on top; see its docstring for the guarantees.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from app.core.ledger_connection import LedgerConnection
from app.core.ledger_db import Db
from app.core.ledger_records import LedgerError, OrderState
from app.core.model import OrderRef, Waybill, WaybillStatus

_ACTIVE_SQL = "('queued', 'fetching', 'fetched')"
_THIS_STATION = "(run_id IS NULL OR run_id IN (SELECT id FROM runs WHERE station IN (?, '')))"


class LedgerOrders(LedgerConnection):
    """Orders and their fetches (`Ledger` adds prints, recovery and history)."""

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
        its ledger id instead of getting a second row. Rows are locked in ascending id
        order in every method, so two programs on a shared ledger never deadlock.
        """
        now = self._clock()
        with self._tx() as conn:
            found: dict[int, int] = {}
            for n, ref in enumerate(refs):
                row = conn.execute(
                    f"SELECT id FROM orders WHERE order_id = ? AND delivery_id = ? "
                    f"AND state IN {_ACTIVE_SQL} AND {_THIS_STATION} ORDER BY id DESC LIMIT 1",
                    (*ref.key, self.station),
                ).fetchone()
                if row is not None:
                    found[n] = int(row[0])
            for order_row in sorted(set(found.values())):  # rows locked in one order
                self._touch(conn, order_row, now)
            ids: list[int] = []
            for n, ref in enumerate(refs):
                if n in found:
                    ids.append(found[n])
                    continue
                new_id = conn.insert(
                    "INSERT INTO orders (order_id, delivery_id, waybill_id_requested, queued_at,"
                    " updated_at, state, session_id, run_id)"
                    " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?) RETURNING id",
                    (*ref.key, ref.waybill_id, now, now, session_id, self.run_id),
                )
                ids.append(int(new_id or 0))
        return ids

    def record_fetch_started(self, order_ids: Sequence[int]) -> None:
        """Record that the fetch of these orders begins (an unanswered earlier one is dropped)."""
        now = self._clock()
        with self._tx() as conn:
            for order_row in sorted(set(order_ids)):
                self._touch(conn, order_row, now)
                conn.execute(
                    "DELETE FROM fetches WHERE order_row = ? AND finished_at IS NULL", (order_row,)
                )
                conn.execute(
                    "INSERT INTO fetches (order_row, started_at) VALUES (?, ?)", (order_row, now)
                )
                conn.execute(
                    "UPDATE orders SET state = 'fetching' WHERE id = ? "
                    "AND state NOT IN ('printed', 'done')",
                    (order_row,),
                )

    def record_fetch_result(self, order_id: int, waybill: Waybill) -> None:
        """Store one order's answer: status, error, decoded label, page size, waybill data."""
        self.record_fetch_results([(order_id, waybill)])

    def record_fetch_results(
        self, results: Sequence[tuple[int, Waybill]], *, close_printable: bool = False
    ) -> None:
        """Store the answers of one API call in one transaction (see `record_fetch_result`).

        The checks, the touches and the state changes are one statement each for the whole
        call, the fetch rows one each. With `close_printable`, an order whose label could
        be put out is closed at once (fetched only to look at), as `mark_done` would.
        """
        if not results:
            return
        now = self._clock()
        rows = [order_id for order_id, _ in results]
        marks = ", ".join("?" * len(rows))
        with self._tx() as conn:
            keys = {
                int(r[0]): (r[1], r[2])
                for r in conn.execute(
                    f"SELECT id, order_id, delivery_id FROM orders WHERE id IN ({marks})", rows
                ).fetchall()
            }
            for order_id, waybill in results:
                if order_id not in keys:
                    raise LedgerError(f"no ledger order #{order_id}")
                if keys[order_id] != waybill.ref.key:
                    raise LedgerError(
                        f"ledger order #{order_id} is {keys[order_id]}, the answer is for "
                        f"{waybill.ref.key}"
                    )
            conn.execute(
                f"UPDATE orders SET updated_at = ?, run_id = ? WHERE id IN ({marks})",
                (now, self.run_id, *rows),
            )
            open_fetches = {
                int(r[0]): int(r[1])
                for r in conn.execute(
                    f"SELECT order_row, max(id) FROM fetches WHERE finished_at IS NULL"
                    f" AND order_row IN ({marks}) GROUP BY order_row",
                    rows,
                ).fetchall()
            }
            by_state: dict[str, list[int]] = {}
            for order_id, waybill in results:
                fetch_id = open_fetches.get(order_id)
                if fetch_id is None:
                    fetch_id = conn.insert(
                        "INSERT INTO fetches (order_row, started_at) VALUES (?, ?) RETURNING id",
                        (order_id, now),
                    )
                conn.execute(
                    "UPDATE fetches SET finished_at = ?, status = ?, errcode = ?, errmsg = ?,"
                    " waybill_id = ?, label_html = ?, page_w_mm = ?, page_h_mm = ?,"
                    " waybill_data = ?, hint_en = ?, hint_zh = ?, extra = ? WHERE id = ?",
                    (*_fetch_values(waybill, now), fetch_id),
                )
                state = _state_after_fetch(waybill)
                if close_printable and waybill.printable:
                    state = "done"
                by_state.setdefault(state, []).append(order_id)
            for state, ids in by_state.items():
                conn.execute(
                    f"UPDATE orders SET state = ? WHERE id IN ({', '.join('?' * len(ids))})"
                    " AND state NOT IN ('printed', 'done')",
                    (state, *ids),
                )

    def mark_done(self, order_id: int) -> None:
        """Close an order: nothing more to do, recovery will not bring it back."""
        now = self._clock()
        with self._tx() as conn:
            self._touch(conn, order_id, now)
            conn.execute("UPDATE orders SET state = 'done' WHERE id = ?", (order_id,))


def _state_after_fetch(waybill: Waybill) -> str:
    """The order state an answer leaves its order in."""
    state = {
        WaybillStatus.OK: OrderState.FETCHED if waybill.printable else OrderState.FAILED,
        WaybillStatus.CANCELLED: OrderState.CANCELLED,
        WaybillStatus.ERROR: OrderState.FAILED,
    }[waybill.status]
    return str(state.value)


def _fetch_values(waybill: Waybill, now: float) -> tuple[object, ...]:
    """A fetch row's columns from `finished_at` to `extra`, for one answer."""
    page = waybill.page_size
    return (
        now,
        waybill.status.value,
        waybill.errcode,
        waybill.errmsg,
        waybill.waybill_id,
        waybill.html,
        None if page is None else page.width,
        None if page is None else page.height,
        json.dumps([list(pair) for pair in waybill.waybill_data], ensure_ascii=False),
        None if waybill.hint is None else waybill.hint.en,
        None if waybill.hint is None else waybill.hint.zh,
        json.dumps(waybill.extra, ensure_ascii=False),
    )
