"""The queue table: a `QTableView` over `OrderQueueModel`, set up for a packing station.

Whole rows are selected, nothing is edited in place, the text is a little larger than
usual (larger still with the "Large text" setting), and the message column takes the
spare width because it says what to do about an error.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget

from app.ui.queue_model import Column, OrderQueueModel

_COLUMN_WIDTHS = {
    Column.ORDER_ID: 170,
    Column.CARRIER: 56,
    Column.WAYBILL_ID: 160,
    Column.STATE: 80,
    Column.TIME: 72,
}
NORMAL_SCALE = 1.1
BIG_SCALE = 1.4


class QueueView(QTableView):
    """The table of queued orders."""

    def __init__(
        self, model: OrderQueueModel, parent: QWidget | None = None, *, big_font: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queueTable")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.set_big_font(big_font)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)

    def set_big_font(self, big: bool) -> None:
        font = self.font()
        base = QApplication.font().pointSizeF()
        scale = BIG_SCALE if big else NORMAL_SCALE
        font.setPointSizeF(base * scale)
        self.setFont(font)
        self.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.6))
        for column, width in _COLUMN_WIDTHS.items():
            self.setColumnWidth(column, int(width * scale / NORMAL_SCALE))
