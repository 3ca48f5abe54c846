"""The window on a real ledger file: nothing lost, nothing printed twice.

A label printed on the label printer (the cups-pdf queue) is on the ledger as spooled; the
same waybill fetched again — even in a later run — is only printed after the packer says
yes, and then as a reprint. A run that ended mid-work comes back: orders to fetch as
queued rows, fetched labels as ready rows (from the stored label), prints of unknown
outcome listed for the packer and never printed by themselves. With the sandbox stopped, a
label from the history still prints, as a reprint, from the stored label.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import HistoryFilter, OrderState, PrintOutcome
from app.core.model import OrderRef
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.placement import first_ink_mm
from tests.fixtures.qt import pdf_pages, print_queue_idle, wait_until_quiet
from tests.integration.cups_support import (
    fresh_order_id,
    own_pdfs,
    wait_for_own_pdfs,
    wait_until_cups_settled,
    window_settled,
)
from tests.unit.ui.ledger_support import history_row, ledger_window, prints_of, stored_label
from tests.unit.ui.support import row_states, sandbox_settings

BATCHGET = "/cgi-bin/express/business/order/batchget"


class Asker:
    def __init__(self, answer: bool = False) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, title: str, question: str) -> bool:
        self.questions.append(question)
        return self.answer


def fetch_and_wait(window: MainWindow, qtbot: QtBot, text: str) -> None:
    window.add_text(text)
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)


def print_all_and_wait(window: MainWindow, qtbot: QtBot) -> None:
    # as a packer would: once the button is enabled (the counts follow the rows shortly)
    qtbot.waitUntil(window.actions_.print_all.isEnabled, timeout=10_000)
    window.actions_.print_all.trigger()
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)


@pytest.mark.cups
def test_printed_label_is_on_record_and_printing_again_asks_first(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    path = tmp_path / "ledger.sqlite3"
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    order = fresh_order_id()
    asker = Asker()
    before = cups_pdf_queue.snapshot()
    with ledger_window(
        sandbox, label_profile, print_queue, None, path, settings=settings, ask=asker
    ) as (window, features):
        fetch_and_wait(window, qtbot, order)
        ledger = features.session.ledger
        assert history_row(ledger, order).state is OrderState.FETCHED  # stored on arrival
        print_all_and_wait(window, qtbot)
        waybill_id = window.model.row_at(0).waybill_id
        (first,) = prints_of(ledger, order)
        assert (first.outcome, first.is_reprint, first.printer) == (
            PrintOutcome.SPOOLED,
            False,
            cups_pdf_queue.name,
        )
        assert history_row(ledger, order).state is OrderState.PRINTED
        # again in this run, without reprint: asked; "no" prints nothing
        waybill = window.model.row_at(0).waybill
        assert waybill is not None
        result = window.printer.print_waybills([waybill], reprint=False, source="selected")
        qtbot.waitUntil(lambda: result.finished, timeout=10_000)  # claimed off the GUI thread
        assert len(asker.questions) == 1 and waybill_id in asker.questions[0]
        assert result.submitted == 0 and result.declined == 1
        assert window.printer.pending == 0
        assert len(prints_of(ledger, order)) == 1
    wait_for_own_pdfs(cups_pdf_queue, before, [waybill_id], 1)

    # A later run fetches the same order again (a new ledger order): still asked.
    after_first = cups_pdf_queue.snapshot()
    with ledger_window(
        sandbox, label_profile, print_queue, None, path, settings=settings, ask=asker
    ) as (window, features):
        fetch_and_wait(window, qtbot, order)
        assert window.model.row_at(0).state is RowState.READY
        print_all_and_wait(window, qtbot)
        assert len(asker.questions) == 2 and waybill_id in asker.questions[1]
        assert row_states(window) == {order: "ready"}
        window_settled(qtbot, window, print_queue, cups_pdf_queue, after_first)
        assert own_pdfs(cups_pdf_queue, after_first, [waybill_id]) == []
        asker.answer = True
        print_all_and_wait(window, qtbot)
        assert len(asker.questions) == 3
        assert row_states(window) == {order: "printed"}
        ledger = features.session.ledger
        attempts = [
            a
            for r in ledger.search(HistoryFilter(order_id=order))
            for a in ledger.attempts(r.order_row_id)
        ]
        assert sorted((a.is_reprint, a.outcome) for a in attempts) == [
            (False, PrintOutcome.SPOOLED),
            (True, PrintOutcome.SPOOLED),
        ]
    assert len(wait_for_own_pdfs(cups_pdf_queue, after_first, [waybill_id], 1)) == 1
    wait_until_cups_settled(qtbot, cups_pdf_queue, before, lambda: print_queue_idle(print_queue))
    assert len(own_pdfs(cups_pdf_queue, before, [waybill_id])) == 2  # and no third


def test_scan_to_print_of_a_label_printed_in_an_earlier_run_asks_first(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    path, pdf_dir = tmp_path / "ledger.sqlite3", tmp_path / "pdf"
    settings = sandbox_settings(sandbox, scan_to_print=True)
    asker = Asker()
    with ledger_window(
        sandbox, label_profile, print_queue, pdf_dir, path, settings=settings, ask=asker
    ) as (window, _features):
        qtbot.keyClicks(window.scan_bar.field, "S1")
        qtbot.keyClick(window.scan_bar.field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: row_states(window).get("S1") == "printed", timeout=30_000)
        assert asker.questions == []
    assert len(list(pdf_dir.iterdir())) == 1
    with ledger_window(
        sandbox, label_profile, print_queue, pdf_dir, path, settings=settings, ask=asker
    ) as (window, features):
        qtbot.keyClicks(window.scan_bar.field, "S1")
        qtbot.keyClick(window.scan_bar.field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(asker.questions) == 1, timeout=30_000)
        assert window.printer.pending == 0
        assert row_states(window) == {"S1": "ready"}
        rows = features.session.ledger.search(HistoryFilter(order_id="S1"))
        assert len(rows) == 2  # fetched again in this run: a second ledger order
        assert sum(r.attempts for r in rows) == 1
    assert len(list(pdf_dir.iterdir())) == 1


def unfinished_run(path: Path) -> dict[str, int]:
    """A ledger left by a run that died: Q queued, F fetched, U printing (no answer)."""
    ledger = Ledger(path)
    ids = ledger.record_queued([OrderRef(o, "SF") for o in ("Q1", "F1", "U1", "P1")])
    rows = dict(zip(("Q1", "F1", "U1", "P1"), ids, strict=True))
    ledger.record_fetch_started([rows["F1"], rows["U1"], rows["P1"]])
    ledger.record_fetch_result(rows["F1"], stored_label("F1", "SF0000000000011"))
    ledger.record_fetch_result(rows["U1"], stored_label("U1", "SF0000000000012"))
    ledger.record_fetch_result(rows["P1"], stored_label("P1", "SF0000000000013"))
    rows["U1.print"] = ledger.begin_print(
        rows["U1"], waybill_id="SF0000000000012", printer="Label1", copies=1
    )
    done = ledger.begin_print(rows["P1"], waybill_id="SF0000000000013", printer="Label1", copies=1)
    ledger.finish_print(done, ok=True)
    # no close(): the program died
    return rows


def test_unfinished_work_comes_back_and_unknown_prints_are_never_printed(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    path, pdf_dir = tmp_path / "ledger.sqlite3", tmp_path / "pdf"
    rows = unfinished_run(path)
    submitted: list[int] = []
    print_queue.jobStarted.connect(submitted.append)
    with ledger_window(
        sandbox, label_profile, print_queue, pdf_dir, path, earlier_runs_died=True
    ) as (window, features):
        assert row_states(window) == {"Q1": "queued", "F1": "ready"}
        f1 = window.model.row_at(1).waybill
        assert f1 is not None and f1.waybill_id == "SF0000000000011" and f1.printable
        assert f1.html == stored_label("F1", "SF0000000000011").html
        message = window.scan_bar.message_text()
        assert "1 order" in message and "1 label" in message and "unknown" in message
        dialog = features.recovery_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        assert [p.id for p in dialog.prints] == [rows["U1.print"]]
        assert dialog.table.item(0, 0).text() == "SF0000000000012"
        wait_until_quiet(
            qtbot,
            lambda: (
                not window.fetcher.running
                and window.printer.pending == 0
                and print_queue_idle(print_queue)
            ),
        )
        assert submitted == [] and window.printer.pending == 0
        assert sandbox.stats.calls(BATCHGET) == 0
        # the packer checked: it came out
        with qtbot.waitSignal(dialog.confirmed, timeout=10_000) as confirmed:
            dialog.printed_button.click()
        assert confirmed.args == [rows["U1.print"], True]
        ledger = features.session.ledger
        assert prints_of(ledger, "U1")[0].outcome is PrintOutcome.CONFIRMED_PRINTED
        assert not dialog.answer(0, False)  # answered once
        # the stored label prints offline; the queued order fetches
        print_all_and_wait(window, qtbot)
        assert row_states(window)["F1"] == "printed", window.model.row_at(1).message
        assert [p.name for p in pdf_dir.iterdir()] == ["SF0000000000011.pdf"]
        window.fetch()
        qtbot.waitUntil(lambda: row_states(window)["Q1"] == "ready", timeout=30_000)
        assert "U1" not in row_states(window)
        assert window.printer.pending == 0 and len(submitted) == 1


@pytest.mark.cups
def test_history_reprints_a_stored_label_with_the_sandbox_stopped(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    path = tmp_path / "ledger.sqlite3"
    order = fresh_order_id()
    waybill_id = f"SF{order[-13:]}"
    with Ledger(path) as ledger:  # printed by an earlier run
        (row,) = ledger.record_queued([OrderRef(order, "SF")])
        ledger.record_fetch_result(row, stored_label(order, waybill_id))
        first = ledger.begin_print(row, waybill_id=waybill_id, printer="Label1", copies=1)
        ledger.finish_print(first, ok=True)
    sandbox.stop()
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    before = cups_pdf_queue.snapshot()
    with ledger_window(sandbox, label_profile, print_queue, None, path, settings=settings) as (
        window,
        features,
    ):
        history = features.open_history()
        history.order_edit.setText(order)
        with qtbot.waitSignal(history.searched, timeout=10_000):
            history.search()
        assert [r.order_id for r in history.rows] == [order]
        history.select(0)
        qtbot.waitUntil(lambda: len(history.attempts) == 1, timeout=10_000)
        assert history.reprint_selected()
        qtbot.waitUntil(
            lambda: history.last_print is not None and history.last_print.finished,
            timeout=10_000,
        )
        assert history.last_print is not None and history.last_print.submitted == 1
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
        attempts = features.session.ledger.attempts(row)
        assert [(a.is_reprint, a.outcome, a.printer) for a in attempts] == [
            (False, PrintOutcome.SPOOLED, "Label1"),
            (True, PrintOutcome.SPOOLED, cups_pdf_queue.name),
        ]
        # and the history shows it
        history.show_attempts()
        qtbot.waitUntil(lambda: len(history.attempts) == 2, timeout=10_000)
    (pdf,) = wait_for_own_pdfs(cups_pdf_queue, before, [waybill_id], 1)
    # the stored label printed again: its page, with its text on it (first_ink_mm raises
    # on a blank page; cups-pdf keeps no text layer to read the words back from)
    assert pdf_pages(pdf) == [pytest.approx((100, 150), abs=1.0)]
    first_ink_mm(pdf)
