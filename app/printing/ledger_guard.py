"""The ledger-backed print guard: every print is on record before it goes out.

`LedgerPrintGuard` implements `app.printing.guard.PrintGuard` over the ledger's print policy
(`app.core.print_policy`) and is that policy's one caller: the window's print service and
the command line's `BatchRun` (`app.core.batch_run`) both put labels out through it.
`before_print` claims a `pending` print and returns the claim as the token; `after_print`
settles it with the typed `PrintResult` once the job was accepted or failed (a CUPS job
that is followed to paper is `sent` then); `followed` settles such a job again when it
ended (`printed`, `stuck` or `failed`) — the window's job watch (`app.ui.job_follow`) and
`BatchRun` (`fetch --print` waiting for the paper, `resume`) use the same two methods;
`token_for` is the token of a print an earlier run left sent or stuck.

A waybill the ledger shows as printed (spooled, confirmed, with an unknown
outcome, or sent or stuck in the printer) is refused with
`PrintRefused(already_printed=True)`, so the window asks the packer and prints it again
only as a recorded reprint.

Which ledger order a label belongs to: a waybill tagged with `LEDGER_ORDER_EXTRA` in its
`extra` (labels reprinted from the history carry their order's id), else the id
`LedgerRows` holds for its queue key (filled when rows are recorded as queued, see
`app.ui.ledger_recorder`), else the order is recorded as queued now.

Threading decision: the claim and the settle run off the GUI thread. In the window the
print service (`app.printing.print_service`) hands `claim_write`'s and `settle_write`'s
functions to one serial lane of the background helper (`app.ui.background.SerialLane`):
a label's claim runs there and the print controller submits its job when the claim's
answer (token, refusal) comes back to the GUI thread; outcomes are recorded one after
another in the order the jobs ended, after the claims given before them, and the window
hears of a job's end only once its outcome is on record. So a warehouse ledger on a slow
or unreachable server (a network round trip per claim, up to the connect timeout when it
is away) never holds the window, neither before nor after a print. `unrecorded` has a
lock because a settle in the lane may add to it while a claim writes the late ones.

The command line builds its guard with `once_per_folder=False` (its PDF folders are
exports, a file is rewritten under its fixed name) and `defer_unrecorded=False` (an end
the ledger cannot take stops the command, as the print stays pending for the next start).

PDF folders: a PDF folder is the "printer" of the demo and of stations without a label
printer, so the policy refuses a second file of the same waybill in the same folder unless
reprinted, and closes an order whose file was written (recovery does not bring it back).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication

from app.core.ledger import Ledger
from app.core.ledger_records import LedgerError, LedgerUnavailable, PrintOutcome, PrintRecord
from app.core.model import OrderRef, Waybill
from app.core.print_outcome import PrintResult
from app.core.print_policy import LEDGER_ORDER_EXTRA as LEDGER_ORDER_EXTRA
from app.core.print_policy import TARGET_PRINTER, Claim, LedgerPrintPolicy, PrintRefusal
from app.core.print_policy import tag_order as tag_order
from app.printing.guard import PrintRefused, check_dropped

log = logging.getLogger(__name__)

Key = tuple[str, str]


class LedgerRows:
    """Queue key (order id, carrier) → ledger order id; safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[Key, int] = {}

    def bind(self, pairs: Iterable[tuple[Key, int]]) -> None:
        with self._lock:
            self._ids.update(pairs)

    def get(self, key: Key) -> int | None:
        with self._lock:
            return self._ids.get(key)

    def snapshot(self) -> dict[Key, int]:
        with self._lock:
            return dict(self._ids)


class LedgerAway(PrintRefused):
    """The warehouse ledger could not be reached, so nothing was printed; `problem` says
    what the connection said (the window may then offer the station's own guard)."""

    def __init__(self, reason: str, problem: str) -> None:
        super().__init__(reason)
        self.problem = problem


