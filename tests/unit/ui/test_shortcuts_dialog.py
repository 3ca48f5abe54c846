"""Help → Keyboard shortcuts lists every command of the window that has keys, and no two
commands share a key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.actions import plain_text
from app.ui.main_window import MainWindow
from app.ui.shortcuts_dialog import ShortcutsDialog, window_actions
from tests.unit.ui.support import open_window


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    with open_window(sandbox, label_profile, print_queue, tmp_path, sample_orders=["A1"]) as win:
        yield win


def with_shortcuts(window: MainWindow) -> list[QAction]:
    return [a for a in window_actions(window) if any(not s.isEmpty() for s in a.shortcuts())]


def test_every_action_with_a_shortcut_is_listed(window: MainWindow, qtbot: QtBot) -> None:
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    rows = dict(dialog.rows())
    actions = with_shortcuts(window)
    assert len(actions) >= 10
    for action in actions:
        name = plain_text(action.text())
        assert name in rows, name
        first = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)
        assert first in rows[name]
    # the core commands of the packing station all have keys
    for action in (window.actions_.fetch, window.actions_.print_all, window.actions_.remove):
        assert plain_text(action.text()) in rows


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    keys = Counter(
        s.toString(QKeySequence.SequenceFormat.PortableText)
        for action in with_shortcuts(window)
        for s in action.shortcuts()
        if not s.isEmpty()
    )
    assert [key for key, count in keys.items() if count > 1] == []


def test_f1_opens_the_dialog(window: MainWindow, qtbot: QtBot) -> None:
    window.actions_.shortcuts.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    assert dialog.table.rowCount() == len(with_shortcuts(window))
    # the last row is whole inside the table (not cut off by its edge) once scrolled to
    table = dialog.table
    last = table.rowCount() - 1
    table.scrollToBottom()
    bottom = table.rowViewportPosition(last) + table.rowHeight(last)
    assert 0 < bottom <= table.viewport().height()
    available = dialog.screen().availableGeometry()
    assert dialog.height() <= available.height()  # and the dialog itself fits the screen
    dialog.reject()


def test_every_bench_command_has_a_key(window: MainWindow) -> None:
    """Keyboard-only: fetch, print, print all, export PDF, remove, clear, settings and the
    print-on-scan toggle (history's key is checked with the ledger's window tests)."""
    printing = window.print_commands
    commands = [
        window.actions_.fetch,
        window.actions_.print_selected,
        window.actions_.print_all,
        printing.export_files,
        window.actions_.remove,
        window.actions_.clear,
        window.actions_.settings,
        printing.scan_to_print,
        printing.cancel_printing,
    ]
    assert [plain_text(a.text()) for a in commands if a.shortcut().isEmpty()] == []
