"""The printer's state in the window, on a real cups-pdf queue of this test's own.

`cupsdisable -r "Out of labels"` -> within 2 s the window shows the reason and the fix
beside the print buttons, the banner turns red and the error sound plays; labels scanned
meanwhile are held (not sent, not marked printed); `cupsenable` -> they print in scan
order, each exactly once (cups-pdf's output counted).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.printing.cups_status import CupsStatus
from app.printing.ipptool import find_ipptool
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.feedback import Feedback, Sound
from app.ui.main_window import MainWindow
from tests.fixtures.cups import CupsPdfQueue, start_cups
from tests.fixtures.qt import read_barcodes_from_pdf
from tests.integration.cups_support import fresh_order_id, own_pdfs, wait_for_own_pdfs
from tests.unit.ui.support import open_window, row_states, sandbox_settings

pytestmark = pytest.mark.cups

QUEUE = "WindowStatePDF"


class RecordingPlayer:
    def __init__(self) -> None:
        self.played: list[Sound] = []

    def play(self, sound: Sound) -> None:
        self.played.append(sound)


@pytest.fixture
def own_queue() -> Iterator[CupsPdfQueue]:
    queue = start_cups(QUEUE, Path("/var/spool/cups-pdf") / QUEUE)
    yield queue
    subprocess.run(["cancel", "-a", QUEUE], check=False, capture_output=True)
    subprocess.run(["cupsenable", QUEUE], check=True)


@pytest.fixture
def player() -> RecordingPlayer:
    return RecordingPlayer()


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    own_queue: CupsPdfQueue,
    player: RecordingPlayer,
) -> Iterator[MainWindow]:
    tool = find_ipptool()
    assert tool is not None
    settings = sandbox_settings(sandbox, printer_name=QUEUE, scan_to_print=True, sound_enabled=True)
    with open_window(
        sandbox,
        label_profile,
        print_queue,
        None,
        settings=settings,
        sound_player=player,
        printer_status=CupsStatus(tool),
    ) as win:
        yield win


def scan(window: MainWindow, qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(window.scan_bar.field, text)
    qtbot.keyClick(window.scan_bar.field, Qt.Key.Key_Return)


def test_a_paused_printer_is_shown_at_once_holds_scans_and_prints_them_in_order_once_back(
    window: MainWindow, qtbot: QtBot, own_queue: CupsPdfQueue
) -> None:
    label = window.printer_state
    qtbot.waitUntil(lambda: label.isVisible() and "ready" in label.text(), timeout=5_000)

    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)
    qtbot.waitUntil(lambda: "Out of labels" in label.text(), timeout=2_000)
    assert "load labels, then Resume" in label.text()
    banner = window.scan_bar.message
    assert banner.tone() is Feedback.ERROR
    assert "Out of labels" in banner.text() and QUEUE in banner.text()
    assert Sound.ERROR in player_sounds(window)

    before = own_queue.snapshot()
    orders = [fresh_order_id() for _ in range(3)]
    for order in orders:
        scan(window, qtbot, order)
    qtbot.waitUntil(lambda: len(window.scan_print.held) == 3, timeout=30_000)
    assert [key[0] for key in window.scan_print.held] == orders  # in scan order
    assert [row_states(window)[o] for o in orders] == ["ready"] * 3  # not marked printed
    assert window.printer.pending == 0
    assert own_queue.new_jobs_since(before) == set()  # nothing sent to CUPS
    assert "held" in banner.text() and banner.tone() is Feedback.ERROR

    subprocess.run(["cupsenable", QUEUE], check=True)
    qtbot.waitUntil(
        lambda: [row_states(window)[o] for o in orders] == ["printed"] * 3, timeout=60_000
    )
    assert window.scan_print.held == []
    waybills = {row.ref.order_id: row.waybill_id for row in window.model.rows()}
    ids = [waybills[o] for o in orders]
    printed = wait_for_own_pdfs(own_queue, before, ids, 3)
    assert [read_barcodes_from_pdf(pdf) for pdf in printed] == [[i] for i in ids]  # in order
    assert len(own_pdfs(own_queue, before, ids)) == 3  # each exactly once
    qtbot.waitUntil(lambda: "ready" in label.text(), timeout=5_000)


def player_sounds(window: MainWindow) -> list[Sound]:
    player = window.services.sound_player
    assert isinstance(player, RecordingPlayer)
    return player.played
