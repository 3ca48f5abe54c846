"""Entering many orders at once: the "Paste list" dialog and the panel of refused lines.

`PasteListDialog` is a plain-text box for pasting or typing a list, one order a line
(``order_id[,carrier[,waybill_id]]``). `RejectionsPanel` lists the lines of the last
paste that were not queued — line number, text and reason — until it is dismissed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Hint, OrderRef
from app.core.orders import LineKind, ParseResult
from app.ui.scan_catcher import TAKES_SCANS


class PasteListDialog(QDialog):
    """Asks for a list of orders; `text()` is what the user entered."""

    def __init__(self, parent: QWidget | None = None, initial: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paste a list of orders"))
        intro = QLabel(
            self.tr(
                "One order a line: order id, optionally followed by the carrier and the "
                "waybill id (separated by a comma, tab or spaces). Lines starting with # "
                "are ignored."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(self)
        self.editor.setProperty(TAKES_SCANS, True)  # scans here add lines to the list
        self.editor.setObjectName("pasteEditor")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlaceholderText("4200001234567890\n4200001234567891,ZTO")
        self.editor.setPlainText(initial)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText(self.tr("Add to the list"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    def text(self) -> str:
        return self.editor.toPlainText()


@dataclass(frozen=True)
class RefusedLine:
    """One input line that was not queued, and why."""

    line_no: int
    text: str
    reason: str


def refused_lines(
    result: ParseResult,
    already_queued: Sequence[OrderRef],
    hint_text: Callable[[Hint], str],
    already_text: str,
) -> list[RefusedLine]:
    """Every line of a paste that was not queued: rejected, repeated, or already queued."""
    already = {ref.key for ref in already_queued}
    refused: list[RefusedLine] = []
    for line in result.lines:
        if line.kind is LineKind.REF:
            if line.ref is not None and line.ref.key in already:
                refused.append(RefusedLine(line.line_no, line.text, already_text))
        else:
            reason = hint_text(line.reason) if line.reason else ""
            refused.append(RefusedLine(line.line_no, line.text, reason))
    return refused


class RejectionsPanel(QWidget):
    """Lists the refused lines of the last paste; hidden while there are none."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rejectionsPanel")
        self.title = QLabel(self)
        self.title.setStyleSheet("QLabel { color: #a31515; font-weight: bold; }")
        close = QPushButton(self.tr("Dismiss"), self)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.dismiss)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("rejectionsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Text"), self.tr("Reason")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(1, 220)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.setMaximumHeight(200)
        self.hide()

    def show_lines(self, lines: Sequence[RefusedLine]) -> None:
        """Show these refused lines (replacing earlier ones); hides itself for none."""
        self.table.setRowCount(0)
        if not lines:
            self.hide()
            return
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            number = QTableWidgetItem()
            number.setData(Qt.ItemDataRole.DisplayRole, line.line_no)
            self.table.setItem(row, 0, number)
            self.table.setItem(row, 1, QTableWidgetItem(line.text))
            self.table.setItem(row, 2, QTableWidgetItem(line.reason))
        self.title.setText(self.tr("%n line(s) not added:", "", len(lines)))
        self.show()

    def lines(self) -> list[RefusedLine]:
        """What the panel shows (for tests and copying)."""
        result = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in range(3)]
            line_no, text, reason = (cell.text() if cell else "" for cell in cells)
            result.append(RefusedLine(int(line_no or 0), text, reason))
        return result

    def dismiss(self) -> None:
        self.table.setRowCount(0)
        self.hide()
        self.dismissed.emit()
