"""Printing from the main window through the real print queue and a real QPrinter (PDF
output in a temporary folder): ready labels print, cancelled waybills never do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from tests.fixtures.qt import (
    pdf_pages,
    print_queue_idle,
    read_barcodes_from_pdf,
    wait_until_quiet,
)
from tests.unit.ui.support import open_window, row_states, sandbox_settings


@pytest.fixture
def pdf_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "labels"
    folder.mkdir()
    return folder


@pytest.fixture
def asked() -> list[str]:
    """The questions the window asked (each answered no)."""
    return []


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    pdf_dir: Path,
    asked: list[str],
) -> Iterator[MainWindow]:
    def ask(title: str, question: str) -> bool:
        asked.append(question)
        return False

    with open_window(sandbox, label_profile, print_queue, pdf_dir, ask=ask) as win:
        yield win


def fetched(window: MainWindow, qtbot: QtBot, text: str) -> MainWindow:
    window.add_text(text)
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=20000)
    return window


def wait_for_printing(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60000)


def select_rows(window: MainWindow, rows: list[int]) -> None:
    selection = window.table.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(
            window.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_print_all_never_prints_a_cancelled_waybill(
    window: MainWindow, qtbot: QtBot, pdf_dir: Path
) -> None:
    fetched(window, qtbot, "P1\nCANCEL-P2\nP3\nMISSING-P4")
    assert row_states(window)["CANCEL-P2"] == "cancelled"
    window.actions_.print_all.trigger()
    wait_for_printing(window, qtbot)
    assert row_states(window) == {
        "P1": "printed",
        "CANCEL-P2": "cancelled",
        "P3": "printed",
        "MISSING-P4": "error",
    }
    files = sorted(p.name for p in pdf_dir.iterdir())
    waybills = sorted(f"{window.model.row_at(r).waybill_id}.pdf" for r in (0, 2))
    assert files == waybills
    cancelled_id = window.model.row_at(1).waybill_id
    assert cancelled_id and not (pdf_dir / f"{cancelled_id}.pdf").exists()
    # Print all again: nothing left that is ready, nothing new on disk
    window.actions_.print_all.trigger()
    assert window.printer.pending == 0
    assert len(list(pdf_dir.iterdir())) == 2


def test_print_on_a_cancelled_row_explains_why_not(
    window: MainWindow, qtbot: QtBot, print_queue: PrintQueue, pdf_dir: Path
) -> None:
    fetched(window, qtbot, "CANCEL-Q1")
    select_rows(window, [0])
    window.actions_.print_selected.trigger()
    assert window.printer.pending == 0
    message = window.scan_bar.message_text()
    assert "CANCEL-Q1" in message and "cancelled" in message
    assert window.scan_bar.message.property("tone") == "error"
    wait_until_quiet(qtbot, lambda: window.printer.pending == 0 and print_queue_idle(print_queue))
    assert list(pdf_dir.iterdir()) == []
    assert window.model.row_at(0).state is RowState.CANCELLED


def test_print_writes_the_label_through_a_real_printer(
    window: MainWindow, qtbot: QtBot, pdf_dir: Path
) -> None:
    fetched(window, qtbot, "R1\nR2\nCANCEL-R3")
    select_rows(window, [1, 2])
    window.actions_.print_selected.trigger()
    assert window.model.row_at(1).state is RowState.PRINTING
    wait_for_printing(window, qtbot)
    assert row_states(window) == {"R1": "ready", "R2": "printed", "CANCEL-R3": "cancelled"}
    waybill_id = window.model.row_at(1).waybill_id
    pdf = pdf_dir / f"{waybill_id}.pdf"
    assert [p.name for p in pdf_dir.iterdir()] == [pdf.name]
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    size = window.model.row_at(1).waybill.page_size
    assert size is not None
    assert pages[0] == pytest.approx((size.width, size.height), abs=1.0)
    assert waybill_id in read_barcodes_from_pdf(pdf)
    assert str(pdf_dir) in window.model.row_at(1).message
    # a printed row prints again only when chosen on purpose
    select_rows(window, [1])
    window.actions_.print_selected.trigger()
    wait_for_printing(window, qtbot)
    assert len(list(pdf_dir.iterdir())) == 2


def test_no_printer_gives_a_clear_message(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    qtbot: QtBot,
) -> None:
    settings = sandbox_settings(sandbox, printer_name="NoSuchLabelPrinter")
    with open_window(sandbox, label_profile, print_queue, None, settings=settings) as window:
        fetched(window, qtbot, "N1")
        window.actions_.print_all.trigger()
        # decided on a fresh list of printers, asked in the background
        qtbot.waitUntil(lambda: "NoSuchLabelPrinter" in window.scan_bar.message_text())
        message = window.scan_bar.message_text()
        assert "NoSuchLabelPrinter" in message and "Settings" in message
        assert window.scan_bar.message.property("tone") == "error"
        assert window.printer.pending == 0
        assert window.model.row_at(0).state is RowState.READY


def test_print_on_scan_fetches_and_prints_each_scanned_order(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    pdf_dir: Path,
    qtbot: QtBot,
) -> None:
    settings = sandbox_settings(sandbox, scan_to_print=True)
    with open_window(sandbox, label_profile, print_queue, pdf_dir, settings=settings) as window:
        window.add_scan("S1")
        window.add_scan("CANCEL-S2")
        qtbot.waitUntil(lambda: row_states(window).get("S1") == "printed", timeout=30000)
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=20000)
        assert row_states(window)["CANCEL-S2"] == "cancelled"
        assert [p.name for p in pdf_dir.iterdir()] == [f"{window.model.row_at(0).waybill_id}.pdf"]


def test_print_is_disabled_on_an_empty_list(window: MainWindow, qtbot: QtBot) -> None:
    assert not window.actions_.print_selected.isEnabled()
    window.add_text("E1")
    assert window.actions_.print_selected.isEnabled()
    window.model.clear()
    assert not window.actions_.print_selected.isEnabled()


def test_all_labels_printed_only_when_no_ready_label_remains(
    window: MainWindow, qtbot: QtBot, pdf_dir: Path
) -> None:
    fetched(window, qtbot, "R1\nR2")
    select_rows(window, [0])
    window.actions_.print_selected.trigger()
    wait_for_printing(window, qtbot)
    message = window.scan_bar.message_text()
    assert "All labels printed" not in message
    assert "1 ready label(s) not printed yet" in message
    window.actions_.print_all.trigger()
    wait_for_printing(window, qtbot)
    last = window.printer.jobs.last_output
    assert last.endswith(".pdf") and Path(last).exists() and Path(last).parent == pdf_dir
    assert window.scan_bar.message_text() == f"All labels printed. Last file: {last}"


def test_clear_asks_first_and_no_keeps_the_list(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    window.add_text("C1\nC2")
    window.actions_.clear.trigger()
    assert window.model.rowCount() == 2
    assert asked and "2 order(s)" in asked[-1] and "2 of them are not printed" in asked[-1]


def test_printing_an_order_that_does_not_exist_gives_no_fetch_again_advice(
    window: MainWindow, qtbot: QtBot
) -> None:
    fetched(window, qtbot, "MISSING-X1")
    assert row_states(window)["MISSING-X1"] == "error"
    select_rows(window, [0])
    window.actions_.print_selected.trigger()
    message = window.scan_bar.message_text()
    assert "MISSING-X1" in message and "its message says what to do" in message
    assert "fetch it again" not in message
    assert "No such order" in window.model.row_at(0).message
