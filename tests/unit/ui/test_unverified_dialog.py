"""The "Print anyway" dialog: the label and its reason, and Don't print as the default."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.ui.unverified_dialog import UnverifiedDialog
from tests.fixtures.qt import barcode_label_html, dispose

REASON = "barcode reads SF1111, not the waybill SF2222"


@pytest.fixture
def dialog(label_profile: QWebEngineProfile, qtbot: QtBot) -> Iterator[UnverifiedDialog]:
    waybill = Waybill(
        OrderRef("O-1", "SF"),
        WaybillStatus.OK,
        0,
        "ok",
        "SF2222",
        barcode_label_html("SF1111", 100, 150),
        PageSizeMm(100, 150),
    )
    widget = UnverifiedDialog(label_profile, waybill, REASON)
    with qtbot.waitSignal(widget.preview.labelLoaded, timeout=20_000):
        widget.show()
    yield widget
    dispose(widget)


def test_shows_the_label_and_the_reason(dialog: UnverifiedDialog) -> None:
    assert dialog.preview.showing_label()
    assert REASON in dialog.reason_label.text()
    assert "SF2222" in dialog.windowTitle()


def test_enter_does_not_print(dialog: UnverifiedDialog, qtbot: QtBot) -> None:
    assert dialog.cancel_button.isDefault() and not dialog.print_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == UnverifiedDialog.DialogCode.Rejected


def test_print_anyway_accepts(dialog: UnverifiedDialog, qtbot: QtBot) -> None:
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == UnverifiedDialog.DialogCode.Accepted
