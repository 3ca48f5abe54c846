"""The preview pane of the main window shows the selected row's label as rendered HTML,
the reason and the advice for an error row, and a warning over a cancelled label."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.label_preview import fit_zoom
from app.ui.main_window import MainWindow
from tests.unit.ui.support import open_window


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> Iterator[MainWindow]:
    with open_window(sandbox, label_profile, print_queue, tmp_path) as win:
        win.add_text("4200007777\nCANCEL-4200008888\nMISSING-4200009999")
        win.fetch()
        qtbot.waitUntil(lambda: not win.fetcher.running, timeout=20000)
        yield win


def rendered_text(window: MainWindow, qtbot: QtBot) -> str:
    found: list[str] = []
    window.preview.page.toPlainText(found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    return found[0]


def test_selecting_a_row_shows_its_rendered_label(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.preview.labelLoaded, timeout=10000) as loaded:
        window.table.selectRow(0)
    assert loaded.args == [True]
    assert window.preview.showing_label()
    row = window.model.row_at(0)
    text = rendered_text(window, qtbot)
    assert "4200007777" in text
    assert row.waybill_id in text.replace(" ", "")
    assert "收" in text  # the receiver block
    size = row.waybill.page_size if row.waybill else None
    assert size is not None
    view = window.preview.view
    assert view.zoomFactor() == pytest.approx(fit_zoom(size, view.size()))


def test_an_error_row_shows_what_to_do(window: MainWindow) -> None:
    window.table.selectRow(2)
    assert not window.preview.showing_label()
    text = window.preview.placeholder_text()
    hint = window.model.row_at(2).waybill.hint  # type: ignore[union-attr]
    assert "930563" in text and hint is not None and hint.en in text


def test_a_cancelled_row_is_shown_under_a_warning(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.preview.labelLoaded, timeout=10000):
        window.table.selectRow(1)
    assert "CANCELLED" in window.preview.banner_text()
    assert "4200008888" in rendered_text(window, qtbot)
    window.table.selectRow(0)
    assert window.preview.banner_text() == ""


def test_a_queued_row_says_it_is_not_fetched_yet(window: MainWindow) -> None:
    window.add_text("NEW1")
    window.table.selectRow(3)
    assert "Fetch" in window.preview.placeholder_text()
