"""The window's list of printers asked of CUPS over IPP (`ipptool`), in the background
helper, instead of through Qt's printer classes on a worker thread: the same printers Qt
sees, described, with `lp`'s default; a scheduler that does not answer is an error the
list survives."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.printing.cups_printers import (
    CupsPrinters,
    lookup_for,
    lpoptions_default,
    lpoptions_files,
)
from app.printing.ipptool import CupsStatusError, find_ipptool
from app.printing.printers import PrinterNames
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.background import BackgroundRunner
from app.ui.printer_list import PrinterList
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import dispose
from tests.unit.ui.support import open_window

pytestmark = pytest.mark.cups


@pytest.fixture
def ipptool() -> str:
    tool = find_ipptool()
    assert tool is not None, "CUPS's ipptool (cups-ipp-utils) is a system package here"
    return tool


class Recording:
    """A lookup handed in: the real one, remembering the thread of each call."""

    def __init__(self, lookup: CupsPrinters) -> None:
        self.lookup = lookup
        self.threads: list[threading.Thread] = []

    def __call__(self) -> PrinterNames:
        self.threads.append(threading.current_thread())
        return self.lookup()


def test_the_printers_over_ipp_are_the_ones_qt_sees_described(
    ipptool: str, cups_pdf_queue: CupsPdfQueue
) -> None:
    qt_before = sorted(QPrinterInfo.availablePrinterNames())
    listed = CupsPrinters(ipptool)()
    qt_after = sorted(QPrinterInfo.availablePrinterNames())
    assert cups_pdf_queue.name in listed.names
    # the same list (a queue another run adds meanwhile is in one of Qt's two)
    assert sorted(listed.names) in (qt_before, qt_after)
    [ours] = [p for p in listed.described() if p.name == cups_pdf_queue.name]
    assert "CUPS-PDF" in ours.make_and_model and not ours.is_remote
    assert listed.default == (QPrinterInfo.defaultPrinterName() or None)


def test_the_default_is_lps_own(ipptool: str, cups_pdf_queue: CupsPdfQueue) -> None:
    listed = CupsPrinters(ipptool, environ={"LPDEST": cups_pdf_queue.name})()
    assert listed.default == cups_pdf_queue.name
    [ours] = [p for p in listed.described() if p.is_default]
    assert ours.name == cups_pdf_queue.name
    gone = CupsPrinters(ipptool, environ={"PRINTER": "NoSuchLabelPrinter"})()
    assert gone.default != "NoSuchLabelPrinter"  # only a printer CUPS has


def test_a_scheduler_that_does_not_answer_is_an_error(ipptool: str) -> None:
    with pytest.raises(CupsStatusError, match="could not list the printers"):
        CupsPrinters(ipptool, server="127.0.0.1:9", timeout_s=2)()


def test_the_window_lists_printers_over_ipp_off_the_gui_thread(
    ipptool: str,
    cups_pdf_queue: CupsPdfQueue,
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    assert isinstance(lookup_for(), CupsPrinters)  # what a window is given by default
    lookup = Recording(CupsPrinters(ipptool))
    with open_window(sandbox, label_profile, print_queue, tmp_path, printer_lookup=lookup) as win:
        qtbot.waitUntil(lambda: win.printers.snapshot is not None, timeout=10_000)
        assert cups_pdf_queue.name in win.printers.names
        picker = win.print_commands.picker
        qtbot.waitUntil(lambda: cups_pdf_queue.name in picker.names(), timeout=5000)
    assert lookup.threads and threading.main_thread() not in lookup.threads


def test_a_failed_question_keeps_the_last_list(
    ipptool: str, cups_pdf_queue: CupsPdfQueue, runner: BackgroundRunner, qtbot: QtBot
) -> None:
    schedulers = [CupsPrinters(ipptool)]  # the last one is asked
    printers = PrinterList(runner, lambda: schedulers[-1](), interval_ms=3_600_000)
    try:
        printers.refresh()
        qtbot.waitUntil(lambda: printers.snapshot is not None, timeout=10_000)
        known = printers.snapshot
        schedulers.append(CupsPrinters(ipptool, server="127.0.0.1:9", timeout_s=1))
        answered: list[bool] = []
        printers.after_refresh(lambda: answered.append(True))
        qtbot.waitUntil(lambda: answered == [True], timeout=10_000)
        assert printers.snapshot == known and cups_pdf_queue.name in printers.names
    finally:
        dispose(printers)


def test_the_default_set_with_lpoptions_is_lps_own(
    ipptool: str, cups_pdf_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    """`lpoptions -d` writes the default to the user's file: `lp` uses it, and so does the
    list (an instance counts as its printer; a printer CUPS lacks is passed over)."""
    own, system = tmp_path / "own-lpoptions", tmp_path / "system-lpoptions"
    system.write_text(f"Default {cups_pdf_queue.name}\n", encoding="utf-8")
    listed = CupsPrinters(ipptool, environ={}, lpoptions=[own, system])()
    assert listed.default == cups_pdf_queue.name  # no own file: the system's
    own.write_text(
        f"Dest Other media=w288h432\nDefault {cups_pdf_queue.name}/bench media=w288h432\n",
        encoding="utf-8",
    )
    system.write_text("Default NoSuchLabelPrinter\n", encoding="utf-8")
    listed = CupsPrinters(ipptool, environ={}, lpoptions=[own, system])()
    assert listed.default == cups_pdf_queue.name  # the user's own, its instance's printer
    own.write_text("Default NoSuchLabelPrinter\n", encoding="utf-8")
    server = CupsPrinters(ipptool, environ={}, lpoptions=[])()
    listed = CupsPrinters(ipptool, environ={}, lpoptions=[own, system])()
    assert listed.default == server.default != "NoSuchLabelPrinter"  # the scheduler's
    env_first = CupsPrinters(ipptool, environ={"LPDEST": cups_pdf_queue.name}, lpoptions=[own])()
    assert env_first.default == cups_pdf_queue.name


def test_lpoptions_default_reads_the_last_default_line(tmp_path: Path) -> None:
    path = tmp_path / "lpoptions"
    assert lpoptions_default(path) is None  # no file
    path.write_text("Dest A x=1\n\ndefault B/inst\nDefault C\n", encoding="utf-8")
    assert lpoptions_default(path) == "C"
    path.write_text("Dest A x=1\nDefault\n", encoding="utf-8")
    assert lpoptions_default(path) is None
    assert lpoptions_files({"HOME": "/home/packer"}) == (
        Path("/home/packer/.cups/lpoptions"),
        Path("/etc/cups/lpoptions"),
    )
    assert lpoptions_files({}) == (Path("/etc/cups/lpoptions"),)
