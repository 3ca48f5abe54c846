"""The print guard: what is asked before every label goes out and told after it ended.

Every print of the window passes one `PrintGuard`: `before_print` is called before the job
is submitted and either returns a token (the print may go ahead; it is now on record) or
raises `PrintRefused` (nothing is printed). `after_print(token, result)` is called
exactly once per token when the job ended, with its typed `PrintResult`
(`app.core.print_outcome`: spooled, refused, timed out, render failed, cancelled, ...).

A guard on a disk or a server claims off the GUI thread: one that `ClaimsOffThread` hands
the window's print service the claim as a function (`claim_write`) that runs in the
background helper's serial lane, the lane its settles run in, so the claim of a label is
on record before its job is submitted and before its settle is written. A guard that
`RetriesClaims` may turn a refusal into a second claim of the same label (the warehouse
ledger is away and the packer chose to retry, or to print with the station's own guard).

`SessionPrintGuard` is the guard for a station without a ledger: it remembers, in memory,
the waybills printed (or being printed) since the program started and refuses a second
print unless it is asked for as a reprint. A ledger-backed guard has the same shape
(`app.printing.ledger_guard`, over the ledger's one print policy `app.core.print_policy`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from app.core.model import Waybill
from app.core.print_outcome import PrintResult
from app.core.print_policy import TARGET_PDF as TARGET_PDF
from app.core.print_policy import TARGET_PRINTER as TARGET_PRINTER
from app.core.print_policy import PrintRefusal


class PrintRefused(PrintRefusal):
    """The guard will not let this label print; `str(exc)` says why.

    `already_printed` means "it came out before (or may have)": the window then offers
    to print it again and, if the packer agrees, asks the guard once more with
    `reprint=True`. Any other refusal is final for this request.
    """

    def __init__(
        self, reason: str, *, already_printed: bool = False, refusal: PrintRefusal | None = None
    ) -> None:
        super().__init__(
            reason,
            waybill_id=refusal.waybill_id if refusal else "",
            last_print=refusal.last_print if refusal else None,
            no_waybill_id=refusal.no_waybill_id if refusal else False,
            folder=refusal.folder if refusal else "",
        )
        self.already_printed = already_printed


class PrintGuard(Protocol):
    """Consulted before and told after every print (see the module docstring)."""

    def before_print(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
    ) -> object:
        """Put the print on record and return its token, or raise `PrintRefused`.

        `printer` is the printer's name (or the PDF file for `target` "pdf"); `target` is
        "printer" or "pdf"; `reprint` is true when the packer asked for this label again;
        `source` says which command printed ("selected", "all", "scan").
        """
        ...

    def after_print(self, token: object, result: PrintResult) -> None:
        """The print with this token ended so."""
        ...


@runtime_checkable
class ClaimsOffThread(Protocol):
    """A guard whose claim may run off the GUI thread (a ledger on disk or the network):
    `before_print(...)` is `claim_write(...)()`."""

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
        """The claim as a function (built on the GUI thread; it runs on any thread, after
        the claims and settles given before it): it returns the token or raises
        `PrintRefused`, like `before_print`. If `dropped` is set by the time it runs
        (the request was cancelled, the window is closing) nothing is claimed: it raises
        `PrintRefused`."""
        ...


@runtime_checkable
class RetriesClaims(Protocol):
    """A guard that may try a refused claim again, asking the packer (on the GUI thread)."""

    def retry_claim(self, refusal: PrintRefused) -> bool | None:
        """True: claim the same label again; False: the packer declined (not asked again
        for the rest of the request); None: not a refusal this guard retries."""
        ...


@runtime_checkable
class SettlesOffThread(Protocol):
    """A guard whose settle may run off the GUI thread (a ledger on disk or the network):
    `after_print(token, result)` is `settle_write(token, result)()` then `settled(...)`."""

    def settle_write(self, token: object, result: PrintResult) -> Callable[[], None]:
        """The write that records the end (called on the GUI thread; the returned function
        may run on any thread, after the writes of prints that ended before)."""
        ...

    def settled(self, token: object, result: PrintResult) -> None:
        """Called on the GUI thread once the write has run (or failed)."""
        ...


@dataclass
class SessionPrint:
    """One print this session: what was asked and, once known, how it ended."""

    waybill_id: str
    printer: str
    copies: int
    target: str
    reprint: bool
    source: str
    ok: bool | None = None
    message: str = ""


def check_dropped(dropped: threading.Event | None) -> None:
    """Raise `PrintRefused` if the claim was dropped before it ran (`ClaimsOffThread`)."""
    if dropped is not None and dropped.is_set():
        raise PrintRefused("cancelled before it was claimed")


class SessionPrintGuard:
    """Refuses a second print of a waybill printed (or printing) since the program started."""

    def __init__(self) -> None:
        self.prints: list[SessionPrint] = []

    def printed_ids(self) -> set[str]:
        """Waybills that came out, or are on their way (a print still pending)."""
        return {p.waybill_id for p in self.prints if p.ok is not False}

    def before_print(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
    ) -> object:
        waybill_id = waybill.waybill_id or waybill.ref.order_id
        if not reprint and waybill_id in self.printed_ids():
            raise PrintRefused(
                f"{waybill_id} was printed already in this session", already_printed=True
            )
        self.prints.append(SessionPrint(waybill_id, printer, copies, target, reprint, source))
        return len(self.prints) - 1

    def after_print(self, token: object, result: PrintResult) -> None:
        if not isinstance(token, int) or not 0 <= token < len(self.prints):
            raise ValueError(f"unknown print token {token!r}")
        record = self.prints[token]
        if record.ok is not None:
            raise ValueError(f"print {token} has ended already")
        # A label that may have come out still counts as printed this session.
        record.ok = result.kind.may_have_printed
        record.message = result.detail
