"""The ledger's print writes inside one transaction: the claim, outcomes, the order's state.

`claim` inserts a `pending` print; the unique index ``prints_claim`` (see
`app.core.ledger_schema`) admits one original print per waybill that came out or may
have, so the insert is ``ON CONFLICT DO NOTHING`` and None means someone else holds the
waybill. On a shared PostgreSQL ledger `claim_at_once` is the whole claim — the insert,
the order's touch and, when due, the run's heartbeat — in one statement and one round
trip (a station's claim must not wait on five), prepared once per connection.

Durability on PostgreSQL: the claim commits synchronously — it is on disk before the
label is sent, as the duplicate guard needs. `finish_at_once` commits asynchronously (its
own transaction's ``synchronous_commit`` off, set inside the statement): it does not wait
for its WAL flush, which on a server with fsync on is half of a label's server CPU. What
a server crash can lose is the outcomes of the last fraction of a second (at most three
``wal_writer_delay``, 600 ms by default; any station's next claim flushes them, as WAL is
written in order): such a print stays `pending`, which blocks a second claim like the
outcome would, and once its run has ended the next start lists it as `unknown` for the
packer — what a station that crashes between claim and outcome leaves too. Never a
second label unasked, never a label that was sent and is not on record. Every other
write (the slow paths, orders, fetches, confirmations) commits synchronously.

`set_outcome` moves a print on (pending → sent/spooled/failed/unknown, sent →
printed/stuck/failed, stuck → printed/failed, unknown/spooled/sent/stuck → confirmed
printed, unknown/spooled → confirmed not printed) and keeps its order's state in step
(`refresh_printed`); `finish_at_once` is the same for a print's end, in one statement, on
PostgreSQL. A print still in the printer (sent, stuck) cannot be confirmed not printed:
its job could still come out; it is cancelled in CUPS first, and ends failed.
"""

from __future__ import annotations

from app.core import ledger_queries as q
from app.core.ledger_db import Db
from app.core.ledger_records import LedgerError, PrintRecord

