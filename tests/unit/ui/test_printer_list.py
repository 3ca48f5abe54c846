"""The window's printer list: one question to CUPS at a time, asked in the background
helper; a tick of its timer while a question is out asks nothing more."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.printing.printers import PrinterNames
from app.ui.background import BackgroundRunner
from app.ui.printer_list import PrinterList
from tests.fixtures.qt import dispose
from tests.unit.ui.test_printer_lookup import Lookup

NAMES = PrinterNames(("LabelPDF", "OfficeLaser"), "LabelPDF")


def test_a_timer_tick_while_a_question_is_out_asks_only_once(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lookup = Lookup(NAMES)
    printers = PrinterList(runner, lookup, interval_ms=3_600_000)
    try:
        printers.start()
        qtbot.waitUntil(lambda: len(lookup.threads) == 1, timeout=5000)
        printers._timer.timeout.emit()  # the timer fires while the question is out
        printers._timer.timeout.emit()
        lookup.release.set()
        qtbot.waitUntil(lambda: printers.snapshot == NAMES, timeout=5000)
        # a question asked again would have gone out as the answer was delivered: it
        # would still be out, or have called the lookup a second time
        assert runner.active_count == 0 and len(lookup.threads) == 1
        assert threading.main_thread() not in lookup.threads
    finally:
        lookup.release.set()
        printers.stop()
        dispose(printers)


def test_a_request_for_a_fresh_answer_while_one_is_out_asks_again_after_it(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lookup = Lookup(NAMES)
    printers = PrinterList(runner, lookup, interval_ms=3_600_000)
    called: list[int] = []
    try:
        printers.refresh()
        qtbot.waitUntil(lambda: len(lookup.threads) == 1, timeout=5000)
        printers.after_refresh(lambda: called.append(len(lookup.threads)))
        lookup.release.set()
        qtbot.waitUntil(lambda: called != [], timeout=5000)
        assert called == [2]  # answered by a question asked after the request
        assert threading.main_thread() not in lookup.threads
    finally:
        lookup.release.set()
        dispose(printers)


def test_changed_tells_each_new_snapshot_once(runner: BackgroundRunner, qtbot: QtBot) -> None:
    lookup = Lookup(NAMES)
    lookup.release.set()
    printers = PrinterList(runner, lookup, interval_ms=3_600_000)
    seen: list[PrinterNames] = []
    printers.changed.connect(seen.append)
    try:
        printers.refresh()
        qtbot.waitUntil(lambda: printers.snapshot == NAMES, timeout=5000)
        assert printers.names == ["LabelPDF", "OfficeLaser"]
        printers.after_refresh(lambda: seen.append(PrinterNames((), None)))
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
        assert seen == [NAMES, PrinterNames((), None)]  # the same list again: not told
        lookup.names = PrinterNames(("LabelPDF",), None)
        printers.refresh()
        qtbot.waitUntil(lambda: len(seen) == 3, timeout=5000)
        assert seen[-1] == lookup.names and not printers.asking
    finally:
        dispose(printers)
