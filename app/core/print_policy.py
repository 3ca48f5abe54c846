"""The ledger's print policy, in one place: refuse, claim, and settle one label's print.

The window (`app.printing.ledger_guard`) and the command line (`app.core.batch_run`) put labels
out through the same three steps:

1. **refuse** what must not print: a label without a waybill id (nothing can tell its
   prints apart), a waybill the ledger shows as printed or maybe printed unless it is a
   reprint (`Ledger.begin_print` raises `AlreadyPrinted`), and — for a PDF folder used as
   the station's printer — a second file of the same waybill in the same folder;
2. **claim**: a `pending` print is committed before anything is sent (`begin_print`);
3. **settle** with the `PrintResult`: the ledger stores the outcome kind (its `kind`
   column, and the first word of the message); a CUPS job that is followed to paper is
   `sent` first and then `printed`, `stuck` or `failed` (`outcome_for`); a print that may
   have come out (`TIMED_OUT`) stays `unknown` for the packer to check instead of being
   recorded as failed; a PDF written as an original closes its order (the file is the
   label).

Only `begin_print`, `settle_print`, `last_print` and `mark_done` of the ledger are used.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted, PrintOutcome, PrintRecord
from app.core.model import Waybill
from app.core.print_outcome import OutcomeKind, PrintResult, ledger_message

TARGET_PRINTER = "printer"
TARGET_PDF = "pdf"

LEDGER_ORDER_EXTRA = "ledger_order"
"""`Waybill.extra` key naming the ledger order a label belongs to (history reprints, the
command line's labels)."""

_PDF_BLOCKING = frozenset({PrintOutcome.PENDING, PrintOutcome.SPOOLED})


class PrintRefusal(Exception):
    """The policy will not let this label print. `no_waybill_id`, or `last_print` (the
    print that came out, or may have) for a label printed before."""

    def __init__(
        self,
        reason: str,
        *,
        waybill_id: str = "",
        last_print: PrintRecord | None = None,
        no_waybill_id: bool = False,
        folder: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.waybill_id = waybill_id
        self.last_print = last_print
        self.no_waybill_id = no_waybill_id
        self.folder = folder


def tag_order(waybill: Waybill, order_row_id: int) -> Waybill:
    """`waybill` naming its ledger order (for labels that are not rows of the queue)."""
    extra = {**waybill.extra, LEDGER_ORDER_EXTRA: str(order_row_id)}
    return dataclasses.replace(waybill, extra=extra)


@dataclass(frozen=True)
class Claim:
    """A print on record (`print_id`) and what settling it needs to know."""

    print_id: int
    order_row: int
    target: str
    reprint: bool


class LedgerPrintPolicy:
    """Refuses, claims and settles prints on one `Ledger` (see the module docstring).

    `once_per_folder`: a PDF folder is the station's printer (the window), so a second file
    of a waybill there is refused like a second print. The command line writes export
    folders, where a file is rewritten under its fixed name instead.
    """

    def __init__(self, ledger: Ledger, *, once_per_folder: bool = True) -> None:
        self._ledger = ledger
        self._once_per_folder = once_per_folder

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    def claim(
        self,
        order_row: int,
        waybill: Waybill,
        *,
        target: str,
        name: str,
        copies: int,
        reprint: bool,
    ) -> Claim:
        """Commit a pending print, or raise `PrintRefusal` (nothing recorded then)."""
        if not waybill.waybill_id:
            raise PrintRefusal("the label has no waybill id", no_waybill_id=True)
        waybill_id = waybill.waybill_id
        if target == TARGET_PDF and not reprint and self._once_per_folder:
            last = self._ledger.last_print(waybill_id)
            if (
                last is not None
                and last.target == TARGET_PDF
                and last.printer == name
                and last.outcome in _PDF_BLOCKING
            ):
                raise PrintRefusal(
                    f"{waybill_id} was written to {name} already",
                    waybill_id=waybill_id,
                    last_print=last,
                    folder=name,
                )
        try:
            print_id = self._ledger.begin_print(
                order_row,
                waybill_id=waybill_id,
                printer=name,
                copies=copies,
                target=target,
                reprint=reprint,
            )
        except AlreadyPrinted as exc:
            raise PrintRefusal(
                str(exc), waybill_id=exc.waybill_id, last_print=exc.last_print
            ) from exc
        return Claim(print_id, order_row, target, reprint)

    def settle(self, claim: Claim, result: PrintResult, *, following: bool = False) -> None:
        """Record how the claimed print ended (or, `following` a spooled CUPS job, that it
        was sent: `settle` it again once the job ended); a PDF original that was written
        closes its order."""
        self._ledger.settle_print(
            claim.print_id,
            outcome_for(result, following=following),
            message=ledger_message(result),
            kind=result.kind,
            pdf_path=result.pdf_path,
            cups_job=result.cups_job,
        )
        if result.ok and claim.target == TARGET_PDF and not claim.reprint:
            self._ledger.mark_done(claim.order_row)


def outcome_for(result: PrintResult, *, following: bool = False) -> PrintOutcome:
    """The ledger's state for a print that ended so: a spooled CUPS job being followed is
    `SENT`; a completed one `PRINTED` (`CONFIRMED_PRINTED` on the packer's word); one not
    completed in time `STUCK`; one that may have printed without anyone knowing
    (`TIMED_OUT`) `UNKNOWN`; what did not print `FAILED`."""
    kind = result.kind
    if kind is OutcomeKind.SPOOLED:
        return (
            PrintOutcome.SENT if following and result.cups_job is not None else PrintOutcome.SPOOLED
        )
    return _OUTCOME_OF.get(kind, PrintOutcome.FAILED)


_OUTCOME_OF = {
    OutcomeKind.PRINTED: PrintOutcome.PRINTED,
    OutcomeKind.CONFIRMED_PRINTED: PrintOutcome.CONFIRMED_PRINTED,
    OutcomeKind.STUCK: PrintOutcome.STUCK,
    OutcomeKind.TIMED_OUT: PrintOutcome.UNKNOWN,
}
