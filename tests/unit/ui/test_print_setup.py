"""The printer picker: lists printers, refreshes, keeps a missing printer visible."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.printing.printers import PrinterDescription
from app.ui.print_setup import PrinterPicker


def printer(name: str, *, default: bool = False) -> PrinterDescription:
    return PrinterDescription(name, default, f"{name} label printer", "", "", False)


def test_lists_printers_and_remembers_the_choice(qtbot: QtBot) -> None:
    available = [printer("Zebra", default=True), printer("LabelPDF")]
    picker = PrinterPicker(lister=lambda: list(available))
    qtbot.addWidget(picker)
    picker.set_current("")
    assert picker.names() == ["", "Zebra", "LabelPDF"]
    assert "Zebra" in picker.combo.itemText(0)  # the system default is named
    with qtbot.waitSignal(picker.printerChosen) as chosen:
        picker.combo.activated.emit(2)
    assert chosen.args == ["LabelPDF"] and picker.current_printer() == "LabelPDF"
    available.append(printer("New"))
    picker.refresh_button.click()
    assert picker.names() == ["", "Zebra", "LabelPDF", "New"]
    assert picker.combo.currentData() == "LabelPDF"


def test_a_printer_that_went_away_stays_listed_as_not_available(qtbot: QtBot) -> None:
    picker = PrinterPicker(lister=lambda: [printer("LabelPDF")], pdf_folder="/tmp/labels")
    qtbot.addWidget(picker)
    picker.set_current("Gone")
    assert picker.names() == ["", "LabelPDF", "Gone"]
    assert picker.combo.currentData() == "Gone"
    assert "not available" in picker.combo.currentText()
    assert "/tmp/labels" in picker.combo.itemText(0)
    assert picker.current_printer() == "Gone"  # never quietly swapped
