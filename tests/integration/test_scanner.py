"""A keyboard-wedge scanner at the real window: a fast burst of keys ending in the
scanner's suffix (Return, Enter or Tab) queues exactly one order; the focus stays in (or
comes back to) the scan field; an input method can neither swallow nor alter a scan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from tests.unit.ui.support import open_window

CODE_A = "42000019010000012345"  # 20 characters, as a scanner types them
CODE_B = "42000019010000067890"
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
SUFFIXES = [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab]


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> Iterator[MainWindow]:
    with open_window(sandbox, label_profile, print_queue, tmp_path) as win:
        qtbot.waitUntil(win.isActiveWindow, timeout=5000)
        qtbot.waitUntil(win.scan_bar.field.hasFocus, timeout=5000)
        yield win


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def burst(qtbot: QtBot, code: str, suffix: Qt.Key) -> None:
    """What a scanner does: type into whatever has the focus, then press its suffix key."""
    qtbot.keyClicks(focused(), code)
    qtbot.keyClick(focused(), suffix)


def order_ids(window: MainWindow) -> list[str]:
    return [row.ref.order_id for row in window.model.rows()]


@pytest.mark.parametrize("suffix", SUFFIXES, ids=lambda k: k.name)
def test_a_burst_queues_exactly_one_order(window: MainWindow, qtbot: QtBot, suffix: Qt.Key) -> None:
    burst(qtbot, CODE_A, suffix)
    assert order_ids(window) == [CODE_A]
    assert window.model.row_at(0).state is RowState.QUEUED
    assert window.scan_bar.field.text() == ""
    assert window.scan_bar.field.hasFocus()  # Tab did not move the focus away
    assert window.scan_bar.message.property("tone") == "ok"


@pytest.mark.parametrize("suffix", SUFFIXES, ids=lambda k: k.name)
def test_two_bursts_queue_two_orders(window: MainWindow, qtbot: QtBot, suffix: Qt.Key) -> None:
    burst(qtbot, CODE_A, suffix)
    burst(qtbot, CODE_B, suffix)
    assert order_ids(window) == [CODE_A, CODE_B]


def test_padding_and_control_characters_are_trimmed(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClicks(focused(), f"  {CODE_A}  ")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert order_ids(window) == [CODE_A]


def test_a_refused_scan_names_the_reason(window: MainWindow, qtbot: QtBot) -> None:
    burst(qtbot, "A1,S-F", Qt.Key.Key_Tab)
    assert order_ids(window) == []
    assert "invalid carrier id" in window.scan_bar.message_text()
    assert window.scan_bar.message.property("tone") == "error"
    assert window.scan_bar.field.hasFocus()


def test_a_repeated_scan_is_flagged_at_once(window: MainWindow, qtbot: QtBot) -> None:
    burst(qtbot, CODE_A, Qt.Key.Key_Return)
    burst(qtbot, CODE_A, Qt.Key.Key_Tab)
    assert order_ids(window) == [CODE_A]
    assert "Already in the list" in window.scan_bar.message_text()
    assert window.scan_bar.message.property("tone") == "warning"


def test_the_focus_returns_after_the_shortcuts_dialog(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=3000)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.objectName() == "shortcutsDialog"
    qtbot.waitUntil(lambda: not window.scan_bar.field.hasFocus(), timeout=3000)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=3000)
    burst(qtbot, CODE_A, Qt.Key.Key_Return)
    assert order_ids(window) == [CODE_A]


def test_the_focus_returns_after_the_paste_dialog(window: MainWindow, qtbot: QtBot) -> None:
    window.actions_.paste_list.trigger()
    dialog = window.paste_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=3000)
    dialog.reject()
    qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=3000)
    burst(qtbot, CODE_B, Qt.Key.Key_Tab)
    assert order_ids(window) == [CODE_B]


def test_an_input_method_composition_does_not_touch_a_scan(
    window: MainWindow, qtbot: QtBot
) -> None:
    field = window.scan_bar.field
    assert not field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert field.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly
    # A Chinese IME half-way through "zhong" (pre-edit text), then the scanner types.
    preedit = QInputMethodEvent("zhong", [])
    QApplication.sendEvent(field, preedit)
    burst(qtbot, CODE_A, Qt.Key.Key_Return)
    assert order_ids(window) == [CODE_A]
    # A committed Chinese word is dropped too; the next scan is unchanged.
    commit = QInputMethodEvent()
    commit.setCommitString("中文")
    QApplication.sendEvent(field, commit)
    burst(qtbot, CODE_B, Qt.Key.Key_Enter)
    assert order_ids(window) == [CODE_A, CODE_B]


def test_non_ascii_keys_are_dropped(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClicks(focused(), "4200")
    for char in "，中":  # what a keyboard layout or IME could still deliver as keys
        press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, NO_MODIFIER, char)
        QApplication.sendEvent(focused(), press)
    qtbot.keyClicks(focused(), "01")
    assert window.scan_bar.field.text() == "420001"
