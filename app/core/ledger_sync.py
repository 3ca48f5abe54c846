"""Writing a station's own prints to the warehouse ledger once it can be reached again.

While the warehouse ledger (PostgreSQL) is away, a window prints against the station's
own SQLite ledger — the local guard. `sync_local_prints` later copies every print of the
local file that the warehouse ledger does not have yet: the order, its stored label and
the print with its original time, station and session. A print whose waybill the
warehouse shows as printed by someone else meanwhile is still recorded (as a reprint, so
the claim of the first stays) and listed in `SyncReport.elsewhere` for the packer.

Progress is remembered beside the local file (``<ledger>.synced``: the highest local
print id copied), so each print is copied once and a start reads only what is new.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.core import ledger_queries as q
from app.core.atomic_file import write_atomically
from app.core.ledger_db import Db, SqliteDb
from app.core.ledger_records import PrintRecord
from app.core.model import OrderRef, Waybill

if TYPE_CHECKING:
    from app.core.ledger import Ledger

log = logging.getLogger(__name__)

_SYNCABLE = "('spooled', 'confirmed_printed', 'unknown', 'confirmed_not_printed', 'failed')"


@dataclass
class SyncReport:
    copied: int = 0
    elsewhere: list[str] = field(default_factory=list)
    """Waybills printed here while away that another station had printed too."""


def _mark_file(local: Path) -> Path:
    return local.with_name(local.name + ".synced")


def _synced_up_to(local: Path) -> int:
    try:
        return int(_mark_file(local).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def sync_local_prints(local: Path, shared: Ledger) -> SyncReport:
    """Copy the local file's new prints into `shared` (see the module docstring)."""
    report = SyncReport()
    after = _synced_up_to(local)
    db = SqliteDb(local)
    try:
        pending = q.prints_where(
            db,
            f"id > ? AND target = 'printer' AND outcome IN {_SYNCABLE} ORDER BY id",
            (after,),
        )
        items = [(record, *_order_of(db, record)) for record in pending]
    finally:
        db.close()
    for record, ref, waybill in items:
        if ref is None:
            continue
        if shared.import_print(record, ref, waybill) == "elsewhere":
            report.elsewhere.append(record.waybill_id)
        report.copied += 1
        write_atomically(_mark_file(local), str(record.id).encode())
    if report.copied:
        log.info(
            "wrote %d prints of the station's own ledger to the warehouse ledger (%d printed "
            "elsewhere too)",
            report.copied,
            len(report.elsewhere),
        )
    return report


def _order_of(db: Db, record: PrintRecord) -> tuple[OrderRef | None, Waybill | None]:
    row = db.execute(
        "SELECT order_id, delivery_id, waybill_id_requested FROM orders WHERE id = ?",
        (record.order_row_id,),
    ).fetchone()
    if row is None:
        return None, None
    return OrderRef(row[0], row[1], row[2]), q.stored_waybill(db, record.order_row_id)


def import_print(db: Db, order_row: int, record: PrintRecord, run_id: int) -> str:
    """Insert one print as it was (inside the caller's transaction).

    Returns "present" (copied before), "copied", or "elsewhere" (the waybill's claim was
    taken by another print meanwhile; recorded as a reprint).
    """
    found = db.execute(
        "SELECT 1 FROM prints WHERE waybill_id = ? AND station = ? AND started_at = ?",
        (record.waybill_id, record.station, record.started_at),
    ).fetchone()
    if found is not None:
        return "present"
    values = (
        order_row,
        record.waybill_id,
        record.printer,
        record.copies,
        record.started_at,
        record.finished_at,
        record.outcome.value,
        record.message,
        record.target,
        run_id,
        record.station,
        record.packer_session,
    )
    sql = (
        "INSERT INTO prints (order_row, waybill_id, printer, copies, started_at, finished_at,"
        " outcome, message, target, run_id, station, packer_session, is_reprint)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id"
    )
    if db.insert(sql, (*values, int(record.is_reprint))) is not None:
        return "copied"
    db.insert(sql, (*values, 1))
    return "elsewhere"
