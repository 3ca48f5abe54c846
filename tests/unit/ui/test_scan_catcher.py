"""Tests for app.ui.scan_catcher and the scan field's terminators: a scanner's burst is
told from typing by a clock the test moves; CR, LF, CRLF and Tab each end one scan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.scan_bar import ScanBar
from app.ui.scan_catcher import ScanCatcher

NO_MOD = Qt.KeyboardModifier.NoModifier


class HandClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def send(widget: QWidget, key: int, text: str = "", mods: Qt.KeyboardModifier = NO_MOD) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, mods, text))
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, key, mods, text))


def line_feed(widget: QWidget) -> None:
    send(widget, 0, "\n")


def carriage_return(widget: QWidget) -> None:
    send(widget, Qt.Key.Key_Return, "\r")


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def form(qtbot: QtBot, clock: HandClock) -> Iterator[tuple[QLineEdit, ScanCatcher, list[str]]]:
    window = QWidget()
    qtbot.addWidget(window)
    edit = QLineEdit(window)
    QVBoxLayout(window).addWidget(edit)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5000)
    catcher = ScanCatcher(window, clock=clock)
    caught: list[str] = []
    catcher.scanned.connect(caught.append)
    catcher.install()
    yield edit, catcher, caught
    catcher.uninstall()


def type_fast(widget: QWidget, clock: HandClock, text: str) -> None:
    for char in text:
        clock.now += 0.001
        send(widget, ord(char.upper()), char)
    clock.now += 0.001


@pytest.mark.parametrize("end", [carriage_return, line_feed], ids=["CR", "LF"])
def test_a_burst_into_another_widget_is_caught_whole(
    form: tuple[QLineEdit, ScanCatcher, list[str]], clock: HandClock, end: object
) -> None:
    edit, _catcher, caught = form
    type_fast(edit, clock, "SF1234567")
    end(edit)  # type: ignore[operator]
    assert caught == ["SF1234567"]
    assert edit.text() == ""  # the widget saw none of it


def test_crlf_and_two_suffixes_make_one_scan(
    form: tuple[QLineEdit, ScanCatcher, list[str]], clock: HandClock
) -> None:
    edit, _catcher, caught = form
    returns: list[bool] = []
    edit.returnPressed.connect(lambda: returns.append(True))
    type_fast(edit, clock, "A100")
    carriage_return(edit)
    clock.now += 0.001
    line_feed(edit)
    clock.now += 0.002
    send(edit, Qt.Key.Key_Tab, "\t")
    assert caught == ["A100"]
    assert returns == []  # no stray Enter reached the widget


def test_ctrl_j_ends_a_scan(
    form: tuple[QLineEdit, ScanCatcher, list[str]], clock: HandClock
) -> None:
    edit, _catcher, caught = form
    type_fast(edit, clock, "B200")
    send(edit, Qt.Key.Key_J, "\n", Qt.KeyboardModifier.ControlModifier)
    assert caught == ["B200"]


def test_slow_typing_reaches_the_widget_and_its_enter_too(
    qtbot: QtBot, form: tuple[QLineEdit, ScanCatcher, list[str]], clock: HandClock
) -> None:
    edit, catcher, caught = form
    returns: list[str] = []
    edit.returnPressed.connect(lambda: returns.append(edit.text()))
    for char in "wx9":
        clock.now += 0.25
        send(edit, ord(char.upper()), char)
    assert edit.text() == "wx"  # the last key is held until the clock says typing paused
    clock.now += 0.25
    qtbot.waitUntil(lambda: edit.text() == "wx9", timeout=3000)
    assert catcher.holding == ""
    carriage_return(edit)
    assert returns == ["wx9"] and caught == []


def test_a_lone_enter_long_after_a_scan_is_a_persons(
    form: tuple[QLineEdit, ScanCatcher, list[str]], clock: HandClock
) -> None:
    edit, _catcher, caught = form
    returns: list[bool] = []
    edit.returnPressed.connect(lambda: returns.append(True))
    type_fast(edit, clock, "C300")
    carriage_return(edit)
    clock.now += 0.1
    carriage_return(edit)  # within the guard: still the scanner's
    clock.now += 2.0
    carriage_return(edit)  # seconds later: the packer's own Enter
    assert caught == ["C300"] and returns == [True]


def test_a_field_that_takes_scans_is_left_alone(
    qtbot: QtBot, form: tuple[QLineEdit, ScanCatcher, list[str]], clock: HandClock
) -> None:
    edit, _catcher, caught = form
    bar = ScanBar(edit.parentWidget())
    bar.show()
    submitted: list[str] = []
    bar.submitted.connect(submitted.append)
    bar.focus_field()
    qtbot.waitUntil(bar.field.hasFocus, timeout=3000)
    type_fast(bar.field, clock, "D400")
    line_feed(bar.field)
    type_fast(bar.field, clock, "D401")
    carriage_return(bar.field)
    line_feed(bar.field)  # CRLF: the LF ends an empty scan, which is ignored
    assert submitted == ["D400", "D401"] and caught == []
