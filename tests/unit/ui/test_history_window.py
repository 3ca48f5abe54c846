"""The History window on a real ledger file: search by order, waybill, carrier and dates,
every attempt shown, reprint and PDF export from the stored label, CSV for audits, and
the retention setting applied at start."""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.atomic_file import write_new_file
from app.core.ledger import Ledger
from app.core.ledger_records import HistoryFilter, HistoryRow
from app.core.model import OrderRef
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.history_window import PAGE, HistoryWindow
from app.ui.ledger_session import LedgerFeatures
from app.ui.main_window import MainWindow
from tests.fixtures.calls import calls_by_thread
from tests.fixtures.qt import pdf_pages
from tests.unit.ui.ledger_support import ledger_window, stored_label

DAY = 86400.0


def fill(path: Path) -> None:
    """A1 (SF) failed once then printed, B2 (ZTO) and C3 (SF, ten days old) closed."""
    now = time.time()
    clock = [now - 10 * DAY]
    with Ledger(path, clock=lambda: clock[0]) as ledger:
        (c3,) = ledger.record_queued([OrderRef("C3", "SF")])
        ledger.record_fetch_result(c3, stored_label("C3", "SF0000000000003"))
        ledger.mark_done(c3)
        clock[0] = now
        a1, b2 = ledger.record_queued([OrderRef("A1", "SF"), OrderRef("B2", "ZTO")])
        ledger.record_fetch_result(a1, stored_label("A1", "SF0000000000001"))
        ledger.record_fetch_result(b2, stored_label("B2", "700000000002", "ZTO"))
        ledger.mark_done(b2)
        failed = ledger.begin_print(a1, waybill_id="SF0000000000001", printer="P", copies=1)
        ledger.finish_print(failed, ok=False, message="paper out")
        done = ledger.begin_print(a1, waybill_id="SF0000000000001", printer="P", copies=1)
        ledger.finish_print(done, ok=True)


