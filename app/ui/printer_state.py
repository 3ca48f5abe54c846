"""The window's side of the printer's state: the line beside the print buttons, the red
banner and error sound when the printer stops, and the held scans going out when it is
back.

`connect_printer_state(window)` wires the window's `PrinterWatch` to its
`PrinterStateLabel`, its message line (`tell`) and its print-on-scan (`ScanToPrint`):
the moment CUPS says the printer cannot print, the banner turns red with the reason and
the fix and the error sound plays; scans made meanwhile are held (`printer_problem`);
when the printer is ready again the held labels print in scan order, each once.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication

from app.printing.cups_status import CupsStatus, PrinterStatus
from app.printing.ipptool import find_ipptool
from app.ui.feedback import Feedback
from app.ui.printer_watch import PrinterStateLabel, PrinterWatch
from app.ui.scan_to_print import ScanToPrint


class PrinterStateHost(Protocol):
    """What the printer's state uses of the window."""

    @property
    def printer_watch(self) -> PrinterWatch: ...

    @property
    def printer_state(self) -> PrinterStateLabel: ...

    @property
    def scan_print(self) -> ScanToPrint: ...

    def tell(self, text: str, tone: Feedback = Feedback.INFO) -> None: ...


def printer_status_reader() -> CupsStatus | None:
    """What reads the printer's state from CUPS here; None without CUPS's `ipptool`."""
    tool = find_ipptool()
    return CupsStatus(tool) if tool is not None else None


def printer_problem(window: PrinterStateHost) -> str | None:
    """Why the watched printer cannot print now, in words; None when it can (or unknown)."""
    status = window.printer_watch.status
    if status is None or status.ready:
        return None
    return window.printer_state.problem_text(status)


def connect_printer_state(window: PrinterStateHost) -> None:
    """See the module docstring; starts the watch."""
    was_ready = [True]

    def changed(status: PrinterStatus | None) -> None:
        window.printer_state.show_status(status)
        ready = status is None or status.ready
        if status is not None and not ready and was_ready[0]:
            text = QCoreApplication.translate(
                "PrinterState", "Printer {0} cannot print: {1}"
            ).format(status.name, window.printer_state.problem_text(status))
            window.tell(text, Feedback.ERROR)
        elif ready and not was_ready[0]:
            held = len(window.scan_print.held)
            name = status.name if status is not None else ""
            if held:
                text = QCoreApplication.translate(
                    "PrinterState", "Printer {0} is ready again: printing the held labels."
                ).format(name)
            else:
                text = QCoreApplication.translate(
                    "PrinterState", "Printer {0} is ready again."
                ).format(name)
            window.tell(text, Feedback.OK)
            window.scan_print.release_held()
        was_ready[0] = ready

    window.printer_watch.changed.connect(changed)
    window.printer_watch.start()
