"""What the window tells the packer about printing: why a row is not printed, and what a
print request did.

`PrintRequestResult` counts what one request did (submitted, refused with the reason,
cancelled waybills left out, reprints, labels the packer chose not to print again);
`PrintReport` words it (`describe`, with its tone) and says why a row or a label may not
print (`row_refusal`, `waybill_refusal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject

from app.core.model import Waybill, WaybillStatus
from app.ui.queue_model import Key, RowState
from app.ui.scan_bar import Feedback


@dataclass
class PrintRequestResult:
    """What one print request did: jobs submitted and rows refused with the reason."""

    submitted: int = 0
    target: str = ""
    refused: list[tuple[Key, str]] = field(default_factory=list)
    cancelled_skipped: int = 0
    reprinted: int = 0
    declined: int = 0
    """Labels printed before that the packer chose not to print again."""
    cancelled: bool = False
    """Cancelled before all its labels were claimed: the packer was told so already."""
    finished: bool = False
    """Every label of the request was claimed (or refused) and its job submitted: the
    counts above are final. A ledger's claims run off the GUI thread, so a request may
    finish after the call that made it returned."""


class PrintReport(QObject):
    """The packer's words for print requests and refusals (see the module docstring)."""

    def describe(self, result: PrintRequestResult, *, explain: bool) -> tuple[str, Feedback]:
        """What to tell the packer about a print request, and in which tone.

        With `explain` (the packer chose the rows) the first refused row and its reason
        are named; Print all only mentions how many cancelled waybills it left out —
        unless it printed nothing for a reason the packer did not give (e.g. the
        warehouse ledger cannot be reached), which is named too.
        """
        unexplained = not result.submitted and not result.declined
        if result.refused and (explain or unexplained):
            key, reason = result.refused[0]
            text = self.tr("Not printed: {0} — {1}").format(key[0], reason)
            if len(result.refused) > 1:
                text += " " + self.tr("(and %n more)", "", len(result.refused) - 1)
            if not result.submitted:
                tone = Feedback.WARNING if result.declined else Feedback.ERROR
                return text, tone
            printing = self.tr("Printing %n label(s).", "", result.submitted)
            return f"{printing} {text}", Feedback.WARNING
        if not result.submitted:
            return self.tr("Nothing printed."), Feedback.WARNING
        text = self.tr("Printing %n label(s) on {0}.", "", result.submitted).format(result.target)
        if result.cancelled_skipped:
            text += " " + self.tr(
                "%n cancelled waybill(s) not printed.", "", result.cancelled_skipped
            )
        if result.declined:
            text += " " + self.tr("%n printed before, not printed again.", "", result.declined)
        return text, Feedback.OK

    def waybill_refusal(self, waybill: Waybill, *, printing_now: bool) -> str | None:
        """Why this label may not print (None: it may); `printing_now`: its row is printing."""
        if not waybill.printable:
            if waybill.status is WaybillStatus.CANCELLED:
                return self.tr("the waybill was cancelled — it must not be printed or used")
            return self.tr("there is no printable label")
        if printing_now:
            return self.tr("it is already being printed")
        return None

    def row_refusal(self, state: RowState, reprint: bool) -> str | None:
        """Why a row in this state may not print (None: it may)."""
        if state is RowState.READY or (reprint and state is RowState.PRINTED):
            return None
        if state is RowState.CANCELLED:
            return self.tr("the waybill was cancelled — it must not be printed or used")
        if state is RowState.PRINTING:
            return self.tr("it is already being printed")
        if state is RowState.PRINTED:
            return self.tr("it was printed already")
        if state is RowState.ERROR:
            return self.tr("it has no label — its message says what to do")
        return self.tr("it has not been fetched yet — press Fetch first")

    def no_label(self) -> str:
        return self.tr("there is no printable label")

    def not_verified(self, why: str) -> str:
        return self.tr("its label is not verified: {0}").format(why)

    def label_unverified(self, detail: str) -> str:
        """A printed label's check failed: the packer's line about its row."""
        return self.tr("label not verified: {0}").format(detail)
