"""SQL reads the ledger shares: row → record mapping, stored waybills, the history search,
and "this waybill is on this order" (`waybill_on_order`: the search and the warehouse sync).

Functions take an open connection (inside the caller's transaction) and never write.
"""

from __future__ import annotations

import json
from typing import Any

from app.core.ledger_db import Db
from app.core.ledger_records import (
    HistoryFilter,
    HistoryRow,
    OrderState,
    PrintOutcome,
    PrintRecord,
)
from app.core.model import Hint, OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.core.print_outcome import OutcomeKind

SUCCESS_SQL = "('spooled', 'printed', 'confirmed_printed')"
BLOCKING_SQL = "('pending', 'sent', 'stuck', 'unknown', 'spooled', 'printed', 'confirmed_printed')"

_PRINT_COLUMNS = (
    "id, order_row, waybill_id, printer, copies, started_at, finished_at, outcome, message, "
    "is_reprint, target, pdf_path, station, packer_session, kind, cups_job"
)


def print_record(row: Any) -> PrintRecord:
    return PrintRecord(
        id=row["id"],
        order_row_id=row["order_row"],
        waybill_id=row["waybill_id"],
        printer=row["printer"],
        copies=row["copies"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        outcome=PrintOutcome(row["outcome"]),
        message=row["message"],
        is_reprint=bool(row["is_reprint"]),
        target=row["target"],
        pdf_path=row["pdf_path"],
        station=row["station"],
        packer_session=row["packer_session"],
        kind=outcome_kind(row["kind"]),
        cups_job=row["cups_job"],
    )


def outcome_kind(value: str | None) -> OutcomeKind | None:
    try:
        return None if value is None else OutcomeKind(value)
    except ValueError:  # a kind of a newer program
        return None


def prints_where(conn: Db, where: str, params: tuple[object, ...]) -> list[PrintRecord]:
    rows = conn.execute(f"SELECT {_PRINT_COLUMNS} FROM prints WHERE {where}", params)
    return [print_record(row) for row in rows]


def get_print(conn: Db, print_id: int) -> PrintRecord | None:
    found = prints_where(conn, "id = ?", (print_id,))
    return found[0] if found else None


def blocking_print(conn: Db, waybill_id: str) -> PrintRecord | None:
    """The newest print that came out or may have; PDF files never count."""
    found = prints_where(
        conn,
        f"waybill_id = ? AND target = 'printer' AND outcome IN {BLOCKING_SQL} "
        "ORDER BY id DESC LIMIT 1",
        (waybill_id,),
    )
    return found[0] if found else None


_WAYBILL_SELECT = """
    SELECT o.order_id, o.delivery_id, o.waybill_id_requested, f.status, f.errcode, f.errmsg,
           f.waybill_id, coalesce(l.html, f.label_html) AS label_html, f.page_w_mm,
           f.page_h_mm, f.waybill_data, f.hint_en, f.hint_zh, f.extra
    FROM fetches f JOIN orders o ON o.id = f.order_row
    LEFT JOIN labels l ON l.digest = f.label_digest
"""


def stored_waybill(conn: Db, key: int | str) -> Waybill | None:
    """Order row id → its newest finished fetch; waybill id → its newest OK fetch."""
    if isinstance(key, int):
        where = "f.order_row = ? AND f.finished_at IS NOT NULL"
    else:
        where = "f.waybill_id = ? AND f.status = 'ok'"
    row = conn.execute(f"{_WAYBILL_SELECT} WHERE {where} ORDER BY f.id DESC LIMIT 1", (key,))
    found = row.fetchone()
    return None if found is None else _waybill(found)


def _waybill(row: Any) -> Waybill:
    width, height = row["page_w_mm"], row["page_h_mm"]
    hint = None
    if row["hint_en"] is not None or row["hint_zh"] is not None:
        hint = Hint(en=row["hint_en"] or "", zh=row["hint_zh"] or "")
    return Waybill(
        ref=OrderRef(row["order_id"], row["delivery_id"], row["waybill_id_requested"]),
        status=WaybillStatus(row["status"]),
        errcode=int(row["errcode"] or 0),
        errmsg=row["errmsg"],
        waybill_id=row["waybill_id"],
        html=row["label_html"],
        page_size=None if width is None or height is None else PageSizeMm(width, height),
        waybill_data=tuple((str(k), str(v)) for k, v in json.loads(row["waybill_data"])),
        hint=hint,
        extra={str(k): str(v) for k, v in json.loads(row["extra"]).items()},
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column: str) -> str:
    """`column` contains the parameter (made by `_like`), in any case (both engines)."""
    return f"lower({column}) LIKE lower(?) ESCAPE '\\'"


def _equals(column: str) -> str:
    return f"{column} = ?"


def waybill_on_order(waybill_id: str, *, part: bool = False) -> tuple[str, list[object]]:
    """A condition on `orders o` and its parameters: the waybill is on the order — the one
    requested for it, or one fetched or printed on it.

    `part`: the waybill id only contains `waybill_id`, in any case (the History search);
    else it is exactly `waybill_id` (a print's own waybill, `app.core.ledger_sync`)."""
    match, value = (_contains, _like(waybill_id)) if part else (_equals, waybill_id)
    sql = (
        f"({match('o.waybill_id_requested')}"
        f" OR EXISTS (SELECT 1 FROM fetches x WHERE x.order_row = o.id"
        f" AND {match('x.waybill_id')})"
        f" OR EXISTS (SELECT 1 FROM prints x WHERE x.order_row = o.id"
        f" AND {match('x.waybill_id')}))"
    )
    return sql, [value] * 3


_HISTORY_SELECT = f"""
    SELECT o.id, o.updated_at, o.queued_at, o.order_id, o.delivery_id, o.state, o.session_id,
           coalesce(f.waybill_id, lp.waybill_id, o.waybill_id_requested) AS waybill_id,
           f.status AS fetch_status, f.errcode, coalesce(f.errmsg, '') AS errmsg,
           (SELECT count(*) FROM prints p WHERE p.order_row = o.id AND p.target = 'printer'
                AND p.outcome IN {SUCCESS_SQL}) AS prints,
           (SELECT count(*) FROM prints p WHERE p.order_row = o.id AND p.target = 'printer'
                AND p.outcome IN {SUCCESS_SQL} AND p.is_reprint = 1) AS reprints,
           (SELECT count(*) FROM prints p WHERE p.order_row = o.id) AS attempts,
           lp.printer AS last_printer, lp.started_at AS last_print_at, lp.outcome AS last_outcome,
           coalesce(lp.station, '') AS last_station, lp.kind AS last_kind,
           coalesce(lp.message, '') AS last_message
    FROM orders o
    LEFT JOIN fetches f ON f.id = (SELECT max(id) FROM fetches
                                   WHERE order_row = o.id AND finished_at IS NOT NULL)
    LEFT JOIN prints lp ON lp.id = (SELECT max(id) FROM prints WHERE order_row = o.id)
"""


def _history_where(found: HistoryFilter) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) of a History search over `orders o`."""
    clauses: list[str] = []
    params: list[object] = []
    if found.order_id:
        clauses.append(_contains("o.order_id"))
        params.append(_like(found.order_id))
    if found.delivery_id:
        clauses.append(_contains("o.delivery_id"))
        params.append(_like(found.delivery_id))
    if found.waybill_id:
        on_order, waybill_params = waybill_on_order(found.waybill_id, part=True)
        clauses.append(on_order)
        params.extend(waybill_params)
    if found.since is not None:
        clauses.append("o.updated_at >= ?")
        params.append(found.since)
    if found.until is not None:
        clauses.append("o.updated_at <= ?")
        params.append(found.until)
    if found.station:
        clauses.append("EXISTS (SELECT 1 FROM prints x WHERE x.order_row = o.id AND x.station = ?)")
        params.append(found.station)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def search(conn: Db, found: HistoryFilter, *, limit: int, offset: int = 0) -> list[HistoryRow]:
    """The orders `found` keeps, newest first; `limit` of them after skipping the newest
    `offset` (a page)."""
    where, params = _history_where(found)
    sql = f"{_HISTORY_SELECT} {where} ORDER BY o.updated_at DESC, o.id DESC LIMIT ? OFFSET ?"
    return [_history_row(row) for row in conn.execute(sql, (*params, limit, max(0, offset)))]


def count(conn: Db, found: HistoryFilter) -> int:
    """How many orders `search` would find with this filter and no limit."""
    where, params = _history_where(found)
    (total,) = conn.execute(f"SELECT count(*) FROM orders o {where}", tuple(params)).fetchone()
    return int(total)


def _history_row(row: Any) -> HistoryRow:
    return HistoryRow(
        order_row_id=row["id"],
        time=row["updated_at"],
        queued_at=row["queued_at"],
        order_id=row["order_id"],
        delivery_id=row["delivery_id"],
        waybill_id=row["waybill_id"],
        state=OrderState(row["state"]),
        session_id=row["session_id"],
        fetch_status=row["fetch_status"],
        errcode=row["errcode"],
        errmsg=row["errmsg"],
        prints=row["prints"],
        reprints=row["reprints"],
        attempts=row["attempts"],
        last_printer=row["last_printer"],
        last_print_at=row["last_print_at"],
        last_outcome=None if row["last_outcome"] is None else PrintOutcome(row["last_outcome"]),
        last_station=row["last_station"],
        last_kind=outcome_kind(row["last_kind"]),
        last_message=row["last_message"],
    )


def stations(conn: Db) -> list[str]:
    """Every station name that has a print on record, sorted."""
    rows = conn.execute("SELECT DISTINCT station FROM prints WHERE station != '' ORDER BY 1")
    return [str(row[0]) for row in rows]
