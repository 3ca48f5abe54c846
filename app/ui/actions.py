"""The window's commands as `QAction`s, shared by buttons, toolbar and menus.

Each action has its keyboard shortcut, and its tooltip names that shortcut, so the packer
learns the keys from hovering over a button. `action_button` makes a large push button
that triggers an action and never takes the keyboard focus away from the scan field.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QWidget


def _shortcut_text(shortcuts: list[QKeySequence]) -> str:
    return ", ".join(
        s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts if not s.isEmpty()
    )


def make_action(
    parent: QObject,
    text: str,
    tip: str,
    shortcuts: list[QKeySequence] | None = None,
) -> QAction:
    """An action whose tooltip and status tip say what it does and which key runs it."""
    action = QAction(text, parent)
    if shortcuts:
        action.setShortcuts(shortcuts)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = _shortcut_text(shortcuts)
        action.setToolTip(f"{tip} ({keys})")
    else:
        action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


class WindowActions(QObject):
    """Every command of the main window."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        key = QKeySequence
        self.fetch = make_action(
            parent,
            self.tr("&Fetch"),
            self.tr("Fetch the waybills of queued orders"),
            [key(Qt.Key.Key_F5)],
        )
        self.print_selected = make_action(
            parent,
            self.tr("&Print"),
            self.tr("Print the selected ready labels"),
            [key(QKeySequence.StandardKey.Print)],
        )
        self.print_all = make_action(
            parent,
            self.tr("Print &all ready"),
            self.tr("Print every ready label"),
            [key("Ctrl+Shift+P")],
        )
        self.remove = make_action(
            parent,
            self.tr("&Remove"),
            self.tr("Remove the selected orders from the list"),
            [key(Qt.Key.Key_Delete)],
        )
        self.clear = make_action(
            parent,
            self.tr("&Clear"),
            self.tr("Remove all orders from the list"),
            [key("Ctrl+Shift+Delete")],
        )
        self.cancel = make_action(
            parent,
            self.tr("Cancel"),
            self.tr("Stop the running fetch"),
            [key(Qt.Key.Key_Escape)],
        )
        self.paste_list = make_action(
            parent,
            self.tr("Paste &list…"),
            self.tr("Paste or type many order ids at once"),
            [key("Ctrl+Shift+V")],
        )
        self.paste_clipboard = make_action(
            parent,
            self.tr("Paste from clipboard"),
            self.tr("Add the order ids on the clipboard"),
            [key(QKeySequence.StandardKey.Paste)],
        )
        self.load_samples = make_action(
            parent,
            self.tr("Load &sample orders"),
            self.tr("Add the demo's sample orders"),
            [key("Ctrl+Shift+L")],
        )
        self.settings = make_action(
            parent,
            self.tr("&Settings…"),
            self.tr("Account, printer and station settings"),
            [key("Ctrl+,")],
        )
        self.open_file = make_action(
            parent,
            self.tr("&Open…"),
            self.tr("Add the orders in a CSV or text file"),
            [key(QKeySequence.StandardKey.Open)],
        )
        self.shortcuts = make_action(
            parent,
            self.tr("&Keyboard shortcuts"),
            self.tr("List every command and its keys"),
            [key(Qt.Key.Key_F1)],
        )
        self.quit = make_action(
            parent, self.tr("&Quit"), self.tr("Close the program"), [key("Ctrl+Q")]
        )
        self.cancel.setEnabled(False)

    def fill_menu(self, menu: QMenu, *, samples: bool, settings: bool) -> None:
        """The window's one menu, in the order a packer works."""
        menu.addActions([self.open_file, self.paste_list, self.paste_clipboard])
        if samples:
            menu.addAction(self.load_samples)
        menu.addSeparator()
        menu.addActions([self.fetch, self.cancel, self.print_selected, self.print_all])
        menu.addSeparator()
        menu.addActions([self.remove, self.clear])
        menu.addSeparator()
        if settings:
            menu.addAction(self.settings)
        menu.addAction(self.quit)


_MNEMONIC_RE = re.compile(r"\(&[^)]\)|&(?=.)")


def plain_text(text: str) -> str:
    """An action's text without its mnemonic: "&Print" → "Print", "打印(&P)" → "打印"."""
    return _MNEMONIC_RE.sub("", text).strip()


def action_button(action: QAction, parent: QWidget) -> QPushButton:
    """A push button mirroring `action` (text, tooltip, enabled) that keeps no focus."""
    button = QPushButton(plain_text(action.text()), parent)
    button.setToolTip(action.toolTip())
    button.setEnabled(action.isEnabled())
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setMinimumHeight(36)
    button.clicked.connect(action.trigger)
    action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
    return button
