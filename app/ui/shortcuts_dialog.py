"""Help → Keyboard shortcuts: a table of every command of the window and its keys.

The table is generated from the window's `QAction`s when the dialog opens, so it lists
exactly the commands the window has (including ones added later) and never goes stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.actions import plain_text


@dataclass(frozen=True)
class ShortcutEntry:
    """One command and its keys, as shown."""

    command: str
    keys: str
    description: str


def window_actions(window: QWidget) -> list[QAction]:
    """Every distinct QAction the window offers (in a menu, toolbar or widget)."""
    seen: dict[int, QAction] = {}
    for action in [*window.actions(), *window.findChildren(QAction)]:
        if action.isSeparator() or action.menu() is not None or not action.text():
            continue
        if not action.associatedObjects():  # in no menu, toolbar or widget: not reachable
            continue
        seen.setdefault(id(action), action)
    return list(seen.values())


def shortcut_entries(window: QWidget) -> list[ShortcutEntry]:
    """The commands of `window` that have a keyboard shortcut."""
    entries = []
    for action in window_actions(window):
        shortcuts = [s for s in action.shortcuts() if not s.isEmpty()]
        if not shortcuts:
            continue
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        entries.append(ShortcutEntry(plain_text(action.text()), keys, action.statusTip()))
    return entries


class ShortcutsDialog(QDialog):
    """Lists the window's keyboard shortcuts."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.entries = shortcut_entries(window)
        self.table = QTableWidget(len(self.entries), 3, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Command"), self.tr("Keys"), self.tr("What it does")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, entry in enumerate(self.entries):
            for column, text in enumerate((entry.command, entry.keys, entry.description)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(820, 480)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Tall enough for every row (the last one included), as far as the screen allows;
        beyond that the table scrolls."""
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        needed = rows + self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + 4
        screen = self.screen().availableGeometry().height() if self.screen() else 700
        self.table.setMinimumHeight(min(needed, max(200, screen - 120)))
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def rows(self) -> list[tuple[str, str]]:
        """(command, keys) per table row, as shown."""
        result = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in (0, 1)]
            command, keys = (cell.text() if cell else "" for cell in cells)
            result.append((command, keys))
        return result


def open_shortcuts_dialog(window: QWidget, on_closed: Callable[[], None]) -> ShortcutsDialog:
    """Show the dialog window-modally (not blocking); `on_closed` runs when it closes."""
    dialog = ShortcutsDialog(window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.finished.connect(lambda _result: on_closed())
    dialog.open()
    return dialog
