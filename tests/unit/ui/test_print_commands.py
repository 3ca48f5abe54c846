"""The window's printing commands: export of ready labels, preview of the selected one,
the printer picker and Cancel printing (on the sandbox, PDF output in a temp folder)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.atomic_file import write_atomically, write_new_file
from app.core.settings import Settings
from app.printing.export import merge_pdfs
from app.printing.queue import PrintQueue
from app.sandbox.carriers import CARRIERS
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from tests.fixtures.calls import calls_by_thread
from tests.fixtures.qt import pdf_pages, read_barcodes_from_pdf
from tests.unit.ui.support import open_window, row_states


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> Iterator[MainWindow]:
    saved: list[Settings] = []
    with open_window(
        sandbox, label_profile, print_queue, tmp_path / "printed", save_settings=saved.append
    ) as win:
        win.add_text("E1,SF\nE2,ZTO\nCANCEL-E3,SF\nE4,YTO")
        win.fetch()
        qtbot.waitUntil(lambda: not win.fetcher.running, timeout=20_000)
        yield win


def test_combined_export_has_every_ready_label_at_its_size(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    commands = window.print_commands
    labels = commands.labels_to_export()
    assert [label.name for label in labels] == [
        window.model.row_at(r).waybill_id for r in (0, 1, 3)
    ]  # never the cancelled one
    target = tmp_path / "all.pdf"
    with calls_by_thread(merge_pdfs, write_atomically) as calls:
        assert commands.export(labels, combined=target)
        qtbot.waitUntil(lambda: commands.last_export is not None, timeout=60_000)
    # merged and written in the background helper, never on the GUI thread
    assert [name for name, _thread in calls] == ["merge_pdfs", "write_atomically"]
    assert threading.main_thread().ident not in {thread for _name, thread in calls}
    assert commands.last_export is not None and commands.last_export.ok
    sizes = [CARRIERS[c].page_mm for c in ("SF", "ZTO", "YTO")]
    assert pdf_pages(target) == [pytest.approx(s, abs=1.0) for s in sizes]
    assert read_barcodes_from_pdf(target) == [label.name for label in labels]
    assert str(target) in window.scan_bar.message_text()
    assert set(row_states(window).values()) == {"ready", "cancelled"}  # exporting is no print


def test_export_of_the_selected_rows_one_file_each(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window.table.selectRow(1)
    labels = window.print_commands.labels_to_export()
    assert [label.name for label in labels] == [window.model.row_at(1).waybill_id]
    with calls_by_thread(write_new_file) as calls:
        assert window.print_commands.export(labels, folder=tmp_path / "each")
        qtbot.waitUntil(lambda: window.print_commands.last_export is not None, timeout=60_000)
    assert calls and threading.main_thread().ident not in {thread for _name, thread in calls}
    assert [p.name for p in (tmp_path / "each").iterdir()] == [f"{labels[0].name}.pdf"]


def test_preview_opens_for_the_selected_label_only(window: MainWindow) -> None:
    window.table.selectRow(2)  # cancelled
    assert window.print_commands.open_preview() is None
    assert "preview" in window.scan_bar.message_text()
    window.table.selectRow(0)
    dialog = window.print_commands.open_preview()
    assert dialog is not None and dialog.isVisible()
    assert window.model.row_at(0).waybill_id in dialog.windowTitle()
    dialog.reject()


def test_cancel_printing_is_offered_while_labels_wait(window: MainWindow, qtbot: QtBot) -> None:
    cancel = window.print_commands.cancel_printing
    assert not cancel.isEnabled()
    window.actions_.print_all.trigger()
    assert cancel.isEnabled()
    cancel.trigger()
    assert not cancel.isEnabled()
    assert "Cancelled 3 label(s)" in window.scan_bar.message_text()
    assert set(row_states(window).values()) == {"ready", "cancelled"}


def test_the_picker_choice_is_remembered(window: MainWindow, qtbot: QtBot) -> None:
    picker = window.print_commands.picker
    assert picker.names()[0] == "" and "printed" in picker.combo.itemText(0)
    window.print_commands.choose_printer("NoSuchLabelPrinter")
    assert window.settings.printer_name == "NoSuchLabelPrinter"
    assert window.services.save_settings is not None
    window.table.selectRow(0)
    window.actions_.print_selected.trigger()
    # decided on a fresh list of printers, asked in the background
    qtbot.waitUntil(lambda: "is not available" in window.scan_bar.message_text(), timeout=5000)
    assert "NoSuchLabelPrinter" in window.scan_bar.message_text()  # no fall-back to PDF
    assert window.printer.pending == 0
