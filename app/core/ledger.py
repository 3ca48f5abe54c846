"""The ledger: every order, fetch and print of a station, in SQLite or on a shared server.

At a packing bench a lost label means a parcel that does not leave and a label printed
twice can mean two parcels. So every physical step is written down *before* it happens
and again *after*: `begin_print` commits a `pending` print before the job is sent, and
`finish_print` records what the printer system said. A program that dies in between
leaves a `pending` row which a later `recover` turns into `unknown` — never reprinted
automatically; the packer answers with `confirm_print`.

Where: a path is the station's own SQLite file (the default); a ``postgresql://`` URL is
a warehouse ledger every station shares (`app.core.ledger_db`). Both run the same
migrations (`app.core.ledger_schema`) and the same SQL. Orders and fetches are recorded
by `app.core.ledger_orders`, which `Ledger` extends with the prints, recovery and history.

Claims: `begin_print` is the claim on a waybill. A unique index admits one original print
per waybill that came out or may have, and the insert is ``ON CONFLICT DO NOTHING``: of
two processes or stations starting the same waybill at once exactly one gets the print,
the other `AlreadyPrinted` naming the station and time of the first. A reprint is its own,
explicit claim (`reprint=True`).

Durability (SQLite): WAL journal with ``synchronous=FULL``, so a power cut cannot roll
back the `begin_print` just before the label went out. Writes use ``BEGIN IMMEDIATE``.

Runs: each `Ledger` registers a run (host, pid, station, heartbeat; `app.core.ledger_runs`).
`recover` settles only runs whose process is gone, never the jobs in flight of a live
run, so the window, `fetch`, `resume` and `reprint` — and every station of a warehouse —
can use one ledger at the same time.

Threads: one connection; every public method holds one `threading.Lock` for its whole
transaction, so calls from several threads are serialised and safe. The heartbeat, when
asked for (`heartbeat_s`), runs on its own thread and connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from app.core import ledger_prints as prints
from app.core import ledger_queries as q
from app.core import ledger_runs as runs
from app.core import ledger_sync
from app.core.history_export import export_csv
from app.core.ledger_labels import UNUSED_LABELS_SQL
from app.core.ledger_orders import LedgerOrders
from app.core.ledger_records import (
    AlreadyPrinted,
    HistoryFilter,
    HistoryRow,
    LedgerError,
    PrintOutcome,
    PrintRecord,
    Recovery,
)
from app.core.ledger_recovery import recover_earlier_runs
from app.core.model import Waybill
from app.core.print_outcome import OutcomeKind

DEFAULT_FILENAME = "ledger.sqlite3"
"""The ledger's name inside the data folder."""
_TARGETS = ("printer", "pdf")
_DAY_S = 86400.0


