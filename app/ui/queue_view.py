"""The queue table: a `QTableView` over `OrderQueueModel`, set up for a packing station.

Whole rows are selected, nothing is edited in place, the text is a little larger than
usual (larger still with the "Large text" setting), and the message column takes the
spare width because it says what to do about an error.

The table never needs a horizontal scrollbar to show the message: the other columns are
as wide as their usual content (measured in the table's font), and when that leaves the
message less than `MESSAGE_SHARE` of the width (`BIG_MESSAGE_SHARE` with large text) — a
1024×768 screen — the time column goes first (the packer reads ids, not clocks), then
the id columns give way (long ids are elided in the middle, where they are alike; a
message is cut at its end; the tooltip has the whole text), then whole columns whose
content the label preview also shows (waybill, carrier) are hidden until there is room
again. In large-text mode each row has room for
two lines and the text wraps, so a reason reads at a bench's distance.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.ui.queue_model import Column, OrderQueueModel, RowState

NORMAL_SCALE = 1.1
BIG_SCALE = 1.4
MESSAGE_SHARE = 0.3
"""The least share of the table's width the message column keeps."""
BIG_MESSAGE_SHARE = 0.4
"""The same in large-text mode, where the reason matters more than the waybill id (the
preview shows that too)."""

# What each column usually holds, to size it in the table's own font.
_SAMPLES = {
    Column.ORDER_ID: "4200001901000001",
    Column.CARRIER: "YUNDA",
    Column.WAYBILL_ID: "SF1595020632472",
    Column.STATE: "",  # the widest state name in the language shown
    Column.TIME: "22:48:34",
}
_HIDE_BEFORE_SHRINKING = (Column.TIME,)
_SHRINK_FIRST = (Column.ORDER_ID, Column.WAYBILL_ID)
_HIDE_FIRST = (Column.WAYBILL_ID, Column.CARRIER)
_MIN_ID_CHARS = "4200…0001"


class _ReasonDelegate(QStyledItemDelegate):
    """The message column: a reason is cut at its end (its start says what to do)."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


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
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._reasons = _ReasonDelegate(self)
        self.setItemDelegateForColumn(Column.MESSAGE, self._reasons)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self._preferred: dict[Column, int] = {}
        self._fitted: dict[Column, int] = {}
        self._padding = 0
        self._message_share = MESSAGE_SHARE
        self.set_big_font(big_font)

    def set_big_font(self, big: bool) -> None:
        font = self.font()
        base = QApplication.font().pointSizeF()
        font.setPointSizeF(base * (BIG_SCALE if big else NORMAL_SCALE))
        self.setFont(font)
        metrics = self.fontMetrics()
        lines = 2 if big else 1
        self._message_share = BIG_MESSAGE_SHARE if big else MESSAGE_SHARE
        self.setWordWrap(big)
        self.verticalHeader().setDefaultSectionSize(int(metrics.height() * (lines + 0.6)))
        self._padding = padding = metrics.horizontalAdvance("M")
        model = self.model()
        assert isinstance(model, OrderQueueModel)
        self._preferred = {}
        for column, sample in _SAMPLES.items():
            texts = [sample, str(model.headerData(column, Qt.Orientation.Horizontal) or "")]
            if column is Column.STATE:
                texts += [model.state_text(state) for state in RowState]
            widest = max(metrics.horizontalAdvance(text) for text in texts)
            self._preferred[column] = widest + padding
        self._fitted = {}
        self.fit_columns()

    def fit_columns(self) -> None:
        """Size the columns beside the message: as wide as their content, narrower when
        that leaves the message too little room (module docstring). Widths the packer set
        by hand stay as long as they leave the message its room."""
        available = self.viewport().width()
        if available <= 0 or not self._preferred:
            return
        room = available - math.ceil(available * self._message_share)
        hidden: list[Column] = []
        for column in _HIDE_BEFORE_SHRINKING:  # a whole id beats the time of day
            if sum(w for c, w in self._preferred.items() if c not in hidden) <= room:
                break
            hidden.append(column)
        widths = self._shrunk(room, hidden)
        for column in _HIDE_FIRST:  # then whole columns the preview also shows
            if sum(widths.values()) <= room:
                break
            hidden.append(column)
            widths = self._shrunk(room, hidden)
        shown = [c for c in self._preferred if not self.isColumnHidden(c)]
        current = {c: self.columnWidth(c) for c in shown}
        by_hand = bool(self._fitted) and current != self._fitted
        if by_hand and sum(current.values()) <= room and len(shown) >= len(widths):
            return  # sized by the packer, and the message still has its room
        for column in self._preferred:
            self.setColumnHidden(column, column in hidden)
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self._fitted = {c: self.columnWidth(c) for c in widths}

    def _shrunk(self, room: int, hidden: list[Column]) -> dict[Column, int]:
        """The shown columns' widths with the ids narrowed (not below a readable part of
        each end) as far as needed to fit `room`."""
        widths = {c: w for c, w in self._preferred.items() if c not in hidden}
        excess = sum(widths.values()) - room
        if excess > 0:
            floor = self.fontMetrics().horizontalAdvance(_MIN_ID_CHARS) + self._padding
            give = {c: max(0, widths[c] - floor) for c in _SHRINK_FIRST if c in widths}
            can_give = sum(give.values())
            for column, share in give.items():
                if can_give:
                    widths[column] -= round(min(excess, can_give) * share / can_give)
        return widths

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()