_ALLOWED = {
    "sent": ("pending",),
    "spooled": ("pending",),
    "printed": ("pending", "sent", "stuck", "spooled"),  # spooled: recorded late, then seen
    "stuck": ("pending", "sent", "stuck"),
    "failed": ("pending", "sent", "stuck"),
    "unknown": ("pending",),  # the spooler never answered: it may have printed
    "confirmed_printed": ("unknown", "spooled", "sent", "stuck"),
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


_CLAIM = (
    "WITH claim AS ("
    " INSERT INTO prints (order_row, waybill_id, printer, copies, started_at, target, run_id,"
    " outcome, is_reprint, station, packer_session)"
    " SELECT o.id, ?, ?, ?::integer, ?::double precision, ?, ?::bigint, 'pending', 0, ?, ?"
    " FROM orders o WHERE o.id = ?::bigint"
    " ON CONFLICT DO NOTHING RETURNING id, started_at),"
    " touched AS (UPDATE orders SET updated_at = (SELECT started_at FROM claim),"
    " run_id = ?::bigint WHERE id = ?::bigint AND EXISTS (SELECT 1 FROM claim))"
)
_CLAIM_AT_ONCE = _CLAIM + " SELECT id FROM claim"
_CLAIM_AND_BEAT = (
    _CLAIM + ", beat AS (UPDATE runs SET heartbeat_at = (SELECT started_at FROM claim)"
    " WHERE id = ?::bigint AND EXISTS (SELECT 1 FROM claim))"
    " SELECT id FROM claim"
)
"""The claim, and the claim that also says the run is alive: a run without a heartbeat
thread does so at most once per heartbeat interval (`app.core.ledger.Ledger.begin_print`);
any other claim has no statement on `runs` to plan, open or run."""


def claim_at_once(
    db: Db,
    values: tuple[object, ...],
    *,
    station: str,
    session_id: str | None,
    beat: bool,
) -> int | None:
    """PostgreSQL: claim an original print in one statement (run outside a transaction:
    it commits as it ends). None when nothing was claimed — the waybill is taken, or the
    order row is missing: the caller finds out which the long way (`claim`).

    `values` as for `claim`; `beat`: also mark the run alive (no heartbeat thread).
    """
    order_row, waybill_id, printer, copies, now, target, run_id = values
    params = (
        *(waybill_id, printer, copies, now, target, run_id, station, session_id),
        *(order_row, run_id, order_row),
    )
    if beat:
        ids = db.prepared_ids(_CLAIM_AND_BEAT, (*params, run_id))
    else:
        ids = db.prepared_ids(_CLAIM_AT_ONCE, params)
    return ids[0] if ids else None


_FINISH_AT_ONCE = (
    "WITH done AS (UPDATE prints SET outcome = ?, finished_at = ?::double precision,"
    " message = ?, pdf_path = coalesce(?, pdf_path), kind = coalesce(?, kind),"
    " cups_job = coalesce(?::bigint, cups_job)"
    " WHERE id = ?::bigint AND outcome = ANY(?) RETURNING order_row, target),"
    " touched AS (UPDATE orders o SET updated_at = ?::double precision, run_id = ?::bigint,"
    f" state = CASE WHEN (?::text IN {q.SUCCESS_SQL} AND (SELECT target FROM done) = 'printer')"
    " OR EXISTS (SELECT 1 FROM prints p WHERE p.order_row = o.id AND p.target = 'printer'"
    f" AND p.outcome IN {q.SUCCESS_SQL})"
    " THEN (CASE WHEN o.state = 'done' THEN o.state ELSE 'printed' END)"
    " ELSE (CASE WHEN o.state = 'printed' THEN 'fetched' ELSE o.state END) END"
    " WHERE o.id = (SELECT order_row FROM done))"
    " SELECT order_row, set_config('synchronous_commit', 'off', true) FROM done"
)


def finish_at_once(
    db: Db,
    print_id: int,
    outcome: str,
    now: float,
    run_id: int,
    *,
    message: str,
    pdf_path: str | None,
    kind: str | None = None,
    cups_job: int | None = None,
) -> bool:
    """PostgreSQL: `set_outcome` with a message, `_touch` and `refresh_printed` for one
    print in one statement (run outside a transaction). False when the print is not in a
    state it may leave for `outcome`: nothing changed, and `set_outcome` says why."""
    rows = db.prepared_ids(
        _FINISH_AT_ONCE,
        (
            *(outcome, now, message, pdf_path, kind, cups_job),
            *(print_id, list(_ALLOWED[outcome])),
            *(now, run_id, outcome),
        ),
    )
    return bool(rows)


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
    kind: str | None = None,
    cups_job: int | None = None,
) -> PrintRecord:
    """Move one print to `outcome` (refused from the wrong state); returns it as it was."""
    record = get(db, print_id)
    allowed = _ALLOWED[outcome]
    if record.outcome.value not in allowed:
        if outcome == "confirmed_not_printed" and record.outcome.value in ("sent", "stuck"):
            raise LedgerError(
                f"print #{print_id} is {record.outcome.value}: its job is still in the "
                "printer and may come out; cancel the job first"
            )
        if outcome.startswith("confirmed"):
            raise LedgerError(
                f"print #{print_id} is {record.outcome.value}; only unknown, spooled, sent "
                "or stuck prints can be confirmed"
            )
        raise LedgerError(f"print #{print_id} is already {record.outcome.value}")
    if message is None:
        db.execute(
            "UPDATE prints SET outcome = ?, finished_at = coalesce(finished_at, ?) WHERE id = ?",
            (outcome, now, print_id),
        )
    else:
        db.execute(
            "UPDATE prints SET outcome = ?, finished_at = ?, message = ?,"
            " pdf_path = coalesce(?, pdf_path), kind = coalesce(?, kind),"
            " cups_job = coalesce(?, cups_job) WHERE id = ?",
            (outcome, now, message, pdf_path, kind, cups_job, print_id),
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
