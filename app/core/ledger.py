"""The local ledger: every order, fetch and print of this station, in one SQLite file.

At a packing bench a lost label means a parcel that does not leave and a label printed
twice can mean two parcels. So every physical step is written down *before* it happens
and again *after*: `begin_print` commits a `pending` print before the job is sent, and
`finish_print` records what the printer system said. A program that dies in between
leaves a `pending` row which the next run's `recover` turns into `unknown` — never
reprinted automatically; the packer answers with `confirm_print`.

Durability: WAL journal with ``synchronous=FULL``. In WAL mode ``NORMAL`` survives a
crash of the program but a power cut may roll back the last commits — exactly the
`begin_print` just before the label went out, which would then be printed again after
the reboot. ``FULL`` fsyncs the WAL at every commit; commits are a few per label, so the
cost does not matter. Every public call is one transaction; writes use
``BEGIN IMMEDIATE`` so the duplicate-print check and the insert are atomic even when two
processes share the file.

Runs: each `Ledger` registers a run (pid, start time). Rows remember the run that last
worked on them; `recover` only looks at rows of *other* runs, so it never touches this
run's jobs in flight. One program instance per ledger file is expected: a second
instance's `recover` would flag the first one's pending prints as unknown.

Threads: one connection opened with ``check_same_thread=False``; every public method
holds one `threading.Lock` for its whole transaction, so calls from several threads are
serialised and safe.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO

from app.core import ledger_queries as q
from app.core.history_export import export_csv
from app.core.ledger_records import (
    AlreadyPrinted,
    HistoryRow,
    LedgerError,
    OrderState,
    PrintRecord,
    Recovery,
)
from app.core.ledger_recovery import recover_earlier_runs
from app.core.ledger_schema import migrate
from app.core.model import OrderRef, Waybill, WaybillStatus

DEFAULT_FILENAME = "ledger.sqlite3"
"""The ledger's name inside the data folder."""
BUSY_TIMEOUT_S = 10.0
_ACTIVE_SQL = "('queued', 'fetching', 'fetched')"
_TARGETS = ("printer", "pdf")
_DAY_S = 86400.0


