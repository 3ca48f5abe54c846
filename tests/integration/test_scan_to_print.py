"""Print on scan, on the real print system: one scan, one label; scanning an order that
was printed already asks first, and prints again (as a reprint) only on yes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.settings import Settings
from app.printing.guard import SessionPrintGuard
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import read_barcodes_from_pdf
from tests.integration.cups_support import (
    fresh_order_id,
    own_pdfs,
    wait_for_own_pdfs,
    window_settled,
)
from tests.unit.ui.support import open_window, row_states, sandbox_settings

pytestmark = pytest.mark.cups


class Asker:
    def __init__(self) -> None:
        self.answer = False
        self.questions: list[str] = []

    def __call__(self, title: str, question: str) -> bool:
        self.questions.append(question)
        return self.answer


@pytest.fixture
def asker() -> Asker:
    return Asker()


@pytest.fixture
def saved() -> list[Settings]:
    return []


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    asker: Asker,
    saved: list[Settings],
) -> Iterator[MainWindow]:
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    with open_window(
        sandbox,
        label_profile,
        print_queue,
        None,
        settings=settings,
        ask=asker,
        save_settings=saved.append,
    ) as win:
        yield win


def scan(window: MainWindow, qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(window.scan_bar.field, text)
    qtbot.keyClick(window.scan_bar.field, Qt.Key.Key_Return)


def test_one_scan_one_label_and_a_repeat_asks_first(
    window: MainWindow,
    qtbot: QtBot,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    asker: Asker,
    saved: list[Settings],
) -> None:
    toggle = window.print_commands.scan_to_print
    assert not toggle.isChecked()
    toggle.trigger()
    assert window.settings.scan_to_print and saved[-1].scan_to_print  # remembered

    order = fresh_order_id()
    before = cups_pdf_queue.snapshot()
    scan(window, qtbot, order)
    qtbot.waitUntil(lambda: row_states(window).get(order) == "printed", timeout=30_000)
    waybill_id = window.model.row_at(0).waybill_id
    outputs = wait_for_own_pdfs(cups_pdf_queue, before, [waybill_id], 1)
    assert [read_barcodes_from_pdf(pdf) for pdf in outputs] == [[waybill_id]]
    assert asker.questions == []

    # the same scan again: asked; "no" prints nothing
    after_first = cups_pdf_queue.snapshot()
    scan(window, qtbot, order)
    assert len(asker.questions) == 1 and waybill_id in asker.questions[0]
    assert window.printer.pending == 0
    window_settled(qtbot, window, print_queue, cups_pdf_queue, after_first)
    assert own_pdfs(cups_pdf_queue, after_first, [waybill_id]) == []
    assert window.model.rowCount() == 1

    # "yes": exactly one more job, recorded as a reprint
    asker.answer = True
    scan(window, qtbot, order)
    assert len(asker.questions) == 2
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=30_000)
    again = wait_for_own_pdfs(cups_pdf_queue, after_first, [waybill_id], 1)
    assert len(again) == 1
    assert [read_barcodes_from_pdf(pdf) for pdf in again] == [[waybill_id]]
    guard = window.printer.guard
    assert isinstance(guard, SessionPrintGuard)
    assert [(p.waybill_id, p.reprint, p.source, p.ok) for p in guard.prints] == [
        (waybill_id, False, "scan", True),
        (waybill_id, True, "scan", True),
    ]
    window_settled(qtbot, window, print_queue, cups_pdf_queue, before)
    assert len(own_pdfs(cups_pdf_queue, before, [waybill_id])) == 2  # and no third


def test_scans_during_a_fetch_each_print_once(
    window: MainWindow, qtbot: QtBot, print_queue: PrintQueue, cups_pdf_queue: CupsPdfQueue
) -> None:
    window.print_commands.scan_to_print.setChecked(True)
    before = cups_pdf_queue.snapshot()
    for _ in range(3):
        scan(window, qtbot, fresh_order_id())
    qtbot.waitUntil(
        lambda: set(row_states(window).values()) == {"printed"} and window.printer.pending == 0,
        timeout=60_000,
    )
    ids = [row.waybill_id for row in window.model.rows()]
    outputs = wait_for_own_pdfs(cups_pdf_queue, before, ids, 3)
    window_settled(qtbot, window, print_queue, cups_pdf_queue, before)
    assert len(own_pdfs(cups_pdf_queue, before, ids)) == 3  # one scan, one label
    printed = sorted(code for pdf in outputs for code in read_barcodes_from_pdf(pdf))
    assert printed == sorted(ids)
