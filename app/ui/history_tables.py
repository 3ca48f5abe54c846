"""The two tables of the print history: the orders found, and the attempts of one order.

`OrdersTable` shows `HistoryRow`s (last activity, order, carrier, waybill, state as the
packer reads it, prints, reprints, last printer, station); `AttemptsTable` shows the
`PrintRecord`s of the selected order. Both only show: reading the ledger is the history
window's job, on its background runner.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.core.ledger_records import HistoryRow, OrderState, PrintOutcome, PrintRecord


def when_text(timestamp: float | None) -> str:
    """A ledger time as local date and time ("" for none)."""
    if timestamp is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def _set_up(table: QTableWidget, headers: list[str]) -> None:
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)


def _fill(table: QTableWidget, lines: Sequence[Sequence[str]]) -> None:
    table.setUpdatesEnabled(False)
    table.setRowCount(0)
    for texts in lines:
        n = table.rowCount()
        table.insertRow(n)
        for column, text in enumerate(texts):
            table.setItem(n, column, QTableWidgetItem(text))
    table.setUpdatesEnabled(True)


class OrdersTable(QTableWidget):
    """The orders a history search found, one row each, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 9, parent)
        headers = [
            self.tr("Last activity"),
            self.tr("Order"),
            self.tr("Carrier"),
            self.tr("Waybill"),
            self.tr("State"),
            self.tr("Printed"),
            self.tr("Reprints"),
            self.tr("Last printer"),
            self.tr("Station"),
        ]
        _set_up(self, headers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def show_rows(self, rows: Sequence[HistoryRow]) -> None:
        lines = [
            (
                when_text(row.time),
                row.order_id,
                row.delivery_id,
                row.waybill_id or "",
                self.row_state_text(row),
                str(row.prints),
                str(row.reprints),
                row.last_printer or "",
                row.last_station,
            )
            for row in rows
        ]
        _fill(self, lines)
        for column in (0, 3):  # time and waybill id: never cut off
            self.resizeColumnToContents(column)

    def row_state_text(self, row: HistoryRow) -> str:
        """The order's state, or where its label is when it is in the printer."""
        if row.last_outcome in (PrintOutcome.SENT, PrintOutcome.STUCK):
            return outcome_text(row.last_outcome)
        return self.state_text(row.state)

    def state_text(self, state: OrderState) -> str:
        """A ledger state as the packer reads it."""
        names = {
            OrderState.QUEUED: self.tr("queued"),
            OrderState.FETCHING: self.tr("fetching"),
            OrderState.FETCHED: self.tr("fetched, not printed"),
            OrderState.PRINTED: self.tr("printed"),
            OrderState.DONE: self.tr("done"),
            OrderState.FAILED: self.tr("failed"),
            OrderState.CANCELLED: self.tr("cancelled"),
        }
        return names.get(state, state.value)


class AttemptsTable(QTableWidget):
    """Every print attempt of one order, oldest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        headers = [
            self.tr("Started"),
            self.tr("Printer or folder"),
            self.tr("Copies"),
            self.tr("Outcome"),
            self.tr("Reprint"),
            self.tr("Station"),
            self.tr("Message"),
        ]
        _set_up(self, headers)

    def show_attempts(self, attempts: Sequence[PrintRecord]) -> None:
        lines = [
            (
                when_text(record.started_at),
                record.printer,
                str(record.copies),
                outcome_text(record.outcome),
                self.tr("yes") if record.is_reprint else "",
                record.station,
                record.message,
            )
            for record in attempts
        ]
        _fill(self, lines)


def outcome_text(outcome: PrintOutcome) -> str:
    """A print's state as the packer reads it."""
    names = {
        PrintOutcome.PENDING: QCoreApplication.translate("PrintOutcome", "being sent"),
        PrintOutcome.SENT: QCoreApplication.translate(
            "PrintOutcome", "sent, waiting for the printer"
        ),
        PrintOutcome.SPOOLED: QCoreApplication.translate("PrintOutcome", "accepted by the printer"),
        PrintOutcome.PRINTED: QCoreApplication.translate("PrintOutcome", "printed"),
        PrintOutcome.STUCK: QCoreApplication.translate("PrintOutcome", "stuck in the printer"),
        PrintOutcome.FAILED: QCoreApplication.translate("PrintOutcome", "failed"),
        PrintOutcome.UNKNOWN: QCoreApplication.translate("PrintOutcome", "unknown, to be checked"),
        PrintOutcome.CONFIRMED_PRINTED: QCoreApplication.translate(
            "PrintOutcome", "confirmed printed"
        ),
        PrintOutcome.CONFIRMED_NOT_PRINTED: QCoreApplication.translate(
            "PrintOutcome", "confirmed not printed"
        ),
    }
    return names.get(outcome, outcome.value)
