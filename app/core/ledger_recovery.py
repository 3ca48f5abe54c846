"""Settling what earlier runs of the program left unfinished (behind `Ledger.recover`).

Only rows of runs that are *over* are touched: runs that ended, whose process is gone
(`app.core.ledger_runs.settle_gone_runs` marks those ended first), or rows from before
runs were recorded. Jobs in flight of any live run — this one, another program on the
same ledger, another station — are never touched, so recovery may be asked at any time.

Pending prints of any finished run become `unknown`, whichever station it was; what is
handed back to the packer (orders to fetch or print again, prints to confirm, prints
whose CUPS job was sent or is stuck and may still come out) is only this station's.
"""

from __future__ import annotations

from app.core import ledger_queries as q
from app.core.ledger_db import Db
from app.core.ledger_records import RecoveredOrder, RecoveredWaybill, Recovery
from app.core.model import OrderRef

_OVER = "(run_id IS NULL OR run_id IN (SELECT id FROM runs WHERE ended_at IS NOT NULL))"
_OURS = (
    "(run_id IS NULL OR run_id IN (SELECT id FROM runs WHERE ended_at IS NOT NULL"
    " AND station IN (?, '')))"
)


def recover_earlier_runs(db: Db, *, station: str, now: float) -> Recovery:
    """Run inside one write transaction; see `Ledger.recover` for what it does."""
    conn = db
    run = (station,)
    conn.execute(
        "UPDATE prints SET outcome = 'unknown', finished_at = ?, message = ? "
        f"WHERE outcome = 'pending' AND target = 'printer' AND {_OVER}",
        (now, "the program ended before the printer answered"),
    )
    conn.execute(
        "UPDATE prints SET outcome = 'failed', finished_at = ?, message = ? "
        f"WHERE outcome = 'pending' AND target = 'pdf' AND {_OVER}",
        (now, "the program ended before the PDF file was written"),
    )
    # An unanswered fetch carries nothing worth keeping; fetching again is harmless.
    conn.execute(
        f"DELETE FROM fetches WHERE finished_at IS NULL AND order_row IN "
        f"(SELECT id FROM orders WHERE {_OVER})",
    )
    conn.execute(f"UPDATE orders SET state = 'queued' WHERE state = 'fetching' AND {_OVER}")

    unfetched = tuple(
        RecoveredOrder(
            row["id"],
            OrderRef(row["order_id"], row["delivery_id"], row["waybill_id_requested"]),
            row["session_id"],
        )
        for row in conn.execute(
            "SELECT id, order_id, delivery_id, waybill_id_requested, session_id "
            f"FROM orders WHERE state = 'queued' AND {_OURS} ORDER BY id",
            run,
        )
    )

    unprinted: list[RecoveredWaybill] = []
    fetched = conn.execute(
        f"SELECT id, session_id FROM orders WHERE state = 'fetched' AND {_OURS} ORDER BY id",
        run,
    ).fetchall()
    for row in fetched:
        waybill = q.stored_waybill(db, int(row["id"]))
        if waybill is None or not waybill.printable or not waybill.waybill_id:
            continue
        # A waybill whose label came out, or may have (unknown), is not offered again.
        if q.blocking_print(db, waybill.waybill_id) is None:
            unprinted.append(RecoveredWaybill(row["id"], waybill, row["session_id"]))

    unknown = q.prints_where(conn, "outcome = 'unknown' AND station IN (?, '') ORDER BY id", run)
    in_printer = q.prints_where(
        conn,
        "outcome IN ('sent', 'stuck') AND target = 'printer' AND cups_job IS NOT NULL"
        f" AND station IN (?, '') AND {_OVER} ORDER BY id",
        run,
    )
    return Recovery(unfetched, tuple(unprinted), tuple(unknown), tuple(in_printer))
