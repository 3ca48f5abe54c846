"""The printer picker: filled from the window's list of printers, taken in the background
(never asking the print system on the GUI thread); the configured printer is chosen from
the start; Refresh asks again; a missing printer stays visible."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.printing.printers import PrinterDescription, PrinterNames
from app.ui.background import BackgroundRunner
from app.ui.print_setup import PrinterPicker
from app.ui.printer_list import PrinterList
from tests.unit.ui.test_printer_lookup import Lookup


def printer(name: str, *, default: bool = False) -> PrinterDescription:
    return PrinterDescription(name, default, f"{name} label printer", "", "", False)


def names(*printers: PrinterDescription) -> PrinterNames:
    default = next((p.name for p in printers if p.is_default), None)
    return PrinterNames(tuple(p.name for p in printers), default, printers)


def picker_on(runner: BackgroundRunner, lookup: Lookup, qtbot: QtBot, **kw: str) -> PrinterPicker:
    printers = PrinterList(runner, lookup, interval_ms=3_600_000)
    picker = PrinterPicker(printers, **kw)
    printers.setParent(picker)
    qtbot.addWidget(picker)
    return picker


def gui_thread_runs(qtbot: QtBot) -> None:
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: fired == [True], timeout=5000)


def test_the_configured_printer_is_chosen_before_the_list_arrives(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lookup = Lookup(names(printer("Zebra", default=True), printer("LabelPDF")))
    picker = picker_on(runner, lookup, qtbot)
    try:
        picker.set_current("LabelPDF")
        picker._printers.start()  # as the window does
        qtbot.waitUntil(lambda: len(lookup.threads) == 1, timeout=5000)
        gui_thread_runs(qtbot)  # the picker waits for CUPS on the event loop
        assert picker.names() == ["", "LabelPDF"]
        assert picker.combo.currentData() == "LabelPDF"
        assert picker.combo.currentText() == "LabelPDF"  # not called missing: not known
        lookup.release.set()
        qtbot.waitUntil(lambda: picker.names() == ["", "Zebra", "LabelPDF"], timeout=5000)
        assert picker.combo.currentData() == "LabelPDF"
        assert "Zebra" in picker.combo.itemText(0)  # the system default is named
        assert threading.main_thread() not in lookup.threads
    finally:
        lookup.release.set()


def test_lists_printers_refreshes_in_the_background_and_remembers_the_choice(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lookup = Lookup(names(printer("Zebra", default=True), printer("LabelPDF")))
    lookup.release.set()
    picker = picker_on(runner, lookup, qtbot)
    picker.refresh_button.click()
    qtbot.waitUntil(lambda: picker.names() == ["", "Zebra", "LabelPDF"], timeout=5000)
    assert picker.combo.itemText(2) == "LabelPDF — LabelPDF label printer"
    with qtbot.waitSignal(picker.printerChosen) as chosen:
        picker.combo.activated.emit(2)
    assert chosen.args == ["LabelPDF"] and picker.current_printer() == "LabelPDF"
    lookup.release.clear()
    lookup.names = names(printer("Zebra", default=True), printer("LabelPDF"), printer("New"))
    picker.refresh_button.click()
    qtbot.waitUntil(lambda: len(lookup.threads) == 2, timeout=5000)
    assert not picker.refresh_button.isEnabled()  # asking; the GUI thread goes on
    lookup.release.set()
    qtbot.waitUntil(lambda: picker.names() == ["", "Zebra", "LabelPDF", "New"], timeout=5000)
    assert picker.combo.currentData() == "LabelPDF" and picker.refresh_button.isEnabled()
    assert threading.main_thread() not in lookup.threads


def test_a_printer_that_went_away_stays_listed_as_not_available(
    runner: BackgroundRunner, qtbot: QtBot
) -> None:
    lookup = Lookup(names(printer("LabelPDF")))
    lookup.release.set()
    picker = picker_on(runner, lookup, qtbot, pdf_folder="/tmp/labels")
    picker.set_current("Gone")
    picker.refresh()
    qtbot.waitUntil(lambda: picker.names() == ["", "LabelPDF", "Gone"], timeout=5000)
    assert picker.combo.currentData() == "Gone"
    assert "not available" in picker.combo.currentText()
    assert "/tmp/labels" in picker.combo.itemText(0)
    assert picker.current_printer() == "Gone"  # never quietly swapped
