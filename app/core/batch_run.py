"""One batch through the ledger: queue, fetch, store, and put each label out exactly once.

`BatchRun` is what the command line's `fetch`, `resume` and `reprint` drive (pure Python;
the label output itself is a `LabelSink` handed in, so Qt stays out of `core`). Every step
is written to the `Ledger` before and after it happens:

- `queue_and_fetch` records the orders and their fetch start in one transaction before
  any network call (a long `fetch` run, window after window), then stores each answer
  (label included) as its batch arrives, so a crash loses nothing that was fetched, and
  an order whose answer never arrived is fetched again by `resume`. `fetch` does the
  same for orders the ledger already has (`resume`).
- `put_out` claims a `pending` print before the label is sent and settles it with the
  sink's `PrintResult` after (and, for a label followed to paper, again when the CUPS job
  ended), through the `LedgerGuard` the command line hands in: the ledger's print guard
  (`app.printing.ledger_guard`), the same one the window prints through and the one
  caller of the ledger's print policy (`app.core.print_policy`). A printer print
  interrupted in between becomes `unknown` on the next start and is never printed again
  automatically (the packer checks and confirms).

PDF files are settled differently, because the file itself is the evidence. A `LabelSink`
for PDFs writes `<folder>/<name>` atomically (temporary file, fsync, rename) under a name
that depends only on the waybill id, so a complete file exists exactly when the label was
written. A PDF order is closed (`mark_done`) after its file is written. When an earlier run
died after writing but before recording, `put_out` finds the complete file together with
the interrupted attempt and records it as written instead of writing it again; if the
earlier run had recorded the file but died before closing the order, the order is just
closed. Either way each waybill has one file and one successful print row.

Local error codes (the engine uses -1001..-1004, the WeChat client -1005..-1008):

- `ALREADY_PRINTED` (-1101): refused, a label of this waybill came out (or may have).
- `OUTPUT_FAILED` (-1102): the printer or the PDF file failed (`PutOut.kind` says how);
  the order stays open and `resume` puts it out again.
- `NO_WAYBILL_ID` (-1103): the answer had a label but no waybill id; nothing is printed.
- `WAYBILL_REUSED` (-1104, `app.core.codes`): the answer's waybill id was already answered
  for another order of the run (`app.core.waybill_owners`); nothing is printed (nor a PDF
  of the other order overwritten).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from app.core.codes import WAYBILL_REUSED as WAYBILL_REUSED
from app.core.engine import BatchSource, fetch_waybills
from app.core.ledger import Ledger
from app.core.ledger_records import LedgerError, PrintOutcome, PrintRecord
from app.core.model import OrderRef, Waybill
from app.core.print_outcome import OutcomeKind, PrintResult
from app.core.print_policy import TARGET_PDF, Claim, PrintRefusal, tag_order
from app.core.waybill_owners import WaybillOwners

ALREADY_PRINTED = -1101
OUTPUT_FAILED = -1102
NO_WAYBILL_ID = -1103


class LabelSink(Protocol):
    """Where labels go: a printer (`target` "printer") or a folder of PDFs ("pdf").

    `name` is what the ledger records as the printer (the printer's name, or the folder).
    `output` blocks until the label was sent or failed and never raises for a label that
    cannot be put out. A printer that can follow its jobs (`follows`) then `follow`s the
    sent label to paper: the ledger records it `sent` meanwhile. `finished_file` is the
    complete file `output` would write for this waybill if it already exists (PDF folders
    only; a printer answers None).
    """

    @property
    def target(self) -> str: ...

    @property
    def name(self) -> str: ...

    def output(self, waybill: Waybill, *, copies: int) -> PrintResult: ...

    def finished_file(self, waybill: Waybill) -> str | None: ...

    def follows(self, result: PrintResult) -> bool:
        """Whether `follow` will wait for this spooled label to reach paper."""
        ...

    def follow(self, result: PrintResult) -> PrintResult:
        """Block until the spooled label is on paper (`PRINTED`), failed or `STUCK`."""
        ...


class LedgerGuard(Protocol):
    """The ledger's print guard as `BatchRun` uses it (`app.printing.ledger_guard`,
    built by the command line with `once_per_folder=False, defer_unrecorded=False`).

    `before_print` claims the print of a label tagged with its ledger order
    (`tag_order`) or raises a `PrintRefusal` (the guard's `PrintRefused`; one caused by
    a `LedgerError` carries it as `__cause__`); `after_print` settles the claim once the
    label was accepted or failed (`following`: it is followed to paper, recorded `sent`);
    `followed` settles it again when the job ended; `token_for` is the claim of a print
    on record.
    """

    def before_print(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
    ) -> Claim: ...

    def after_print(
        self, token: object, result: PrintResult, *, following: bool | None = None
    ) -> None: ...

    def followed(self, token: object, result: PrintResult) -> None: ...

    def token_for(self, record: PrintRecord) -> Claim: ...


@dataclass(frozen=True)
class PutOut:
    """One label's fate in `BatchRun.put_out`."""

    ok: bool
    errcode: int
    message: str
    pdf_path: str | None = None
    print_id: int | None = None
    kind: OutcomeKind | None = None


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "an unknown time"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def already_printed_message(record: PrintRecord, printer_flag: str = "--reprint") -> str:
    """The refusal text for a waybill whose label came out (or may have)."""
    when = _when(record.started_at)
    station = f" (station {record.station})" if record.station else ""
    if record.outcome is PrintOutcome.PENDING:
        return (
            f"being printed on {record.printer} since {when}{station} by another program "
            f"using this ledger; use {printer_flag} to print it again"
        )
    if record.outcome is PrintOutcome.UNKNOWN:
        return (
            f"may already be printed on {record.printer} at {when}{station} (the program "
            f"ended before the printer answered); check whether the label came out, then "
            f"confirm it or use {printer_flag} to print again"
        )
    return (
        f"already printed on {record.printer} at {when}{station}; use {printer_flag} to print again"
    )