class Ledger:
    """The station's record of orders, fetches and prints (see the module docstring)."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self._path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open the ledger {self._path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            # A network share cannot do WAL and stays in its rollback journal; still durable.
            self.journal_mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            conn.execute("PRAGMA synchronous = FULL")
            self.migrated_from = migrate(conn)
            cur = conn.execute(
                "INSERT INTO runs (pid, started_at) VALUES (?, ?)", (os.getpid(), clock())
            )
            self.run_id: int = int(cur.lastrowid or 0)
        except (sqlite3.Error, LedgerError) as exc:
            conn.close()
            if isinstance(exc, LedgerError):
                raise
            raise LedgerError(f"cannot open the ledger {self._path}: {exc}") from exc
        self._conn: sqlite3.Connection | None = conn

    @classmethod
    def open(cls, path: Path, *, clock: Callable[[], float] = time.time) -> Ledger:
        return cls(path, clock=clock)

    @property
    def path(self) -> Path:
        return self._path

    def close(self) -> None:
        """Mark this run ended and close the file; further calls raise `LedgerError`."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                conn.execute(
                    "UPDATE runs SET ended_at = ? WHERE id = ?", (self._clock(), self.run_id)
                )
            except sqlite3.Error as exc:
                raise LedgerError(f"ledger {self._path.name}: {exc}") from exc
            finally:
                conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _tx(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise LedgerError("the ledger is closed")
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise LedgerError(f"ledger {self._path.name}: {exc}") from exc

    def _touch(self, conn: sqlite3.Connection, order_row: int, now: float) -> None:
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

        An order (same order id and carrier) that is still active keeps its ledger id
        instead of getting a second row.
        """
        now = self._clock()
        ids: list[int] = []
        with self._tx() as conn:
            for ref in refs:
                found = conn.execute(
                    f"SELECT id FROM orders WHERE order_id = ? AND delivery_id = ? "
                    f"AND state IN {_ACTIVE_SQL} ORDER BY id DESC LIMIT 1",
                    ref.key,
                ).fetchone()
                if found is not None:
                    ids.append(int(found[0]))
                    self._touch(conn, int(found[0]), now)
                    continue
                cur = conn.execute(
                    "INSERT INTO orders (order_id, delivery_id, waybill_id_requested, queued_at,"
                    " updated_at, state, session_id, run_id)"
                    " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
                    (*ref.key, ref.waybill_id, now, now, session_id, self.run_id),
                )
                ids.append(int(cur.lastrowid or 0))
        return ids

    def record_fetch_started(self, order_ids: Sequence[int]) -> None:
        """Record that the fetch of these orders begins (an unanswered earlier one is dropped)."""
        now = self._clock()
        with self._tx() as conn:
            for order_row in order_ids:
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
        now = self._clock()
        state = {
            WaybillStatus.OK: OrderState.FETCHED if waybill.printable else OrderState.FAILED,
            WaybillStatus.CANCELLED: OrderState.CANCELLED,
            WaybillStatus.ERROR: OrderState.FAILED,
        }[waybill.status]
        page = waybill.page_size
        values = (
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
        with self._tx() as conn:
            row = conn.execute(
                "SELECT order_id, delivery_id FROM orders WHERE id = ?", (order_id,)
            ).fetchone()
            if row is None:
                raise LedgerError(f"no ledger order #{order_id}")
            if tuple(row) != waybill.ref.key:
                raise LedgerError(
                    f"ledger order #{order_id} is {tuple(row)}, the answer is for {waybill.ref.key}"
                )
            self._touch(conn, order_id, now)
            open_fetch = conn.execute(
                "SELECT max(id) FROM fetches WHERE order_row = ? AND finished_at IS NULL",
                (order_id,),
            ).fetchone()[0]
            if open_fetch is None:
                open_fetch = conn.execute(
                    "INSERT INTO fetches (order_row, started_at) VALUES (?, ?)", (order_id, now)
                ).lastrowid
            conn.execute(
                "UPDATE fetches SET finished_at = ?, status = ?, errcode = ?, errmsg = ?,"
                " waybill_id = ?, label_html = ?, page_w_mm = ?, page_h_mm = ?, waybill_data = ?,"
                " hint_en = ?, hint_zh = ?, extra = ? WHERE id = ?",
                (*values, open_fetch),
            )
            conn.execute(
                "UPDATE orders SET state = ? WHERE id = ? AND state NOT IN ('printed', 'done')",
                (state.value, order_id),
            )

    def mark_done(self, order_id: int) -> None:
        """Close an order: nothing more to do, recovery will not bring it back."""
        now = self._clock()
        with self._tx() as conn:
            self._touch(conn, order_id, now)
            conn.execute("UPDATE orders SET state = 'done' WHERE id = ?", (order_id,))

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
        with self._tx() as conn:
            self._touch(conn, order_id, now)
            is_reprint = False
            if target == "printer":
                blocking = q.blocking_print(conn, waybill_id)
                if blocking is not None and not reprint:
                    raise AlreadyPrinted(waybill_id, blocking)
                is_reprint = blocking is not None
            cur = conn.execute(
                "INSERT INTO prints (order_row, waybill_id, printer, copies, started_at, outcome,"
                " is_reprint, target, run_id) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (order_id, waybill_id, printer, copies, now, is_reprint, target, self.run_id),
            )
            return int(cur.lastrowid or 0)

    def finish_print(
        self, print_id: int, *, ok: bool, message: str = "", pdf_path: str | None = None
    ) -> None:
        """Record what became of a pending print: spooled (`ok`) or failed."""
        now = self._clock()
        with self._tx() as conn:
            record = self._print(conn, print_id)
            if record.outcome.value != "pending":
                raise LedgerError(f"print #{print_id} is already {record.outcome.value}")
            conn.execute(
                "UPDATE prints SET outcome = ?, finished_at = ?, message = ?,"
                " pdf_path = coalesce(?, pdf_path) WHERE id = ?",
                ("spooled" if ok else "failed", now, message, pdf_path, print_id),
            )
            self._touch(conn, record.order_row_id, now)
            self._refresh_printed(conn, record.order_row_id)

    def confirm_print(self, print_id: int, printed: bool) -> None:
        """The packer's word on an unknown (or spooled) print: did a label come out?"""
        now = self._clock()
        with self._tx() as conn:
            record = self._print(conn, print_id)
            if record.outcome.value not in ("unknown", "spooled"):
                raise LedgerError(
                    f"print #{print_id} is {record.outcome.value}; only unknown or spooled "
                    "prints can be confirmed"
                )
            outcome = "confirmed_printed" if printed else "confirmed_not_printed"
            conn.execute(
                "UPDATE prints SET outcome = ?, finished_at = coalesce(finished_at, ?)"
                " WHERE id = ?",
                (outcome, now, print_id),
            )
            self._touch(conn, record.order_row_id, now)
            self._refresh_printed(conn, record.order_row_id)

    def _print(self, conn: sqlite3.Connection, print_id: int) -> PrintRecord:
        record = q.get_print(conn, print_id)
        if record is None:
            raise LedgerError(f"no print #{print_id}")
        return record

    @staticmethod
    def _refresh_printed(conn: sqlite3.Connection, order_row: int) -> None:
        success = conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM prints WHERE order_row = ? AND target = 'printer'"
            f" AND outcome IN {q.SUCCESS_SQL})",
            (order_row,),
        ).fetchone()[0]
        if success:
            conn.execute(
                "UPDATE orders SET state = 'printed' WHERE id = ? AND state != 'done'", (order_row,)
            )
        else:
            conn.execute(
                "UPDATE orders SET state = 'fetched' WHERE id = ? AND state = 'printed'",
                (order_row,),
            )

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
            return recover_earlier_runs(conn, run_id=self.run_id, now=now)

    def search(
        self,
        order_id: str | None = None,
        waybill_id: str | None = None,
        delivery_id: str | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 500,
    ) -> list[HistoryRow]:
        """History: orders whose ids contain the given texts, by last activity, newest first."""
        with self._tx(write=False) as conn:
            return q.search(
                conn,
                order_id=order_id,
                waybill_id=waybill_id,
                delivery_id=delivery_id,
                since=since,
                until=until,
                limit=limit,
            )

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

        Returns how many orders were deleted. Ended runs that old go too.
        """
        if older_than_days < 0:
            raise ValueError("older_than_days must not be negative")
        cutoff = self._clock() - older_than_days * _DAY_S
        with self._tx() as conn:
            deleted = conn.execute("DELETE FROM orders WHERE updated_at < ?", (cutoff,)).rowcount
            conn.execute(
                "DELETE FROM runs WHERE ended_at IS NOT NULL AND ended_at < ? AND id != ?",
                (cutoff, self.run_id),
            )
        return int(deleted)
