"""The order queue as a Qt table model: one row per order, its state and its waybill.

`OrderQueueModel` holds the rows the packer scanned or pasted and moves each through
queued → fetching → ready / cancelled / error → printing → printed. Rows are keyed by
`OrderRef.key` (order id, carrier); a key is never in the queue twice. Colours, fonts and
the message column tell the states apart at a glance; a cancelled order gets its own
colour and a struck-out font because its label must never be printed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.core.model import Hint, OrderRef, Waybill, WaybillStatus

Key = tuple[str, str]
_AnyIndex = QModelIndex | QPersistentModelIndex


class RowState(enum.Enum):
    """Where one order is in its life at this station."""

    QUEUED = "queued"
    FETCHING = "fetching"
    READY = "ready"
    CANCELLED = "cancelled"
    ERROR = "error"
    PRINTING = "printing"
    PRINTED = "printed"
    UNVERIFIED = "unverified"
    """The label failed verification before printing: nothing was printed; it prints
    only when the packer has looked at it and chosen "Print anyway"."""


FETCHABLE_STATES = frozenset({RowState.QUEUED, RowState.ERROR})
"""States a Fetch picks up: never fetched, or failed last time."""


@dataclass
class QueueRow:
    """One order in the queue."""

    ref: OrderRef
    state: RowState = RowState.QUEUED
    waybill_id: str = ""
    message: str = ""
    time: datetime = field(default_factory=datetime.now)
    waybill: Waybill | None = None
    failed_print: bool = False

    @property
    def key(self) -> Key:
        return self.ref.key


@dataclass(frozen=True)
class AddResult:
    """What `add_refs` did: how many rows it added and which refs were already queued."""

    added: int
    duplicates: list[OrderRef]


class Column(enum.IntEnum):
    ORDER_ID = 0
    CARRIER = 1
    WAYBILL_ID = 2
    STATE = 3
    MESSAGE = 4
    TIME = 5


# (background, foreground) per state; None keeps the view's palette.
_COLOURS: dict[RowState, tuple[str | None, str | None]] = {
    RowState.QUEUED: (None, None),
    RowState.FETCHING: ("#fff6d5", "#6b5500"),
    RowState.READY: ("#e3f6e3", "#1d5e20"),
    RowState.CANCELLED: ("#ece4f3", "#6d5a7b"),
    RowState.ERROR: ("#fbe0e0", "#a31515"),
    RowState.PRINTING: ("#dde9fb", "#153e75"),
    RowState.PRINTED: ("#c6e6c6", "#0b4010"),
    RowState.UNVERIFIED: ("#fde2c8", "#8a3b00"),
}
_FAILED_PRINT_FOREGROUND = "#a31515"


class OrderQueueModel(QAbstractTableModel):
    """Rows of orders with their fetch and print state. GUI-thread only."""

    def __init__(self, parent: QObject | None = None, *, language: str = "en") -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []
        self._index: dict[Key, int] = {}
        self._language = language
        self._headers = [
            self.tr("Order"),
            self.tr("Carrier"),
            self.tr("Waybill"),
            self.tr("State"),
            self.tr("Message"),
            self.tr("Time"),
        ]

    # --- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if orientation is Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            background = _COLOURS[row.state][0]
            return QBrush(QColor(background)) if background else None
        if role == Qt.ItemDataRole.ForegroundRole:
            foreground = _COLOURS[row.state][1]
            if row.failed_print:
                foreground = _FAILED_PRINT_FOREGROUND
            return QBrush(QColor(foreground)) if foreground else None
        if role == Qt.ItemDataRole.FontRole and row.state is RowState.CANCELLED:
            font = QFont()
            font.setStrikeOut(column is not Column.MESSAGE)
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return row.state.value
        return None

    def _text(self, row: QueueRow, column: Column) -> str:
        if column is Column.ORDER_ID:
            return row.ref.order_id
        if column is Column.CARRIER:
            return row.ref.delivery_id
        if column is Column.WAYBILL_ID:
            return row.waybill_id
        if column is Column.STATE:
            return self.state_text(row.state)
        if column is Column.MESSAGE:
            return row.message
        return row.time.strftime("%H:%M:%S")

    def state_text(self, state: RowState) -> str:
        """The state's name as the packer reads it."""
        names = {
            RowState.QUEUED: self.tr("queued"),
            RowState.FETCHING: self.tr("fetching…"),
            RowState.READY: self.tr("ready"),
            RowState.CANCELLED: self.tr("CANCELLED"),
            RowState.ERROR: self.tr("error"),
            RowState.PRINTING: self.tr("printing…"),
            RowState.PRINTED: self.tr("printed"),
            RowState.UNVERIFIED: self.tr("NOT VERIFIED"),
        }
        return names[state]

    # --- reading -------------------------------------------------------------------------

    def row_for_key(self, key: Key) -> int | None:
        return self._index.get(key)

    def row_at(self, row: int) -> QueueRow:
        return self._rows[row]

    def rows(self) -> list[QueueRow]:
        """A snapshot of all rows (the objects themselves, do not change them)."""
        return list(self._rows)

    def keys(self) -> set[Key]:
        return set(self._index)

    def waybill_for(self, row: int) -> Waybill | None:
        if 0 <= row < len(self._rows):
            return self._rows[row].waybill
        return None

    def keys_in(self, states: Iterable[RowState]) -> list[Key]:
        wanted = set(states)
        return [row.key for row in self._rows if row.state in wanted]

    def ready_keys(self) -> list[Key]:
        return self.keys_in([RowState.READY])

    def fetchable_refs(self) -> list[OrderRef]:
        """The rows a Fetch should ask for: queued ones and ones that failed."""
        return [row.ref for row in self._rows if row.state in FETCHABLE_STATES]

    def counts(self) -> dict[RowState, int]:
        result = dict.fromkeys(RowState, 0)
        for row in self._rows:
            result[row.state] += 1
        return result

    # --- changing ------------------------------------------------------------------------

    def add_refs(self, refs: Iterable[OrderRef]) -> AddResult:
        """Append new orders as queued; refs whose key is already queued are refused."""
        new: list[OrderRef] = []
        duplicates: list[OrderRef] = []
        pending: set[Key] = set()
        for ref in refs:
            if ref.key in self._index or ref.key in pending:
                duplicates.append(ref)
            else:
                pending.add(ref.key)
                new.append(ref)
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for offset, ref in enumerate(new):
                self._rows.append(QueueRow(ref))
                self._index[ref.key] = first + offset
            self.endInsertRows()
        return AddResult(len(new), duplicates)

    def set_fetching(self, keys: Iterable[Key]) -> None:
        for key in keys:
            self._update(key, RowState.FETCHING, message="", failed_print=False)

    def requeue_fetching(self, keys: Iterable[Key], message: str | None = None) -> int:
        """Put rows still fetching (e.g. after Cancel) back to queued; returns how many.
        Their message: `message`, by default "fetch cancelled"."""
        count = 0
        text = self.tr("fetch cancelled") if message is None else message
        for key in keys:
            row = self._row(key)
            if row is not None and row.state is RowState.FETCHING:
                self._update(key, RowState.QUEUED, message=text)
                count += 1
        return count

    def apply_waybills(self, waybills: Sequence[Waybill]) -> int:
        """Fill in fetched waybills for rows that are fetching; returns rows updated."""
        updated = 0
        for waybill in waybills:
            row = self._row(waybill.ref.key)
            if row is None or row.state is not RowState.FETCHING:
                continue  # removed, or re-queued since the fetch started
            row.waybill = waybill
            row.waybill_id = waybill.waybill_id or ""
            if waybill.status is WaybillStatus.CANCELLED:
                state = RowState.CANCELLED
                message = self.tr("Cancelled by the shop — do not print or ship")
            elif waybill.printable:
                state = RowState.READY
                message = ""
            else:
                state = RowState.ERROR
                message = self.error_message(waybill)
            self._update(waybill.ref.key, state, message=message)
            updated += 1
        return updated

    def error_message(self, waybill: Waybill) -> str:
        """What to do about a failed waybill first (in the UI's language), then the code
        and the server's own words, which are for an admin."""
        detail = ""
        if waybill.errcode:
            detail = f"{waybill.errcode} {waybill.errmsg}".strip()
        elif waybill.errmsg and waybill.errmsg != "ok":
            detail = waybill.errmsg
        elif waybill.status is WaybillStatus.OK:
            detail = self.tr("the label is missing")
        advice = self.hint_text(waybill.hint).strip() if waybill.hint is not None else ""
        if not advice:
            return detail or self.tr("error")
        if not detail:
            return advice
        if self._language.startswith("zh"):
            return f"{advice}（{detail}）"
        return f"{advice} ({detail})"

    def hint_text(self, hint: Hint) -> str:
        return hint.text(self._language)

    def mark_printing(self, key: Key) -> None:
        self._update(key, RowState.PRINTING, message=self.tr("sent to the printer"))

    def mark_sent(self, key: Key, printer: str) -> None:
        """CUPS took the label: it is followed until it is on paper (still printing)."""
        self._update(
            key,
            RowState.PRINTING,
            message=self.tr("sent to {0}, waiting for the paper").format(printer),
        )

    def mark_stuck(self, key: Key, reason: str) -> None:
        """The label has not come out in time: it is still in the printer's queue."""
        self._update(key, RowState.PRINTING, message=self.tr("stuck: {0}").format(reason))

    def mark_printed(self, key: Key, printer: str) -> None:
        self._update(
            key,
            RowState.PRINTED,
            message=self.tr("printed on {0}").format(printer),
            failed_print=False,
        )

    def mark_unverified(self, key: Key, reason: str) -> None:
        """The label failed verification: nothing printed; the row says why."""
        self._update(
            key,
            RowState.UNVERIFIED,
            message=self.tr("not printed, label not verified: {0}").format(reason),
            failed_print=True,
        )

    def mark_print_failed(self, key: Key, message: str) -> None:
        """The label did not print: the row is ready again (to retry) and says why."""
        self._update(
            key,
            RowState.READY,
            message=self.tr("print failed: {0}").format(message),
            failed_print=True,
        )

    def remove_rows(self, rows: Iterable[int]) -> int:
        """Remove the given row numbers; returns how many were removed."""
        doomed = sorted({r for r in rows if 0 <= r < len(self._rows)}, reverse=True)
        for row in doomed:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        if doomed:
            self._reindex()
        return len(doomed)

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._index.clear()
        self.endResetModel()

    # --- helpers -------------------------------------------------------------------------

    def _row(self, key: Key) -> QueueRow | None:
        position = self._index.get(key)
        return None if position is None else self._rows[position]

    def _reindex(self) -> None:
        self._index = {row.key: position for position, row in enumerate(self._rows)}

    def _update(
        self, key: Key, state: RowState, *, message: str, failed_print: bool | None = None
    ) -> None:
        position = self._index.get(key)
        if position is None:
            return
        row = self._rows[position]
        row.state = state
        row.message = message
        row.time = datetime.now()
        if failed_print is not None:
            row.failed_print = failed_print
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(Column) - 1))