class Ledger(LedgerOrders):
    """A station's record of orders, fetches and prints (see the module docstring)."""

    @classmethod
    def open(cls, path: Path | str, *, clock: Callable[[], float] = time.time) -> Ledger:
        return cls(path, clock=clock)

    # -- prints ------------------------------------------------------------------------

    def begin_print(
        self,
        order_id: int,
        *,
        waybill_id: str,
        printer: str,
        copies: int,
        target: str = "printer",
        reprint: bool = False,
    ) -> int:
        """Commit a `pending` print before the job is sent; returns its print id.

        Raises `AlreadyPrinted` when a label of this waybill came out on a printer, or may
        have (pending or unknown outcome), unless `reprint` is true; the print is then
        recorded as a reprint. PDF files (`target="pdf"`) are recorded but neither blocked
        nor blocking: no parcel label comes out of them.
        """
        if target not in _TARGETS:
            raise ValueError(f"target must be one of {_TARGETS}, not {target!r}")
        if copies < 1:
            raise ValueError("copies must be at least 1")
        if not waybill_id:
            raise ValueError("a print needs a waybill id")
        now = self._clock()
        values = (order_id, waybill_id, printer, copies, now, target, self.run_id)
        # no heartbeat thread: a print start says "alive", once per heartbeat interval
        beat = not self.beating and not now - self._beaten_at < runs.HEARTBEAT_S
        if self.shared and not reprint:  # the usual case, in one round trip
            with self._statement() as conn:
                print_id = prints.claim_at_once(
                    conn, values, station=self.station, session_id=self.session_id, beat=beat
                )
            if print_id is not None:
                if beat:
                    self._beaten_at = now
                return print_id
            # taken (or no such order): the transaction below says which
        with self._tx() as conn:
            self._touch(conn, order_id, now)
            if beat:
                runs.beat(conn, self.run_id, now)
            blocking = q.blocking_print(conn, waybill_id) if target == "printer" else None
            if blocking is not None and not reprint:
                raise AlreadyPrinted(waybill_id, blocking)
            print_id = prints.claim(
                conn,
                values,
                station=self.station,
                session_id=self.session_id,
                reprint=blocking is not None,
            )
            if print_id is None:  # another process claimed it after we looked
                blocking = q.blocking_print(conn, waybill_id)
                if blocking is None:
                    raise LedgerError(f"the claim on waybill {waybill_id} failed; try again")
                if not reprint:
                    raise AlreadyPrinted(waybill_id, blocking)
                print_id = prints.claim(
                    conn, values, station=self.station, session_id=self.session_id, reprint=True
                )
            if print_id is None:
                raise LedgerError(f"print of waybill {waybill_id} was not recorded")
        if beat:  # committed with the claim
            self._beaten_at = now
        return print_id

    def finish_print(
        self,
        print_id: int,
        *,
        ok: bool,
        message: str = "",
        pdf_path: str | None = None,
        uncertain: bool = False,
    ) -> None:
        """Record what became of a pending print: spooled (`ok`) or failed; `uncertain`
        (a job the spooler never answered for) keeps it `unknown`, for the packer to check."""
        self.settle_print(
            print_id, _finished_outcome(ok, uncertain), message=message, pdf_path=pdf_path
        )

    def settle_print(
        self,
        print_id: int,
        outcome: PrintOutcome,
        *,
        message: str = "",
        kind: OutcomeKind | None = None,
        pdf_path: str | None = None,
        cups_job: int | None = None,
    ) -> None:
        """Move a print on (`app.core.ledger_prints` says from which outcome to which):
        pending → sent (CUPS took job `cups_job`) → printed, stuck or failed, with the
        typed `kind` of the attempt and its message (the printer's reason)."""
        now = self._clock()
        kind_value = None if kind is None else kind.value
        if self.shared:  # the usual case, in one round trip
            with self._statement() as conn:
                done = prints.finish_at_once(
                    conn,
                    print_id,
                    outcome.value,
                    now,
                    self.run_id,
                    message=message,
                    pdf_path=pdf_path,
                    kind=kind_value,
                    cups_job=cups_job,
                )
            if done:
                return
            # not in a state it may leave (or no such print): the transaction below says which
        with self._tx() as conn:
            record = prints.set_outcome(
                conn,
                print_id,
                outcome.value,
                now,
                message=message,
                pdf_path=pdf_path,
                kind=kind_value,
                cups_job=cups_job,
            )
            self._touch(conn, record.order_row_id, now)
            prints.refresh_printed(conn, record.order_row_id)

    def confirm_print(self, print_id: int, printed: bool) -> None:
        """The packer's word on an unknown (or spooled) print: did a label come out?"""
        now = self._clock()
        outcome = "confirmed_printed" if printed else "confirmed_not_printed"
        with self._tx() as conn:
            record = prints.set_outcome(conn, print_id, outcome, now)
            self._touch(conn, record.order_row_id, now)
            prints.refresh_printed(conn, record.order_row_id)

    def import_print(self, item: ledger_sync.LocalPrint) -> str:
        """Copy a print of the station's own ledger into this one, onto the row of the same
        order when there is one (else a new row with its stored label); "present",
        "copied" or "elsewhere" (`app.core.ledger_sync`)."""
        record, ref = item.record, item.ref
        now = self._clock()
        with self._tx() as conn:
            if ledger_sync.is_present(conn, record):
                return "present"
            row = ledger_sync.order_row_for(conn, ref, record)
            if row is None:
                row = conn.insert(
                    "INSERT INTO orders (order_id, delivery_id, waybill_id_requested, queued_at,"
                    " updated_at, state, session_id, run_id)"
                    " VALUES (?, ?, ?, ?, ?, 'fetched', ?, ?) RETURNING id",
                    (
                        *ref.key,
                        ref.waybill_id,
                        record.started_at,
                        now,
                        record.packer_session,
                        self.run_id,
                    ),
                )
                assert row is not None
            else:
                self._touch(conn, row, now)
            result = ledger_sync.import_print(conn, row, record, self.run_id)
            labelled = q.stored_waybill(conn, row) is not None
        if item.waybill is not None and not labelled:
            self.record_fetch_result(row, item.waybill)
        with self._tx() as conn:
            prints.refresh_printed(conn, row)
            if item.closed:
                conn.execute("UPDATE orders SET state = 'done' WHERE id = ?", (row,))
        return result

    def was_printed(self, waybill_id: str) -> bool:
        """True when a label of this waybill came out on a printer (spooled or confirmed)."""
        with self._tx(write=False) as conn:
            found = q.prints_where(
                conn,
                f"waybill_id = ? AND target = 'printer' AND outcome IN {q.SUCCESS_SQL} LIMIT 1",
                (waybill_id,),
            )
        return bool(found)

    def last_print(self, waybill_id: str) -> PrintRecord | None:
        """The newest print attempt of this waybill, whatever its target and outcome."""
        with self._tx(write=False) as conn:
            found = q.prints_where(conn, "waybill_id = ? ORDER BY id DESC LIMIT 1", (waybill_id,))
        return found[0] if found else None

    def attempts(self, order_row_id: int) -> list[PrintRecord]:
        """Every print attempt of one ledger order, oldest first."""
        with self._tx(write=False) as conn:
            return q.prints_where(conn, "order_row = ? ORDER BY id", (order_row_id,))

    # -- recovery, history, retention --------------------------------------------------

    def recover(self) -> Recovery:
        """Settle what earlier runs left behind and return it (call once at start).

        Pending prints of earlier runs become `unknown` (PDF files: `failed`); fetches
        they never finished are dropped and their orders queued again. Returns the
        active orders of earlier runs not fetched yet, those fetched OK with no label out
        (rebuilt from the stored label; waybills with an unknown print are not among
        them), and every print whose outcome is unknown. Final orders never come back.
        """
        now = self._clock()
        with self._tx() as conn:
            runs.settle_gone_runs(
                conn, run_id=self.run_id, host=self.host, now=now, alive=self._alive
            )
            return recover_earlier_runs(conn, station=self.station, now=now)

    def search(
        self, found: HistoryFilter | None = None, *, limit: int = 500, offset: int = 0
    ) -> list[HistoryRow]:
        """History: the orders `found` keeps (None: all), by last activity, newest first
        (`limit` of them after the newest `offset`: one page)."""
        with self._tx(write=False) as conn:
            return q.search(conn, found or HistoryFilter(), limit=limit, offset=offset)

    def count(self, found: HistoryFilter | None = None) -> int:
        """How many orders `search` finds with the same filter, all pages together."""
        with self._tx(write=False) as conn:
            return q.count(conn, found or HistoryFilter())

    def stations(self) -> list[str]:
        """Every station with a print on record (for History's station filter)."""
        with self._tx(write=False) as conn:
            return q.stations(conn)

    def stored_waybill(self, key: int | str) -> Waybill | None:
        """The stored label, for reprint or export offline.

        An `int` is a ledger order id (its newest finished fetch, whatever its status); a
        `str` is a waybill id (its newest OK fetch).
        """
        with self._tx(write=False) as conn:
            return q.stored_waybill(conn, key)

    @staticmethod
    def export_csv(rows: Sequence[HistoryRow], file: Path | str | IO[str]) -> int:
        """Write history rows as CSV for Excel (see `app.core.history_export`)."""
        return export_csv(rows, file)

    def prune(self, older_than_days: int) -> int:
        """Delete orders (with their fetches and prints) idle for more than N days.

        Returns how many orders were deleted. Ended runs that old go too, and the labels
        no remaining fetch names.
        """
        if older_than_days < 0:
            raise ValueError("older_than_days must not be negative")
        cutoff = self._clock() - older_than_days * _DAY_S
        with self._tx() as conn:
            deleted = conn.execute("DELETE FROM orders WHERE updated_at < ?", (cutoff,)).rowcount
            if deleted:  # (their fetches went with them)
                conn.execute(UNUSED_LABELS_SQL)
            conn.execute(
                "DELETE FROM runs WHERE ended_at IS NOT NULL AND ended_at < ? AND id != ?",
                (cutoff, self.run_id),
            )
        return int(deleted)


def _finished_outcome(ok: bool, uncertain: bool) -> PrintOutcome:
    if ok:
        return PrintOutcome.SPOOLED
    return PrintOutcome.UNKNOWN if uncertain else PrintOutcome.FAILED