@pytest.fixture
def opened(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[tuple[MainWindow, LedgerFeatures]]:
    path = tmp_path / "ledger.sqlite3"
    fill(path)
    with ledger_window(sandbox, label_profile, print_queue, tmp_path / "pdf", path) as opened:
        yield opened


def search(history: HistoryWindow, qtbot: QtBot, **fields: str) -> list[str]:
    qtbot.waitUntil(history.search_button.isEnabled, timeout=10_000)  # the opening search
    history.order_edit.setText(fields.get("order", ""))
    history.waybill_edit.setText(fields.get("waybill", ""))
    history.carrier_edit.setText(fields.get("carrier", ""))
    with qtbot.waitSignal(history.searched, timeout=10_000):
        history.search_button.click()
    return [row.order_id for row in history.rows]


def test_search_by_each_field_and_by_dates(
    opened: tuple[MainWindow, LedgerFeatures], qtbot: QtBot
) -> None:
    _window, features = opened
    assert features.history_action.shortcut().toString() == "Ctrl+H"
    features.history_action.trigger()
    history = features.history
    assert history is not None and history.isVisible()
    qtbot.waitUntil(lambda: len(history.rows) == 3, timeout=10_000)  # opens with everything
    assert search(history, qtbot, order="A1") == ["A1"]
    assert search(history, qtbot, waybill="7000000") == ["B2"]
    assert sorted(search(history, qtbot, carrier="SF")) == ["A1", "C3"]
    history.use_dates.setChecked(True)
    history.date_from.setDate(QDate.currentDate().addDays(-2))
    history.date_to.setDate(QDate.currentDate())
    assert sorted(search(history, qtbot, carrier="SF")) == ["A1"]
    history.date_from.setDate(QDate.currentDate().addDays(-11))
    history.date_to.setDate(QDate.currentDate().addDays(-9))
    assert search(history, qtbot) == ["C3"]
    assert history.table.item(0, 1).text() == "C3"


def test_every_attempt_is_shown(opened: tuple[MainWindow, LedgerFeatures], qtbot: QtBot) -> None:
    _window, features = opened
    history = features.open_history()
    search(history, qtbot, order="A1")
    qtbot.waitUntil(lambda: len(history.attempts) == 2, timeout=10_000)
    outcomes = [history.attempts_table.item(n, 3).text() for n in range(2)]
    assert outcomes == ["failed", "accepted by the printer"]
    assert history.attempts_table.item(0, 6).text() == "paper out"


def test_reprint_and_pdf_export_use_the_stored_label(
    opened: tuple[MainWindow, LedgerFeatures], qtbot: QtBot, tmp_path: Path
) -> None:
    window, features = opened
    history = features.open_history()
    search(history, qtbot, order="A1")
    with (
        calls_by_thread(write_new_file) as calls,
        qtbot.waitSignal(history.exported, timeout=30_000) as exported,
    ):
        assert history.export_pdf(tmp_path / "export")
    assert calls and threading.main_thread().ident not in {thread for _name, thread in calls}
    (file,) = exported.args[0].files
    assert file.name == "SF0000000000001.pdf" and pdf_pages(file) == [
        pytest.approx((100, 150), abs=1.0)
    ]
    assert history.reprint_selected()
    qtbot.waitUntil(lambda: history.last_print is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=30_000)
    assert (tmp_path / "pdf" / "SF0000000000001.pdf").is_file()
    ledger = features.session.ledger
    (row,) = ledger.search(HistoryFilter(order_id="A1"))
    attempts = ledger.attempts(row.order_row_id)
    assert len(attempts) == 3 and attempts[-1].target == "pdf" and attempts[-1].succeeded
    assert window.model.rowCount() == 0  # the queue is left alone


def test_history_exports_as_csv(
    opened: tuple[MainWindow, LedgerFeatures], qtbot: QtBot, tmp_path: Path
) -> None:
    _window, features = opened
    history = features.open_history()
    search(history, qtbot, carrier="SF")
    target = tmp_path / "history.csv"
    history.export_csv(target)
    qtbot.waitUntil(lambda: "written" in history.status.text(), timeout=10_000)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    body = "\n".join(",".join(line) for line in lines[1:])
    assert len(lines) == 3 and "A1" in body and "C3" in body and "B2" not in body


def test_retention_prunes_old_orders_at_start(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> None:
    path = tmp_path / "ledger.sqlite3"
    fill(path)
    with ledger_window(sandbox, label_profile, print_queue, None, path, retention_days=5) as (
        _window,
        features,
    ):
        assert features.session.pruned == 1
        assert sorted(r.order_id for r in features.session.ledger.search()) == ["A1", "B2"]


def test_large_results_show_the_true_count_and_page_through(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    path = tmp_path / "ledger.sqlite3"
    total = 5_000
    with Ledger(path) as ledger:
        refs = [OrderRef(f"P{n:04d}", "SF", f"SF{n:013d}") for n in range(total)]
        ledger.record_queued(refs)
    with ledger_window(sandbox, label_profile, print_queue, tmp_path / "pdf", path) as opened:
        _window, features = opened
        features.history_action.trigger()
        history = features.history
        assert history is not None
        qtbot.waitUntil(lambda: len(history.rows) == PAGE, timeout=20_000)
        assert history.total == total
        assert history.status.text().startswith("5,000 orders found; showing 1–500 (page 1 of 10)")
        assert history.next_button.isEnabled() and not history.previous_button.isEnabled()
        assert history.table.item(0, 4).text() == "queued"  # the state, as a packer reads it
        newest = history.rows[0].order_id
        assert newest == "P4999"
        with qtbot.waitSignal(history.searched, timeout=20_000):
            history.next_button.click()
        assert history.page == 1 and len(history.rows) == PAGE
        assert history.rows[0].order_id == "P4499"  # the next 500, newest first
        assert "showing 501–1,000 (page 2 of 10)" in history.status.text()
        assert history.previous_button.isEnabled()
        with qtbot.waitSignal(history.searched, timeout=20_000):
            history.show_page(9)
        assert [r.order_id for r in history.rows][-1] == "P0000"
        assert not history.next_button.isEnabled()
        with qtbot.waitSignal(history.searched, timeout=20_000):
            history.previous_button.click()
        assert history.page == 8
        # time and waybill: never cut off
        metrics = history.table.fontMetrics()
        for column in (0, 3):
            text = history.table.item(0, column).text()
            assert history.table.columnWidth(column) >= metrics.horizontalAdvance(text), column
        with qtbot.waitSignal(history.searched, timeout=20_000):
            history.order_edit.setText("P000")
            history.search_button.click()
        assert history.total == 10 and history.status.text() == "10 orders found."
        assert not history.next_button.isEnabled()


def test_the_count_and_pages_are_read_off_the_gui_thread(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.record_queued([OrderRef(f"T{n}", "SF") for n in range(3)])
    with ledger_window(sandbox, label_profile, print_queue, tmp_path / "pdf", path) as opened:
        _window, features = opened
        ledger = features.session.ledger
        threads: list[str] = []
        count, search_page = ledger.count, ledger.search

        def count_spy(*args: object, **kwargs: object) -> int:
            threads.append(threading.current_thread().name)
            return count(*args, **kwargs)  # type: ignore[arg-type]

        def search_spy(*args: object, **kwargs: object) -> list[HistoryRow]:
            threads.append(threading.current_thread().name)
            return search_page(*args, **kwargs)  # type: ignore[arg-type]

        ledger.count = count_spy  # type: ignore[method-assign]
        ledger.search = search_spy  # type: ignore[method-assign]
        history = features.open_history()
        qtbot.waitUntil(lambda: history.total == 3, timeout=20_000)
        assert history.status.text() == "3 orders found."
        assert len(threads) >= 2
        assert threading.main_thread().name not in threads, threads
