"""The window printing on the real print system: PrintController → PrintQueue → CUPS →
cups-pdf. Each label comes out at its own size with a barcode that scans back to its
waybill id; a printer that does not exist leaves no trace anywhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.settings import Settings
from app.printing.guard import SessionPrintGuard
from app.printing.queue import PrintQueue
from app.sandbox.carriers import CARRIERS
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import pdf_pages, read_barcodes_from_pdf
from tests.integration.cups_support import (
    fresh_order_id,
    other_pdfs,
    own_pdfs,
    wait_for_own_pdfs,
    window_settled,
)
from tests.unit.ui.support import open_window, row_states, sandbox_settings

pytestmark = pytest.mark.cups

CARRIER_ORDER = ("SF", "ZTO", "YTO")  # 100 × 150, 76 × 130, 100 × 180 mm


def orders() -> str:
    return "\n".join(f"{fresh_order_id()},{carrier}" for carrier in CARRIER_ORDER)


def never_ask(title: str, question: str) -> bool:
    raise AssertionError(f"unexpected question: {question}")


@pytest.fixture
def saved() -> list[Settings]:
    return []


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    saved: list[Settings],
    request: pytest.FixtureRequest,
) -> Iterator[MainWindow]:
    printer = getattr(request, "param", "")
    settings = sandbox_settings(sandbox, printer_name=printer)
    with open_window(
        sandbox,
        label_profile,
        print_queue,
        None,
        settings=settings,
        save_settings=saved.append,
        ask=never_ask,
    ) as win:
        yield win


def fetch(window: MainWindow, qtbot: QtBot, text: str) -> list[str]:
    """Fetch the orders; returns their waybill ids."""
    window.add_text(text)
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=20_000)
    assert set(row_states(window).values()) == {"ready"}
    return [row.waybill_id for row in window.model.rows()]


def choose_printer(window: MainWindow, qtbot: QtBot, name: str) -> None:
    picker = window.print_commands.picker
    picker.refresh()  # the list comes back from the background helper
    qtbot.waitUntil(lambda: picker.combo.findData(name) > 0, timeout=10_000)
    picker.combo.activated.emit(picker.combo.findData(name))


def test_the_window_prints_three_sizes_through_cups(
    window: MainWindow, qtbot: QtBot, cups_pdf_queue: CupsPdfQueue, saved: list[Settings]
) -> None:
    choose_printer(window, qtbot, cups_pdf_queue.name)
    assert window.settings.printer_name == cups_pdf_queue.name
    assert [s.printer_name for s in saved] == [cups_pdf_queue.name]  # remembered
    ids = fetch(window, qtbot, orders())
    before = cups_pdf_queue.snapshot()
    window.actions_.print_all.trigger()
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
    assert set(row_states(window).values()) == {"printed"}

    outputs = wait_for_own_pdfs(cups_pdf_queue, before, ids, 3)
    assert len(outputs) == 3
    for row, pdf in zip(window.model.rows(), outputs, strict=True):
        assert pdf.name.startswith(row.waybill_id)  # the job title reached CUPS
        width, height = CARRIERS[row.ref.delivery_id].page_mm
        assert pdf_pages(pdf) == [pytest.approx((width, height), abs=1.0)]
        assert read_barcodes_from_pdf(pdf) == [row.waybill_id]
        assert cups_pdf_queue.name in row.message
    guard = window.printer.guard
    assert isinstance(guard, SessionPrintGuard)
    assert [(p.target, p.ok) for p in guard.prints] == [("printer", True)] * 3


@pytest.mark.parametrize("window", ["NoSuchLabelPrinter"], indirect=True)
def test_a_printer_that_does_not_exist_prints_nothing_anywhere(
    window: MainWindow, qtbot: QtBot, print_queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    ids = fetch(window, qtbot, orders())
    before = cups_pdf_queue.snapshot()
    window.table.selectRow(0)
    window.actions_.print_selected.trigger()
    # decided on a fresh list of printers, asked in the background
    qtbot.waitUntil(lambda: "NoSuchLabelPrinter" in window.scan_bar.message_text())
    message = window.scan_bar.message_text()
    assert "NoSuchLabelPrinter" in message and cups_pdf_queue.name in message
    assert window.scan_bar.message.property("tone") == "error"
    qtbot.waitUntil(window.actions_.print_all.isEnabled)  # (a disabled action does nothing)
    window.scan_bar.show_message("")
    window.actions_.print_all.trigger()
    # decided on a fresh list of printers, asked in the background
    qtbot.waitUntil(lambda: "NoSuchLabelPrinter" in window.scan_bar.message_text())
    message = window.scan_bar.message_text()
    assert "NoSuchLabelPrinter" in message and cups_pdf_queue.name in message
    assert window.printer.pending == 0
    window_settled(qtbot, window, print_queue, cups_pdf_queue, before)
    assert set(row_states(window).values()) == {"ready"}  # nothing marked printed
    assert window.printer.guard.prints == []  # type: ignore[attr-defined]
    # (the queue is shared with other test runs: look for these labels, not any job)
    assert own_pdfs(cups_pdf_queue, before, ids) == []
    assert other_pdfs(ids) == set()


@pytest.mark.parametrize("window", ["LabelPDF"], indirect=True)
def test_two_prints_started_back_to_back_both_come_out(
    window: MainWindow, qtbot: QtBot, cups_pdf_queue: CupsPdfQueue
) -> None:
    assert window.settings.printer_name == cups_pdf_queue.name
    ids = fetch(window, qtbot, orders())
    before = cups_pdf_queue.snapshot()
    for row in (0, 2):
        window.table.selectRow(row)
        window.actions_.print_selected.trigger()
    assert window.printer.pending == 2
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
    assert list(row_states(window).values()) == ["printed", "ready", "printed"]
    outputs = wait_for_own_pdfs(cups_pdf_queue, before, ids, 2)
    assert [read_barcodes_from_pdf(pdf) for pdf in outputs] == [[ids[0]], [ids[2]]]
    assert window.model.row_at(1).state is RowState.READY
