"""Pasting many orders into the main window: the good lines are queued, the refused ones
are listed with their line number and reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from tests.unit.ui.support import open_window


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    with open_window(
        sandbox, label_profile, print_queue, tmp_path, sample_orders=["S1", "S2,ZTO"]
    ) as win:
        yield win


def list_of_250_with_bad_lines() -> tuple[str, dict[int, str]]:
    lines = [f"42000{n:010d}" for n in range(250)]
    bad = {
        60: "A1,S-F",  # invalid carrier
        120: "A2,SF,W1,extra",  # too many fields
        121: "42000" + "0" * 10,  # repeats the first line
        200: "x" * 600,  # field too long
    }
    numbered: dict[int, str] = {}
    for offset, (index, text) in enumerate(sorted(bad.items())):
        lines.insert(index + offset, text)
        numbered[index + offset + 1] = text
    return "\n".join(lines) + "\n", numbered


def test_pasting_250_lines_queues_250_rows_and_lists_the_rejected(
    window: MainWindow, qtbot: QtBot
) -> None:
    text, bad_lines = list_of_250_with_bad_lines()
    QGuiApplication.clipboard().setText(text)
    qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=5000)
    qtbot.keyClick(window.scan_bar.field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 250
    assert window.scan_bar.field.text() == ""
    assert window.rejections.isVisible()
    refused = window.rejections.lines()
    assert [line.line_no for line in refused] == sorted(bad_lines)
    assert [line.text for line in refused] == [bad_lines[n] for n in sorted(bad_lines)]
    reasons = " | ".join(line.reason for line in refused)
    assert "invalid carrier id" in reasons
    assert "too many fields" in reasons
    assert "duplicate of line 1" in reasons
    assert "longer than" in reasons
    assert "250" in window.scan_bar.message_text() and "4" in window.scan_bar.message_text()


def test_pasting_again_reports_orders_already_queued(window: MainWindow) -> None:
    window.add_text("A1\nA2")
    assert window.add_text("A2\nA3\n") == 1
    assert [line.line_no for line in window.rejections.lines()] == [1]
    assert "already in the list" in window.rejections.lines()[0].reason
    window.rejections.dismiss()
    assert not window.rejections.isVisible()


def test_the_paste_list_dialog_adds_its_lines(window: MainWindow, qtbot: QtBot) -> None:
    window.actions_.paste_list.trigger()
    dialog = window.paste_dialog
    assert dialog is not None
    dialog.editor.setPlainText("order_id,delivery_id\nD1,ZTO\nD2\n\n# note\nD3,??\n")
    dialog.accept()
    qtbot.waitUntil(lambda: window.paste_dialog is None, timeout=2000)
    assert [r.ref.key for r in window.model.rows()] == [("D1", "ZTO"), ("D2", "SF")]
    assert [line.line_no for line in window.rejections.lines()] == [6]


def test_load_sample_orders(window: MainWindow) -> None:
    window.actions_.load_samples.trigger()
    assert [r.ref.key for r in window.model.rows()] == [("S1", "SF"), ("S2", "ZTO")]
