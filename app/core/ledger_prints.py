"""The ledger's print writes inside one transaction: the claim, outcomes, the order's state.

`claim` inserts a `pending` print; the unique index ``prints_claim`` (see
`app.core.ledger_schema`) admits one original print per waybill that came out or may
have, so the insert is ``ON CONFLICT DO NOTHING`` and None means someone else holds the
waybill. `set_outcome` moves a print on (pending → spooled/failed, unknown/spooled →
confirmed) and keeps its order's state in step (`refresh_printed`).
"""

from __future__ import annotations

from app.core import ledger_queries as q
from app.core.ledger_db import Db
from app.core.ledger_records import LedgerError, PrintRecord

_ALLOWED = {
    "spooled": ("pending",),
    "failed": ("pending",),
    "unknown": ("pending",),  # the spooler never answered: it may have printed
    "confirmed_printed": ("unknown", "spooled"),
    "confirmed_not_printed": ("unknown", "spooled"),
}


def claim(
    db: Db,
    values: tuple[object, ...],
    *,
    reprint: bool,
    station: str,
    session_id: str | None,
) -> int | None:
    """Insert a pending print; None when the waybill's original claim is taken.

    `values`: order row, waybill id, printer, copies, start time, target, run id.
    """
    return db.insert(
        "INSERT INTO prints (order_row, waybill_id, printer, copies, started_at, target,"
        " run_id, outcome, is_reprint, station, packer_session)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)"
        " ON CONFLICT DO NOTHING RETURNING id",
        (*values, int(reprint), station, session_id),
    )


def get(db: Db, print_id: int) -> PrintRecord:
    record = q.get_print(db, print_id)
    if record is None:
        raise LedgerError(f"no print #{print_id}")
    return record


def set_outcome(
    db: Db,
    print_id: int,
    outcome: str,
    now: float,
    *,
    message: str | None = None,
    pdf_path: str | None = None,
) -> PrintRecord:
    """Move one print to `outcome` (refused from the wrong state); returns it as it was."""
    record = get(db, print_id)
    allowed = _ALLOWED[outcome]
    if record.outcome.value not in allowed:
        if allowed == ("pending",):
            raise LedgerError(f"print #{print_id} is already {record.outcome.value}")
        raise LedgerError(
            f"print #{print_id} is {record.outcome.value}; only unknown or spooled "
            "prints can be confirmed"
        )
    if message is None:
        db.execute(
            "UPDATE prints SET outcome = ?, finished_at = coalesce(finished_at, ?) WHERE id = ?",
            (outcome, now, print_id),
        )
    else:
        db.execute(
            "UPDATE prints SET outcome = ?, finished_at = ?, message = ?,"
            " pdf_path = coalesce(?, pdf_path) WHERE id = ?",
            (outcome, now, message, pdf_path, print_id),
        )
    return record


def refresh_printed(db: Db, order_row: int) -> None:
    """An order with a label out is `printed`; one whose only label was retracted is not."""
    success = db.execute(
        f"SELECT EXISTS (SELECT 1 FROM prints WHERE order_row = ? AND target = 'printer'"
        f" AND outcome IN {q.SUCCESS_SQL})",
        (order_row,),
    ).fetchone()[0]
    if success:
        db.execute(
            "UPDATE orders SET state = 'printed' WHERE id = ? AND state != 'done'", (order_row,)
        )
    else:
        db.execute(
            "UPDATE orders SET state = 'fetched' WHERE id = ? AND state = 'printed'",
            (order_row,),
        )
