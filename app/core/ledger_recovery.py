"""Settling what earlier runs of the program left unfinished (behind `Ledger.recover`).

"Earlier run" means every row last worked on by a run other than the current one (or by
a database from before runs were recorded). The current run's jobs in flight are never
touched, so recovery may be asked again at any time.
"""

from __future__ import annotations

import sqlite3

from app.core import ledger_queries as q
from app.core.ledger_records import RecoveredOrder, RecoveredWaybill, Recovery
from app.core.model import OrderRef

_OTHER_RUN = "(run_id IS NULL OR run_id != ?)"


def recover_earlier_runs(conn: sqlite3.Connection, *, run_id: int, now: float) -> Recovery:
    """Run inside one write transaction; see `Ledger.recover` for what it does."""
    run = (run_id,)
    conn.execute(
        "UPDATE prints SET outcome = 'unknown', finished_at = ?, message = ? "
        f"WHERE outcome = 'pending' AND target = 'printer' AND {_OTHER_RUN}",
        (now, "the program ended before the printer answered", *run),
    )
    conn.execute(
        "UPDATE prints SET outcome = 'failed', finished_at = ?, message = ? "
        f"WHERE outcome = 'pending' AND target = 'pdf' AND {_OTHER_RUN}",
        (now, "the program ended before the PDF file was written", *run),
    )
    # An unanswered fetch carries nothing worth keeping; fetching again is harmless.
    conn.execute(
        "DELETE FROM fetches WHERE finished_at IS NULL AND order_row IN "
        f"(SELECT id FROM orders WHERE {_OTHER_RUN})",
        run,
    )
    conn.execute(
        f"UPDATE orders SET state = 'queued' WHERE state = 'fetching' AND {_OTHER_RUN}", run
    )

    unfetched = tuple(
        RecoveredOrder(
            row["id"],
            OrderRef(row["order_id"], row["delivery_id"], row["waybill_id_requested"]),
            row["session_id"],
        )
        for row in conn.execute(
            "SELECT id, order_id, delivery_id, waybill_id_requested, session_id "
            f"FROM orders WHERE state = 'queued' AND {_OTHER_RUN} ORDER BY id",
            run,
        )
    )

    unprinted: list[RecoveredWaybill] = []
    fetched = conn.execute(
        f"SELECT id, session_id FROM orders WHERE state = 'fetched' AND {_OTHER_RUN} ORDER BY id",
        run,
    ).fetchall()
    for row in fetched:
        waybill = q.stored_waybill(conn, int(row["id"]))
        if waybill is None or not waybill.printable or not waybill.waybill_id:
            continue
        # A waybill whose label came out, or may have (unknown), is not offered again.
        if q.blocking_print(conn, waybill.waybill_id) is None:
            unprinted.append(RecoveredWaybill(row["id"], waybill, row["session_id"]))

    unknown = q.prints_where(conn, "outcome = 'unknown' ORDER BY id", ())
    return Recovery(unfetched, tuple(unprinted), tuple(unknown))
