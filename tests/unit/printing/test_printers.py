"""Printer lookup: a missing printer is an error, never a silent fallback."""

from __future__ import annotations

import pytest
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QApplication

from app.printing.printers import (
    PrinterNotFound,
    default_printer_name,
    list_printers,
    resolve_printer,
)


def test_list_matches_what_qt_sees(qapp: QApplication) -> None:
    printers = list_printers()
    assert [p.name for p in printers] == QPrinterInfo.availablePrinterNames()
    defaults = [p.name for p in printers if p.is_default]
    assert defaults == ([default_printer_name()] if default_printer_name() else [])


def test_missing_printer_is_refused_with_the_available_ones_listed(qapp: QApplication) -> None:
    with pytest.raises(PrinterNotFound) as caught:
        resolve_printer("No Such Printer 42")
    message = str(caught.value)
    assert "'No Such Printer 42' not found" in message
    for name in QPrinterInfo.availablePrinterNames():
        assert name in message
    assert caught.value.available == QPrinterInfo.availablePrinterNames()


def test_empty_name_is_refused_even_with_a_default_printer(qapp: QApplication) -> None:
    with pytest.raises(PrinterNotFound):
        resolve_printer("")


def test_error_message_says_when_there_are_none() -> None:
    assert "available printers: none" in str(PrinterNotFound("x", []))
