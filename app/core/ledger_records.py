"""The value types the ledger hands out: print records, history rows, recovery lists, errors.

Plain frozen dataclasses so that the GUI, the CLI and the CSV export read ledger results
without touching SQL.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.core.model import OrderRef, Waybill
from app.core.print_outcome import OutcomeKind


class LedgerError(Exception):
    """The ledger could not record or read something; the physical step must not go ahead."""


class LedgerUnavailable(LedgerError):
    """The ledger's database cannot be reached (server down, network gone); try again later."""


class PrintOutcome(enum.Enum):
    """Where one print job stands.

    `PENDING`: recorded, the job is (about to be) sent. `SENT`: CUPS accepted the job and
    it is followed to paper; it becomes `PRINTED` when CUPS says the job completed,
    `FAILED` when it was cancelled or aborted (or went with its deleted printer), or
    `STUCK` when it has not completed in the station's time (still waiting in CUPS: it
    may come out; the packer cancels it, retries it or marks it printed). `SPOOLED`: the
    printer system (or the PDF file) took it and nobody follows it further (a PDF, a
    `--no-wait` print, a printer route without job states). `FAILED`: it did not print.
    `UNKNOWN`: the program ended while the job was pending, so nobody knows whether a
    label came out; only the packer can say (`CONFIRMED_PRINTED` /
    `CONFIRMED_NOT_PRINTED`).
    """

    PENDING = "pending"
    SENT = "sent"
    SPOOLED = "spooled"
    PRINTED = "printed"
    STUCK = "stuck"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CONFIRMED_PRINTED = "confirmed_printed"
    CONFIRMED_NOT_PRINTED = "confirmed_not_printed"


SUCCESS_OUTCOMES = frozenset(
    {PrintOutcome.SPOOLED, PrintOutcome.PRINTED, PrintOutcome.CONFIRMED_PRINTED}
)
"""A label came out (as far as anyone knows)."""

BLOCKING_OUTCOMES = SUCCESS_OUTCOMES | {
    PrintOutcome.PENDING,
    PrintOutcome.SENT,
    PrintOutcome.STUCK,
    PrintOutcome.UNKNOWN,
}
"""A label came out or may have: another non-reprint print of the waybill is refused."""

IN_PRINTER_OUTCOMES = frozenset({PrintOutcome.SENT, PrintOutcome.STUCK})
"""The job is in the printer system and has not ended: it may still come out."""


class OrderState(enum.Enum):
    """Where one ledger order stands.

    Active (recovery brings them back): `QUEUED` (no fetch yet, or the fetch was
    interrupted), `FETCHING`, `FETCHED` (label stored, no label out yet). Final: `PRINTED`,
    `DONE` (closed by `mark_done`), `FAILED` (the fetch ended in an error) and `CANCELLED`
    (WeChat says the waybill is cancelled). A final order is never resurrected; fetching
    the same order again (scan it again) queues a new ledger order.
    """

    QUEUED = "queued"
    FETCHING = "fetching"
    FETCHED = "fetched"
    PRINTED = "printed"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATES = frozenset({OrderState.QUEUED, OrderState.FETCHING, OrderState.FETCHED})


@dataclass(frozen=True)
class PrintRecord:
    """One print attempt of one waybill (to a printer or to a PDF file)."""

    id: int
    order_row_id: int
    waybill_id: str
    printer: str
    copies: int
    started_at: float
    finished_at: float | None
    outcome: PrintOutcome
    message: str
    is_reprint: bool
    target: str
    pdf_path: str | None
    station: str = ""
    """The station that printed it (its name setting, by default its host name)."""
    packer_session: str | None = None
    """The packer's session at that station (one program start of the window)."""
    kind: OutcomeKind | None = None
    """The typed outcome of the attempt (None while pending, or from older versions)."""
    cups_job: int | None = None
    """The CUPS job number of a print CUPS accepted."""

    @property
    def blocking(self) -> bool:
        """True when this print stops another non-reprint print of the same waybill."""
        return self.target == "printer" and self.outcome in BLOCKING_OUTCOMES

    @property
    def succeeded(self) -> bool:
        return self.outcome in SUCCESS_OUTCOMES


class AlreadyPrinted(LedgerError):
    """A label for this waybill came out (or may have): printing again needs `reprint=True`."""

    def __init__(self, waybill_id: str, last_print: PrintRecord) -> None:
        where = f" at station {last_print.station!r}" if last_print.station else ""
        super().__init__(
            f"waybill {waybill_id} already has a print ({last_print.outcome.value} "
            f"on {last_print.printer!r}{where}, print #{last_print.id}); print again only as "
            "a reprint"
        )
        self.waybill_id = waybill_id
        self.last_print = last_print


@dataclass(frozen=True)
class HistoryFilter:
    """Which orders History lists: those whose ids contain the given texts (any case; a
    waybill id requested, fetched or printed on the order), active in [since, until],
    with a print attempt at `station` (exact name). None: any."""

    order_id: str | None = None
    waybill_id: str | None = None
    delivery_id: str | None = None
    since: float | None = None
    until: float | None = None
    station: str | None = None


@dataclass(frozen=True)
class HistoryRow:
    """One ledger order with its latest fetch and a summary of its prints."""

    order_row_id: int
    time: float
    """Last activity (queue, fetch or print), what history sorts and filters by."""
    queued_at: float
    order_id: str
    delivery_id: str
    waybill_id: str | None
    state: OrderState
    session_id: str | None
    fetch_status: str | None
    """`ok`, `cancelled`, `error`, or None before any fetch finished."""
    errcode: int | None
    errmsg: str
    prints: int
    """Labels that came out on a printer (spooled or confirmed), reprints included."""
    reprints: int
    attempts: int
    """Every print row: printer and PDF, whatever the outcome."""
    last_printer: str | None
    last_print_at: float | None
    last_outcome: PrintOutcome | None
    last_station: str = ""
    """The station of the newest print attempt ("" before any print)."""
    last_kind: OutcomeKind | None = None
    """The typed outcome of the newest print attempt (None before any, or while pending)."""
    last_message: str = ""
    """What happened to the newest print attempt (the printer's reason when it failed or
    is stuck)."""


@dataclass(frozen=True)
class RecoveredOrder:
    """An order queued by an earlier run whose label was never fetched."""

    order_row_id: int
    ref: OrderRef
    session_id: str | None


@dataclass(frozen=True)
class RecoveredWaybill:
    """A label fetched by an earlier run that never came out of a printer."""

    order_row_id: int
    waybill: Waybill
    session_id: str | None


@dataclass(frozen=True)
class Recovery:
    """What an earlier run left unfinished (see `Ledger.recover`)."""

    unfetched: tuple[RecoveredOrder, ...]
    unprinted: tuple[RecoveredWaybill, ...]
    unknown_prints: tuple[PrintRecord, ...]
    """Never reprint these automatically: ask the packer, then `confirm_print`."""
    in_printer: tuple[PrintRecord, ...] = ()
    """Prints whose CUPS job was sent (or is stuck) and not seen ending: follow the job
    (it may still come out), never send it again."""

    @property
    def empty(self) -> bool:
        return not (self.unfetched or self.unprinted or self.unknown_prints)
