"""Where the window's labels go: the configured printer, else the PDF folder, else the
system's default printer.

`find_target(printer_name, pdf_dir, printers)` is asked once per print request, with the
printers there are (`PrinterNames`, a snapshot taken off the GUI thread by
`app.ui.printer_list`, or None while CUPS cannot be asked): it decides without asking the
print system, and the PDF folder is chosen without any list. A configured printer
must exist: a missing one raises `NoPrinter` with what to do (and the printers there
are), never a silent fall-back to another printer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.printing.printers import PrinterNames


class NoPrinter(Exception):
    """There is no printer to print on; the message says what to do."""


@dataclass(frozen=True)
class PrintTarget:
    """Where a request's labels go: a printer by name, or one PDF file each in a folder."""

    printer: str = ""
    pdf_dir: Path | None = None

    def __str__(self) -> str:
        return str(self.pdf_dir) if self.pdf_dir is not None else self.printer


def find_target(
    printer_name: str,
    pdf_dir: Path | None,
    printers: PrinterNames | None,
    unknown: str = "",
) -> PrintTarget:
    """The configured printer (validated against `printers`), else the PDF folder, else
    the default printer. The PDF folder needs no list of printers: `printers` None (not
    known, CUPS could not be asked) refuses only a printer, with `unknown` as the message.

    Raises `NoPrinter` with what to do.
    """
    name = printer_name
    if not name and pdf_dir is not None:
        return PrintTarget(pdf_dir=pdf_dir)
    if printers is None:
        raise NoPrinter(unknown)
    name = name or printers.default or ""
    if not name:
        raise NoPrinter(
            QCoreApplication.translate(
                "PrintTarget", "No printer is set up. Choose the label printer in Settings."
            )
        )
    if name in printers.names:
        return PrintTarget(printer=name)
    available = ", ".join(printers.names) or QCoreApplication.translate("PrintTarget", "none")
    raise NoPrinter(
        QCoreApplication.translate(
            "PrintTarget",
            "The printer “{0}” is not available (available: {1}). "
            "Check that it is switched on, or choose another one in Settings.",
        ).format(name, available)
    )
