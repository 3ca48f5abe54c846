"""The window's print requests never ask CUPS for its printers on the GUI thread: the
printer list is taken in the background helper (`PrinterList`), a request for a printer
made before it arrives waits for it on the event loop, a missing printer still refuses with
the printers there are, and the PDF folder needs no list (it prints with CUPS down)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.core.settings import Settings
from app.printing.ipptool import CupsStatusError
from app.printing.printers import PrinterNames
from app.printing.queue import PrintQueue
from app.ui.background import BackgroundRunner
from app.ui.print_controller import PrintController
from app.ui.print_report import PrintRequestResult
from app.ui.printer_list import PrinterList
from app.ui.queue_model import OrderQueueModel, RowState
from tests.fixtures.qt import dispose, print_queue_idle, wait_until_quiet
from tests.unit.ui.test_print_controller import RecordingGuard, waybill


class Lookup:
    """Lists fixed printers, remembering the thread of each call; blocks until `release`."""

    def __init__(self, names: PrinterNames) -> None:
        self.names = names
        self.threads: list[threading.Thread] = []
        self.release = threading.Event()

    def __call__(self) -> PrinterNames:
        self.threads.append(threading.current_thread())
        assert self.release.wait(30), "the test never released the lookup"
        return self.names


class Station:
    def __init__(self, queue: PrintQueue, tmp_path: Path, settings: Settings, lookup: Lookup):
        self.queue, self.pdf_dir, self.lookup = queue, tmp_path, lookup
        self.runner = BackgroundRunner()
        self.printers = PrinterList(self.runner, lookup)
        self.guard = RecordingGuard()
        self.model = OrderQueueModel()
        self.controller = PrintController(
            self.model, queue, settings, pdf_dir=tmp_path, guard=self.guard, printers=self.printers
        )
        self.waybills = [waybill(n) for n in (1, 2)]
        self.model.add_refs(w.ref for w in self.waybills)
        self.model.set_fetching(w.ref.key for w in self.waybills)
        self.model.apply_waybills(self.waybills)
        self.results: list[PrintRequestResult] = []

    def print_first(self) -> PrintRequestResult:
        return self.controller.print_waybills(
            self.waybills[:1], reprint=False, source="scan", then=self.results.append
        )

    def files(self) -> list[str]:
        return sorted(p.name for p in self.pdf_dir.iterdir())

    def close(self) -> None:
        self.lookup.release.set()
        self.runner.shutdown()
        dispose(self.controller)
        dispose(self.printers)
        dispose(self.runner)


MakeStation = Callable[[Settings, PrinterNames], Station]


@pytest.fixture
def make_station(print_queue: PrintQueue, tmp_path: Path) -> Iterator[MakeStation]:
    made: list[Station] = []

    def make(settings: Settings, names: PrinterNames) -> Station:
        station = Station(print_queue, tmp_path, settings, Lookup(names))
        made.append(station)
        return station

    yield make
    for station in made:
        station.close()


def gui_thread_runs(qtbot: QtBot) -> None:
    """The GUI thread's event loop still turns (a timer fires) while the lookup blocks."""
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: fired == [True], timeout=5000)


def test_a_request_before_the_printer_list_waits_for_it_off_the_gui_thread(
    make_station: MakeStation, qtbot: QtBot
) -> None:
    settings = Settings(printer_name="NoSuchLabelPrinter")
    station = make_station(settings, PrinterNames(("OfficeLaser",), "OfficeLaser"))
    result = station.print_first()  # returns although the lookup is blocked
    assert not result.finished and station.controller.pending == 1
    gui_thread_runs(qtbot)
    qtbot.waitUntil(lambda: len(station.lookup.threads) == 1, timeout=5000)
    assert station.files() == [] and station.guard.calls == []
    station.lookup.release.set()
    qtbot.waitUntil(lambda: station.results == [result] and station.controller.pending == 0)
    [(_key, reason)] = result.refused  # decided on the list that came
    assert "NoSuchLabelPrinter" in reason and "OfficeLaser" in reason
    assert result.submitted == 0 and station.files() == [] and station.guard.calls == []
    assert threading.main_thread() not in station.lookup.threads


def test_the_pdf_folder_prints_at_once_without_a_list_of_printers(
    make_station: MakeStation, qtbot: QtBot
) -> None:
    station = make_station(Settings(), PrinterNames((), None))  # the lookup never answers
    result = station.print_first()
    qtbot.waitUntil(lambda: station.results == [result] and station.controller.pending == 0)
    assert result.submitted == 1 and len(station.files()) == 1
    assert station.model.row_at(0).state is RowState.PRINTED
    assert station.lookup.threads == []  # nobody asked CUPS


