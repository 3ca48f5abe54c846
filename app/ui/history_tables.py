"""The two tables of the print history: the orders found, and the attempts of one order.

`OrdersTable` shows `HistoryRow`s (last activity, order, carrier, waybill, state as the
packer reads it, prints, reprints, last printer, station); `AttemptsTable` shows the
`PrintRecord`s of the selected order. Both only show: reading the ledger is the history
window's job, on its background runner.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.core.ledger_records import HistoryRow, OrderState, PrintRecord


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
                self.state_text(row.state),
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
                record.outcome.value,
                self.tr("yes") if record.is_reprint else "",
                record.station,
                record.message,
            )
            for record in attempts
        ]
        _fill(self, lines)
