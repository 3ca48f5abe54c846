"""ScanBar: Return and Enter submit, multi-line pastes go to the list parser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.scan_bar import Feedback, ScanBar


@pytest.fixture
def bar(qtbot: QtBot) -> Iterator[ScanBar]:
    host = QWidget()
    widget = ScanBar(host)
    QVBoxLayout(host).addWidget(widget)
    qtbot.addWidget(host)
    host.show()
    widget.focus_field()
    yield widget


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_return_and_enter_submit_the_code(bar: ScanBar, qtbot: QtBot, key: Qt.Key) -> None:
    qtbot.keyClicks(bar.field, "  4200001234  ")
    with qtbot.waitSignal(bar.submitted, timeout=1000) as signal:
        qtbot.keyClick(bar.field, key)
    assert signal.args == ["  4200001234  "]
    assert bar.field.text() == ""


def test_empty_enter_submits_nothing(bar: ScanBar, qtbot: QtBot) -> None:
    # The field emits inside the key handler (see the test above): no wait is needed.
    with qtbot.assertNotEmitted(bar.submitted):
        qtbot.keyClick(bar.field, Qt.Key.Key_Return)


def test_multi_line_paste_goes_to_the_parser(bar: ScanBar, qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("A1\nA2\nA3\n")
    with qtbot.waitSignal(bar.pastedLines, timeout=1000) as signal:
        qtbot.keyClick(bar.field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == ["A1\nA2\nA3\n"]
    assert bar.field.text() == ""


def test_single_line_paste_stays_in_the_field(bar: ScanBar, qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("4200009999")
    with qtbot.assertNotEmitted(bar.pastedLines):
        qtbot.keyClick(bar.field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert bar.field.text() == "4200009999"


def test_typing_on_another_widget_lands_in_the_field(bar: ScanBar, qtbot: QtBot) -> None:
    table = QTableWidget(2, 2, bar.parentWidget())
    table.show()
    bar.redirect_typing_from(table)
    table.setFocus()
    qtbot.keyClicks(table, "42")
    assert bar.field.text() == "42"
    # The window's focus widget, not hasFocus(): under Xvfb without a window manager the
    # test window is never the active one, so no widget in it "has" the focus.
    assert bar.window().focusWidget() is bar.field


def test_messages_carry_their_tone(bar: ScanBar) -> None:
    bar.show_message("Refused", Feedback.ERROR)
    assert bar.message_text() == "Refused"
    assert bar.message.property("tone") == "error"