class Unreachable:
    """A lookup that fails as `ipptool` does when no CUPS scheduler answers."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> PrinterNames:
        self.calls += 1
        raise CupsStatusError(
            'could not list the printers at localhost: ipptool: Unable to connect to "localhost"'
        )


def test_with_cups_down_the_pdf_folder_prints_and_a_printer_is_refused_saying_so(
    print_queue: PrintQueue, tmp_path: Path, qtbot: QtBot
) -> None:
    runner = BackgroundRunner()
    lookup = Unreachable()
    printers = PrinterList(runner, lookup)
    guard = RecordingGuard()
    model = OrderQueueModel()
    controller = PrintController(
        model, print_queue, Settings(), pdf_dir=tmp_path, guard=guard, printers=printers
    )
    try:
        waybills = [waybill(n) for n in (1, 2)]
        model.add_refs(w.ref for w in waybills)
        model.set_fetching(w.ref.key for w in waybills)
        model.apply_waybills(waybills)
        printers.start()
        qtbot.waitUntil(lambda: printers.error is not None, timeout=5000)
        results: list[PrintRequestResult] = []
        to_folder = controller.print_waybills(
            waybills[:1], reprint=False, source="scan", then=results.append
        )
        qtbot.waitUntil(lambda: results == [to_folder] and controller.pending == 0)
        assert to_folder.submitted == 1 and to_folder.refused == []
        assert [p.suffix for p in tmp_path.iterdir()] == [".pdf"]

        controller.set_settings(Settings(printer_name="LabelPrinter"))
        to_printer = controller.print_waybills(
            waybills[1:], reprint=False, source="scan", then=results.append
        )
        qtbot.waitUntil(lambda: results == [to_folder, to_printer], timeout=5000)
        [(key, reason)] = to_printer.refused
        assert key == waybills[1].ref.key and to_printer.submitted == 0
        assert "could not be listed" in reason and "CUPS" in reason
        assert 'Unable to connect to "localhost"' in reason  # what went wrong, as CUPS said
        assert len(guard.calls) == 1  # only the folder's label was claimed
        wait_until_quiet(qtbot, lambda: controller.pending == 0 and print_queue_idle(print_queue))
    finally:
        runner.shutdown()
        dispose(controller)
        dispose(printers)
        dispose(runner)


def test_a_missing_printer_refuses_with_the_printers_there_are_asked_in_the_background(
    make_station: MakeStation, qtbot: QtBot
) -> None:
    settings = Settings(printer_name="NoSuchLabelPrinter")
    station = make_station(settings, PrinterNames(("OfficeLaser", "Other"), "OfficeLaser"))
    station.printers.start()
    station.lookup.release.set()
    qtbot.waitUntil(lambda: station.printers.snapshot is not None, timeout=5000)
    asked = len(station.lookup.threads)
    station.lookup.release.clear()
    result = station.print_first()
    # the snapshot lacks the printer: asked again (it may have been switched on since),
    # in the background, while the GUI thread goes on
    assert not result.finished
    gui_thread_runs(qtbot)
    qtbot.waitUntil(lambda: len(station.lookup.threads) > asked, timeout=5000)
    station.lookup.release.set()
    qtbot.waitUntil(lambda: station.results == [result], timeout=5000)
    [(key, reason)] = result.refused
    assert key == station.waybills[0].ref.key
    assert "NoSuchLabelPrinter" in reason and "is not available" in reason
    assert "OfficeLaser, Other" in reason  # what there is, never a silent fall-back
    wait_until_quiet(
        qtbot, lambda: station.controller.pending == 0 and print_queue_idle(station.queue)
    )
    assert station.guard.calls == [] and station.files() == [] and result.submitted == 0
    assert station.model.row_at(0).state is RowState.READY
    assert threading.main_thread() not in station.lookup.threads


def test_a_request_after_the_snapshot_is_decided_without_a_lookup(
    make_station: MakeStation, qtbot: QtBot
) -> None:
    station = make_station(Settings(), PrinterNames(("LabelPDF",), None))
    station.lookup.release.set()
    station.printers.refresh()
    qtbot.waitUntil(lambda: station.printers.snapshot is not None, timeout=5000)
    asked = len(station.lookup.threads)
    result = station.print_first()  # the PDF folder: decided at once from the snapshot
    qtbot.waitUntil(lambda: station.results == [result], timeout=60_000)
    assert result.submitted == 1 and len(station.lookup.threads) == asked
    assert threading.main_thread() not in station.lookup.threads


def test_a_waiting_request_is_cancelled_with_the_claims(
    make_station: MakeStation, qtbot: QtBot
) -> None:
    station = make_station(Settings(printer_name="LabelPrinter"), PrinterNames((), None))
    result = station.print_first()
    again = station.controller.print_waybills(
        station.waybills[:1], reprint=False, source="scan", then=station.results.append
    )
    assert again.refused and again.submitted == 0  # the label counts as printing already
    assert station.controller.drop_claims() == 1
    station.lookup.release.set()
    qtbot.waitUntil(lambda: result in station.results, timeout=5000)
    assert result.cancelled and result.submitted == 0
    wait_until_quiet(
        qtbot, lambda: station.controller.pending == 0 and print_queue_idle(station.queue)
    )
    assert station.files() == [] and station.guard.calls == []
