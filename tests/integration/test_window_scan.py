"""The main window's scan field: scanning queues rows, bad and repeated scans are called
out on the spot, and the keyboard focus always comes back to the field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from tests.unit.ui.support import open_window


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    with open_window(sandbox, label_profile, print_queue, tmp_path) as win:
        yield win


def scan(window: MainWindow, qtbot: QtBot, text: str, key: Qt.Key = Qt.Key.Key_Return) -> None:
    qtbot.keyClicks(window.scan_bar.field, text)
    qtbot.keyClick(window.scan_bar.field, key)


def button(window: MainWindow, text: str) -> QPushButton:
    for candidate in window.findChildren(QPushButton):
        if candidate.text() == text:
            return candidate
    raise AssertionError(f"no button {text!r}")


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_a_scan_and_enter_queues_a_row(window: MainWindow, qtbot: QtBot, key: Qt.Key) -> None:
    scan(window, qtbot, "4200001234567890", key)
    assert window.model.rowCount() == 1
    row = window.model.row_at(0)
    assert row.ref.order_id == "4200001234567890"
    assert row.ref.delivery_id == "SF"  # the carrier picker's default
    assert row.state is RowState.QUEUED
    assert window.scan_bar.field.text() == ""
    assert "4200001234567890" in window.scan_bar.message_text()
    assert window.table.currentIndex().row() == 0


def test_the_carrier_picker_sets_the_default_carrier(window: MainWindow, qtbot: QtBot) -> None:
    window.carrier_box.setCurrentIndex(window.carrier_box.findData("ZTO"))
    scan(window, qtbot, "A100")
    scan(window, qtbot, "A101,YTO")
    assert [r.ref.delivery_id for r in window.model.rows()] == ["ZTO", "YTO"]


def test_a_bad_scan_is_refused_with_the_reason(window: MainWindow, qtbot: QtBot) -> None:
    scan(window, qtbot, "A1,S-F")
    assert window.model.rowCount() == 0
    message = window.scan_bar.message_text()
    assert "A1,S-F" in message and "invalid carrier id" in message
    assert window.scan_bar.message.property("tone") == "error"
    assert "invalid carrier id" in window.statusBar().currentMessage()


def test_a_repeated_scan_is_flagged_not_queued_twice(window: MainWindow, qtbot: QtBot) -> None:
    scan(window, qtbot, "A1")
    scan(window, qtbot, "B1")
    scan(window, qtbot, "A1")
    assert window.model.rowCount() == 2
    assert "Already in the list" in window.scan_bar.message_text()
    assert window.scan_bar.message.property("tone") == "warning"
    assert window.table.currentIndex().row() == 0  # the earlier row is shown


def test_focus_returns_to_the_scan_field_after_a_button(window: MainWindow, qtbot: QtBot) -> None:
    window.add_text("A1\nA2\nA3")
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    rect = window.table.visualRect(window.model.index(1, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.table.hasFocus()
    qtbot.mouseClick(button(window, "Remove"), Qt.MouseButton.LeftButton)
    assert [r.ref.order_id for r in window.model.rows()] == ["A1", "A3"]
    assert window.scan_bar.field.hasFocus()


def test_focus_returns_to_the_scan_field_after_a_dialog(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.mouseClick(button(window, "Paste list…"), Qt.MouseButton.LeftButton)
    dialog = window.paste_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=2000)
    assert not window.scan_bar.field.hasFocus()
    qtbot.keyClicks(dialog.editor, "P1")
    dialog.accept()
    qtbot.waitUntil(lambda: window.paste_dialog is None, timeout=2000)
    assert [r.ref.order_id for r in window.model.rows()] == ["P1"]
    qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=2000)
    # and after a dialog that was cancelled
    window.actions_.paste_list.trigger()
    assert window.paste_dialog is not None
    window.paste_dialog.reject()
    qtbot.waitUntil(lambda: window.paste_dialog is None, timeout=2000)
    qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=2000)
    assert window.model.rowCount() == 1
