"""The ledger-backed print guard: every print of the window is on record before it goes out.

`LedgerPrintGuard` implements `app.printing.guard.PrintGuard` over `app.core.ledger.Ledger`:
`before_print` commits a `pending` print (`Ledger.begin_print`) and returns its print id as
the token; `after_print` records what the print queue said (`Ledger.finish_print`). A
waybill the ledger shows as printed (spooled, confirmed, or with an unknown outcome after a
crash) is refused with `PrintRefused(already_printed=True)`, so the window asks the packer
and prints it again only as a recorded reprint.

Which ledger order a label belongs to: a waybill tagged with `LEDGER_ORDER_EXTRA` in its
`extra` (labels reprinted from the history carry their order's id), else the id
`LedgerRows` holds for its queue key (filled when rows are recorded as queued, see
`app.ui.ledger_recorder`), else the order is recorded as queued now.

Threading decision: `before_print` runs on the GUI thread, synchronously. The pending print
must be durable *before* the job is submitted, and the print controller needs the answer
(print / refuse / ask) right there, so there is nothing to gain from a worker. It is one
small SQLite transaction (a few milliseconds; two only when the order was not recorded
yet). `after_print` is a single small write as well and stays on the GUI thread so that the
outcome is recorded in the order the jobs ended.

PDF folders: the ledger neither blocks nor counts PDF files, but a PDF folder is the
"printer" of the demo and of stations without a label printer, so a second file of the
same waybill in the same folder is refused (as the session guard does) unless reprinted —
judged by the waybill's newest print, across runs. As in the command line's `BatchRun`, an
order whose file was written is closed (`mark_done`), so recovery does not bring it back.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted, LedgerError, PrintOutcome
from app.core.model import OrderRef, Waybill
from app.printing.guard import TARGET_PDF, PrintRefused

log = logging.getLogger(__name__)

LEDGER_ORDER_EXTRA = "ledger_order"
"""`Waybill.extra` key naming the ledger order a label belongs to (history reprints)."""

Key = tuple[str, str]

_PDF_BLOCKING = frozenset({PrintOutcome.PENDING, PrintOutcome.SPOOLED})


def _tr(text: str) -> str:
    return QCoreApplication.translate("LedgerPrintGuard", text)


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


def tag_order(waybill: Waybill, order_row_id: int) -> Waybill:
    """`waybill` naming its ledger order (for labels that are not rows of the queue)."""
    extra = {**waybill.extra, LEDGER_ORDER_EXTRA: str(order_row_id)}
    return dataclasses.replace(waybill, extra=extra)


class LedgerPrintGuard:
    """Puts every print on the ledger before it is sent (see the module docstring)."""

    def __init__(
        self, ledger: Ledger, rows: LedgerRows | None = None, *, session_id: str | None = None
    ) -> None:
        self._ledger = ledger
        self.rows = rows if rows is not None else LedgerRows()
        self._session_id = session_id
        self._pdf_orders: dict[int, int] = {}

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
    ) -> object:
        if not waybill.waybill_id:
            raise PrintRefused(
                _tr("the label has no waybill id, so it is not printed; fetch the order again")
            )
        try:
            row = self.order_row(waybill)
            if target == TARGET_PDF and not reprint:
                self._refuse_second_file(waybill.waybill_id, printer)
            token = self._ledger.begin_print(
                row,
                waybill_id=waybill.waybill_id,
                printer=printer,
                copies=copies,
                target=target,
                reprint=reprint,
            )
            if target == TARGET_PDF and not reprint:
                self._pdf_orders[token] = row
            return token
        except AlreadyPrinted as exc:
            raise PrintRefused(already_printed_text(exc), already_printed=True) from exc
        except LedgerError as exc:
            log.error("the ledger could not record a print: %s", exc)
            raise PrintRefused(
                _tr("the print history could not record it ({0}); check the disk").format(exc)
            ) from exc

    def _refuse_second_file(self, waybill_id: str, folder: str) -> None:
        last = self._ledger.last_print(waybill_id)
        if (
            last is not None
            and last.target == TARGET_PDF
            and last.printer == folder
            and last.outcome in _PDF_BLOCKING
        ):
            raise PrintRefused(
                _tr("{0} was written to {1} already").format(waybill_id, folder),
                already_printed=True,
            )

    def after_print(self, token: object, ok: bool, message: str) -> None:
        if not isinstance(token, int):
            raise ValueError(f"unknown print token {token!r}")
        self._ledger.finish_print(token, ok=ok, message=message)
        row = self._pdf_orders.pop(token, None)
        if ok and row is not None:  # the file is the label: the order is closed
            self._ledger.mark_done(row)


def already_printed_text(exc: AlreadyPrinted) -> str:
    """Why a label is refused as printed, in the packer's words."""
    record = exc.last_print
    if record.outcome in (PrintOutcome.UNKNOWN, PrintOutcome.PENDING):
        return _tr("{0} may have been printed on {1} already (the outcome is unknown)").format(
            exc.waybill_id, record.printer
        )
    return _tr("{0} was printed on {1} already").format(exc.waybill_id, record.printer)