class LedgerPrintGuard:
    """Puts every print on the ledger before it is sent (see the module docstring)."""

    def __init__(
        self,
        ledger: Ledger,
        rows: LedgerRows | None = None,
        *,
        session_id: str | None = None,
        once_per_folder: bool = True,
        defer_unrecorded: bool = True,
    ) -> None:
        self._ledger = ledger
        self.rows = rows if rows is not None else LedgerRows()
        self._session_id = session_id
        self._policy = LedgerPrintPolicy(ledger, once_per_folder=once_per_folder)
        self._defer_unrecorded = defer_unrecorded
        self._unrecorded_lock = threading.Lock()
        self.unrecorded: list[tuple[Claim, PrintResult]] = []
        """Outcomes the warehouse ledger could not take (it was away); written later."""
        self.follows: Callable[[PrintResult], bool] | None = None
        """Set when the window follows CUPS jobs to paper (`app.ui.job_watch`): a spooled
        job it follows is recorded `sent`, and settled again when it ends."""

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    def order_row(self, waybill: Waybill) -> int:
        """The ledger order of this label, recording it as queued if it is not known yet."""
        tagged = waybill.extra.get(LEDGER_ORDER_EXTRA)
        if tagged is not None and tagged.isdigit():
            return int(tagged)
        known = self.rows.get(waybill.ref.key)
        if known is not None:
            return known
        ref = OrderRef(waybill.ref.order_id, waybill.ref.delivery_id, waybill.waybill_id)
        (row,) = self._ledger.record_queued([ref], session_id=self._session_id)
        self.rows.bind([(waybill.ref.key, row)])
        return row

    def before_print(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
    ) -> Claim:
        if not waybill.waybill_id:
            raise PrintRefused(
                QCoreApplication.translate(
                    "LedgerPrintGuard",
                    "the label has no waybill id, so it is not printed; fetch the order again",
                ),
                refusal=PrintRefusal("the label has no waybill id", no_waybill_id=True),
            )
        self.record_late_outcomes()
        try:
            row = self.order_row(waybill)
            return self._policy.claim(
                row, waybill, target=target, name=printer, copies=copies, reprint=reprint
            )
        except PrintRefusal as exc:
            raise PrintRefused(refusal_text(exc), already_printed=True, refusal=exc) from exc
        except LedgerUnavailable as exc:
            log.error("the ledger could not record a print: %s", exc)
            raise LedgerAway(
                QCoreApplication.translate(
                    "LedgerPrintGuard",
                    "the warehouse ledger cannot be reached, so nothing was printed ({0}); "
                    "print again when it answers",
                ).format(exc),
                str(exc),
            ) from exc
        except LedgerError as exc:
            log.error("the ledger could not record a print: %s", exc)
            raise PrintRefused(
                QCoreApplication.translate(
                    "LedgerPrintGuard",
                    "the print history could not record it ({0}); check the disk",
                ).format(exc)
            ) from exc

    def claim_write(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
        dropped: threading.Event | None = None,
    ) -> Callable[[], object]:
        """`before_print` as a function that may run on any thread (`ClaimsOffThread`)."""

        def claim() -> object:
            check_dropped(dropped)
            return self.before_print(
                waybill,
                printer=printer,
                copies=copies,
                target=target,
                reprint=reprint,
                source=source,
            )

        return claim

    def after_print(
        self, token: object, result: PrintResult, *, following: bool | None = None
    ) -> None:
        """The job was accepted (or failed). `following`: whether a spooled job will be
        followed to paper (recorded `sent`, then `followed`); None asks `follows`."""
        self.settle_write(token, result, following=following)()

    def followed(self, token: object, result: PrintResult) -> None:
        """A job followed to paper ended so (`printed`, `stuck`, `failed`, ...)."""
        self.followed_write(token, result)()

    def token_for(self, record: PrintRecord) -> Claim:
        """The token of a print on record (one an earlier run left sent or stuck)."""
        return Claim(record.id, record.order_row_id, record.target, record.is_reprint)

    def settle_write(
        self, token: object, result: PrintResult, *, following: bool | None = None
    ) -> Callable[[], None]:
        """The settle as a function that may run on any thread (`SettlesOffThread`)."""
        claim = _claim(token)
        if following is None:
            following = (
                self.follows is not None and claim.target == TARGET_PRINTER and self.follows(result)
            )
        return self._write(claim, result, following)

    def followed_write(self, token: object, result: PrintResult) -> Callable[[], None]:
        """`followed` as a function that may run on any thread (the window's serial lane)."""
        return self._write(_claim(token), result, False)

    def _write(self, claim: Claim, result: PrintResult, following: bool) -> Callable[[], None]:
        def write() -> None:
            try:
                self._policy.settle(claim, result, following=following)
            except LedgerUnavailable as exc:  # the label is out (or not); say so when back
                if not self._defer_unrecorded:
                    raise
                log.warning("print #%d ended while the ledger was away: %s", claim.print_id, exc)
                with self._unrecorded_lock:
                    self.unrecorded.append((claim, result))

        return write

    def settled(self, token: object, result: PrintResult) -> None:
        """Nothing to do on the GUI thread once a settle was written."""

    def record_late_outcomes(self) -> int:
        """Write the outcomes the ledger missed while it was away; returns how many are left."""
        with self._unrecorded_lock:
            todo, self.unrecorded = self.unrecorded, []
        left: list[tuple[Claim, PrintResult]] = []
        for claim, result in todo:
            try:
                self._policy.settle(claim, result)
            except LedgerUnavailable:
                left.append((claim, result))
            except LedgerError as exc:  # settled meanwhile (e.g. unknown): the packer decides
                log.warning("print #%d could not be recorded late: %s", claim.print_id, exc)
        with self._unrecorded_lock:
            self.unrecorded[:0] = left
            return len(self.unrecorded)


def _claim(token: object) -> Claim:
    if not isinstance(token, Claim):
        raise ValueError(f"unknown print token {token!r}")
    return token


def refusal_text(exc: PrintRefusal) -> str:
    """Why the policy refused a label, in the packer's words."""
    if exc.folder:
        return QCoreApplication.translate(
            "LedgerPrintGuard", "{0} was written to {1} already"
        ).format(exc.waybill_id, exc.folder)
    assert exc.last_print is not None
    return already_printed_text(exc.waybill_id, exc.last_print)


def already_printed_text(waybill_id: str, record: PrintRecord) -> str:
    """Why a label is refused as printed, in the packer's words."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(record.started_at))
    where = record.station or "?"
    if record.outcome is PrintOutcome.PENDING:
        return QCoreApplication.translate(
            "LedgerPrintGuard", "{0} is being printed on {1} at station {2} (since {3})"
        ).format(waybill_id, record.printer, where, when)
    if record.outcome is PrintOutcome.UNKNOWN:
        return QCoreApplication.translate(
            "LedgerPrintGuard",
            "{0} may have been printed on {1} at station {2} at {3} already (the outcome is "
            "unknown)",
        ).format(waybill_id, record.printer, where, when)
    return QCoreApplication.translate(
        "LedgerPrintGuard", "{0} was printed on {1} at station {2} at {3} already"
    ).format(waybill_id, record.printer, where, when)


def command_line_guard(ledger: Ledger) -> LedgerPrintGuard:
    """The guard the command line's `BatchRun` prints through (see the module docstring)."""
    return LedgerPrintGuard(ledger, once_per_folder=False, defer_unrecorded=False)