class BatchRun:
    """Drives one batch of orders through fetch and output, recording every step."""

    def __init__(
        self, ledger: Ledger, guard: LedgerGuard, *, session_id: str | None = None
    ) -> None:
        self._ledger = ledger
        self._guard = guard
        self._session_id = session_id

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    def queue_and_fetch(
        self,
        source: BatchSource,
        refs: Sequence[OrderRef],
        *,
        owners: WaybillOwners | None = None,
        close_printable: bool = False,
        cancel: threading.Event | None = None,
    ) -> tuple[list[int], list[Waybill]]:
        """Record the orders as fetching in one transaction (`Ledger.record_fetching`),
        before any network call, then `fetch` them: the ledger order ids and the
        waybills, one per ref (once `cancel` is set, no new call starts: the orders left
        are stored as not fetched)."""
        rows = self._ledger.record_fetching(refs, session_id=self._session_id)
        if not refs:
            return rows, []
        waybills = self._fetch_started(
            source, rows, refs, cancel=cancel, owners=owners, close_printable=close_printable
        )
        return rows, waybills

    def fetch(
        self,
        source: BatchSource,
        rows: Sequence[int],
        refs: Sequence[OrderRef],
        *,
        cancel: threading.Event | None = None,
        owners: WaybillOwners | None = None,
        close_printable: bool = False,
    ) -> list[Waybill]:
        """Fetch `refs` (ledger orders `rows`, same order) and store every answer.

        Each call's answers are stored in one ledger transaction as the call completes;
        the ones the source never reported (no answer, stopped) are stored at the end.
        `owners` remembers the waybill ids of the whole run (a waybill id already answered
        for another order becomes an error, see `fetch_waybills`); `close_printable`
        closes printable orders as they are stored (fetched only to look at). Returns one
        waybill per ref, as stored. An exception from the source propagates; orders not
        stored yet stay `fetching` and the next start queues them again.
        """
        if len(rows) != len(refs):
            raise ValueError("rows and refs must have the same length")
        if not refs:
            return []
        self._ledger.record_fetch_started(rows)
        return self._fetch_started(
            source, rows, refs, cancel=cancel, owners=owners, close_printable=close_printable
        )

    def _fetch_started(
        self,
        source: BatchSource,
        rows: Sequence[int],
        refs: Sequence[OrderRef],
        *,
        cancel: threading.Event | None,
        owners: WaybillOwners | None,
        close_printable: bool,
    ) -> list[Waybill]:
        """`fetch` once the ledger has the fetch started."""
        rows_by_key: dict[tuple[str, str], list[int]] = {}
        for row, ref in zip(rows, refs, strict=True):
            rows_by_key.setdefault(ref.key, []).append(row)
        stored: dict[int, Waybill] = {}
        lock = threading.Lock()

        def store(batch: Sequence[tuple[int, Waybill]]) -> None:
            fresh = []
            with lock:
                for row, waybill in batch:
                    if row not in stored:
                        stored[row] = waybill
                        fresh.append((row, waybill))
            if fresh:
                self._ledger.record_fetch_results(fresh, close_printable=close_printable)

        def on_batch(waybills: list[Waybill]) -> None:
            store([(row, wb) for wb in waybills for row in rows_by_key.get(wb.ref.key, ())])

        waybills = fetch_waybills(source, refs, on_batch=on_batch, cancel=cancel, owners=owners)
        store(list(zip(rows, waybills, strict=True)))
        return [stored[row] for row in rows]

    def close_orders(self, rows: Sequence[int]) -> None:
        """Nothing more to do for these orders (e.g. fetched only to look at)."""
        for row in rows:
            self._ledger.mark_done(row)

    def put_out(
        self,
        row: int,
        waybill: Waybill,
        sink: LabelSink,
        *,
        copies: int = 1,
        reprint: bool = False,
        reprint_flag: str = "--reprint",
    ) -> PutOut:
        """Print (or write) one stored label once, recorded before and after.

        A printer refuses a waybill the ledger shows as printed (or maybe printed) unless
        `reprint`; a refused order is closed. A PDF order is closed once its file exists,
        and a file an interrupted earlier run wrote is settled, not written again (see the
        module docstring). A `reprint` always puts the label out and closes nothing.
        """
        if not waybill.printable:
            raise ValueError("only a printable waybill can be put out")
        if waybill.waybill_id and sink.target == TARGET_PDF and not reprint:
            settled = self._settle_pdf(row, waybill, sink, copies)
            if settled is not None:
                return settled
        try:
            claim = self._claim(row, waybill, sink.target, sink.name, copies, reprint)
        except PrintRefusal as exc:
            if exc.no_waybill_id:
                return PutOut(
                    False,
                    NO_WAYBILL_ID,
                    "the answer has a label but no waybill id, so it is not printed; fetch "
                    "the order again or ask the carrier",
                )
            self._ledger.mark_done(row)
            assert exc.last_print is not None
            return PutOut(
                False, ALREADY_PRINTED, already_printed_message(exc.last_print, reprint_flag)
            )
        result = sink.output(waybill, copies=copies)
        following = sink.follows(result)
        self._guard.after_print(claim, result, following=following)
        if following:  # sent; now wait for the paper (printed, stuck or failed)
            result = sink.follow(result)
            self._guard.followed(claim, result)
        if not result.ok:
            return PutOut(
                False, OUTPUT_FAILED, result.detail, result.pdf_path, claim.print_id, result.kind
            )
        return PutOut(True, 0, result.detail, result.pdf_path, claim.print_id, result.kind)

    def follow_up(self, record: PrintRecord, sink: LabelSink) -> PutOut | None:
        """Follow a print an earlier run left in the printer (`sent` or `stuck`, with its
        CUPS job) to its end on `sink`'s printer and record it: printed, failed, or still
        stuck. The label is never sent again here. None when `sink` cannot follow it
        (another printer, a PDF folder, `--no-wait`)."""
        spooled = PrintResult(
            OutcomeKind.SPOOLED,
            f"CUPS job {record.printer}-{record.cups_job}",
            cups_job=record.cups_job,
        )
        if (
            record.cups_job is None
            or record.target != sink.target
            or record.printer != sink.name
            or not sink.follows(spooled)
        ):
            return None
        result = sink.follow(spooled)
        self._guard.followed(self._guard.token_for(record), result)
        errcode = 0 if result.ok else OUTPUT_FAILED
        return PutOut(result.ok, errcode, result.detail, None, record.id, result.kind)

    def _claim(
        self, row: int, waybill: Waybill, target: str, name: str, copies: int, reprint: bool
    ) -> Claim:
        """The guard's claim of this label's print; a ledger that failed is raised as
        itself (the command line stops and says so), not as a refusal."""
        try:
            return self._guard.before_print(
                tag_order(waybill, row),
                printer=name,
                copies=copies,
                target=target,
                reprint=reprint,
                source="cli",
            )
        except PrintRefusal as exc:
            if isinstance(exc.__cause__, LedgerError):
                raise exc.__cause__ from None
            raise

    def _settle_pdf(
        self, row: int, waybill: Waybill, sink: LabelSink, copies: int
    ) -> PutOut | None:
        attempts = self._ledger.attempts(row)
        pdf_attempts = [a for a in attempts if a.target == TARGET_PDF]
        if not pdf_attempts:
            return None
        for attempt in reversed(pdf_attempts):
            if attempt.succeeded:  # written and recorded; the order was just never closed
                self._ledger.mark_done(row)
                return PutOut(True, 0, "written by an earlier run", attempt.pdf_path, attempt.id)
        interrupted = any(
            a.outcome is PrintOutcome.FAILED and a.printer == sink.name for a in pdf_attempts
        )
        existing = sink.finished_file(waybill) if interrupted else None
        if existing is None:
            return None
        claim = self._claim(row, waybill, TARGET_PDF, sink.name, copies, False)
        message = "the complete file was written before the program ended; kept as it is"
        result = PrintResult(OutcomeKind.SPOOLED, message, pdf_path=existing)
        self._guard.after_print(claim, result, following=False)
        return PutOut(True, 0, message, existing, claim.print_id, OutcomeKind.SPOOLED)


def describe_print(record: PrintRecord) -> str:
    """One line about a print, e.g. one whose outcome nobody knows, for the packer to check."""
    return (
        f"print #{record.id}: waybill {record.waybill_id} on {record.printer} "
        f"at {_when(record.started_at)} ({record.outcome.value})"
    )
