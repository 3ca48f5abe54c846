"""Writing a station's own prints to the warehouse ledger once it can be reached again.

While the warehouse ledger (PostgreSQL) is away, a window prints against the station's
own SQLite ledger — the local guard. `sync_local_prints` later copies every print of the
local file that the warehouse ledger does not have yet, with its original time, station,
session and outcome: labels on a printer and files written to a PDF folder alike (a PDF
folder is the station's printer too, and the window refuses a second file of a waybill
there by what the ledger says). A print still on its way (`pending`) waits for the next
sync.

The print lands on the warehouse's row of the same order when there is one (same order
id and carrier, and that waybill fetched, requested or printed on it: the row the window
fetched before the warehouse went away), so History lists the order once with all its
prints; otherwise on a new row with the stored label. An order the station closed is
closed on the warehouse too. A print whose waybill the warehouse shows as printed by
someone else meanwhile is still recorded (as a reprint, so the claim of the first stays)
and listed in `SyncReport.elsewhere` for the packer.

Progress is remembered beside the local file (``<ledger>.synced``: the highest local
print id copied), so each print is copied once and a start reads only what is new.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from app.core import ledger_queries as q
from app.core.atomic_file import write_atomically
from app.core.ledger_db import Db, SqliteDb
from app.core.ledger_records import PrintRecord
from app.core.model import OrderRef, Waybill

log = logging.getLogger(__name__)

_SETTLED = "outcome != 'pending'"


@dataclass
class SyncReport:
    copied: int = 0
    elsewhere: list[str] = field(default_factory=list)
    """Waybills printed here while away that another station had printed too."""


@dataclass(frozen=True)
class LocalPrint:
    """One print of the station's own ledger, with what its order needs on the warehouse."""

    record: PrintRecord
    ref: OrderRef
    waybill: Waybill | None
    """The stored label of its order (None: none was stored)."""
    closed: bool
    """The station closed the order (a PDF written, or nothing more to do)."""


class TakesPrints(Protocol):
    """The warehouse ledger as the sync sees it (`app.core.ledger.Ledger`, which uses the
    SQL below to find the order row: `ledger_sync` does not import it)."""

    def import_print(self, item: LocalPrint) -> str:
        """Copy one print; "present", "copied" or "elsewhere"."""
        ...


def _mark_file(local: Path) -> Path:
    return local.with_name(local.name + ".synced")


def _synced_up_to(local: Path) -> int:
    try:
        return int(_mark_file(local).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def sync_local_prints(local: Path, shared: TakesPrints) -> SyncReport:
    """Copy the local file's new prints into `shared` (see the module docstring)."""
    report = SyncReport()
    after = _synced_up_to(local)
    db = SqliteDb(local)
    try:
        items = [
            _local_print(db, record)
            for record in q.prints_where(db, f"id > ? AND {_SETTLED} ORDER BY id", (after,))
        ]
    finally:
        db.close()
    for item in items:
        if item is None:
            continue
        if shared.import_print(item) == "elsewhere":
            report.elsewhere.append(item.record.waybill_id)
        report.copied += 1
        write_atomically(_mark_file(local), str(item.record.id).encode())
    if report.copied:
        log.info(
            "wrote %d prints of the station's own ledger to the warehouse ledger (%d printed "
            "elsewhere too)",
            report.copied,
            len(report.elsewhere),
        )
    return report


def _local_print(db: Db, record: PrintRecord) -> LocalPrint | None:
    row = db.execute(
        "SELECT order_id, delivery_id, waybill_id_requested, state FROM orders WHERE id = ?",
        (record.order_row_id,),
    ).fetchone()
    if row is None:
        return None
    ref = OrderRef(row[0], row[1], row[2])
    waybill = q.stored_waybill(db, record.order_row_id)
    return LocalPrint(record, ref, waybill, closed=row[3] == "done")


def order_row_for(db: Db, ref: OrderRef, record: PrintRecord) -> int | None:
    """The warehouse's row of this order with the print's waybill on it, if any: the
    packer session's own (the window's queue row), else the newest."""
    on_order, params = q.waybill_on_order(record.waybill_id)
    found = db.execute(
        f"SELECT o.id FROM orders o WHERE o.order_id = ? AND o.delivery_id = ? AND {on_order}"
        " ORDER BY CASE WHEN o.session_id = ? THEN 0 ELSE 1 END, o.id DESC LIMIT 1",
        (*ref.key, *params, record.packer_session),
    ).fetchone()
    return None if found is None else int(found[0])


def is_present(db: Db, record: PrintRecord) -> bool:
    """True when the warehouse has this print already (copied by an earlier sync)."""
    found = db.execute(
        "SELECT 1 FROM prints WHERE waybill_id = ? AND station = ? AND started_at = ?",
        (record.waybill_id, record.station, record.started_at),
    ).fetchone()
    return found is not None


def import_print(db: Db, order_row: int, record: PrintRecord, run_id: int) -> str:
    """Insert one print as it was (inside the caller's transaction).

    Returns "present" (copied before), "copied", or "elsewhere" (the waybill's claim was
    taken by another print meanwhile; recorded as a reprint).
    """
    if is_present(db, record):
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
        record.pdf_path,
        None if record.kind is None else record.kind.value,
        record.cups_job,
    )
    sql = (
        "INSERT INTO prints (order_row, waybill_id, printer, copies, started_at, finished_at,"
        " outcome, message, target, run_id, station, packer_session, pdf_path, kind, cups_job,"
        " is_reprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING RETURNING id"
    )
    if db.insert(sql, (*values, int(record.is_reprint))) is not None:
        return "copied"
    db.insert(sql, (*values, 1))
    return "elsewhere"
