"""A ledger file that cannot be used is never silent: the window blocks with a message
(move it aside and start a new ledger, or quit); the command line says the same, rc 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.core.ledger import DEFAULT_FILENAME, Ledger
from app.core.model import OrderRef
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.ui.app_main import window_session
from app.ui.ledger_startup import LedgerQuit, ask_move_aside
from tests.fixtures.postgres import free_port
from tests.unit.ui.ledger_support import stored_label

GARBAGE = b"this is not a ledger, it is a shopping list\n" * 200


def broken_station(tmp_path: Path) -> tuple[AppPaths, Path]:
    paths = AppPaths.under(tmp_path).ensure()
    ledger = paths.data_dir / DEFAULT_FILENAME
    ledger.write_bytes(GARBAGE)
    return paths, ledger


class Chooser:
    def __init__(self, move: bool) -> None:
        self.move = move
        self.asked: list[tuple[str, str]] = []

    def __call__(self, location: str, problem: str) -> bool:
        self.asked.append((location, problem))
        return self.move


def test_moving_the_file_aside_starts_a_new_ledger_and_keeps_the_old(
    qapp: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    paths, ledger = broken_station(tmp_path)
    chooser = Chooser(move=True)
    with window_session(paths, Settings(), demo=False, env={}, choose_ledger=chooser) as window:
        window.show()
        [(location, problem)] = chooser.asked
        assert location == str(ledger) and "not a database" in problem
        [kept] = list(paths.data_dir.glob(f"{DEFAULT_FILENAME}.unusable-*"))
        assert kept.read_bytes() == GARBAGE
        assert kept.name in window.scan_bar.message_text()
        history = [a for a in window.actions() if "History" in a.text()]
        assert history  # the ledger's features are there
    assert ledger.read_bytes()[:16] == b"SQLite format 3\x00"  # a new, real ledger


def test_quit_leaves_the_file_as_it_was(qapp: Any, tmp_path: Path) -> None:
    paths, ledger = broken_station(tmp_path)
    with (
        pytest.raises(LedgerQuit, match="not a database"),
        window_session(paths, Settings(), demo=False, env={}, choose_ledger=Chooser(False)),
    ):
        raise AssertionError("no window without a ledger")
    assert ledger.read_bytes() == GARBAGE
    assert list(paths.data_dir.glob("*.unusable-*")) == []


@pytest.mark.parametrize("button", ["Move it aside and start a new ledger", "Quit"])
def test_the_message_box_says_what_is_wrong_and_offers_both(
    qapp: Any, qtbot: QtBot, button: str
) -> None:
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        (wanted,) = [b for b in box.buttons() if b.text() == button]
        wanted.click()

    QTimer.singleShot(200, click)
    moved = ask_move_aside("/data/ledger.sqlite3", "file is not a database")
    assert moved == (button != "Quit")
    assert "/data/ledger.sqlite3" in seen[0] and "file is not a database" in seen[0]
    assert "printed twice" in seen[0]


def test_the_command_line_says_the_same_and_exits_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    ledger = home / "data" / DEFAULT_FILENAME
    ledger.write_bytes(GARBAGE)
    env = {"WAYBILL_HOME": str(home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "history"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert f"the ledger {ledger} cannot be used" in done.stderr
    assert "not a database" in done.stderr
    assert "Move it aside and start a new ledger" in done.stderr
    assert ledger.read_bytes() == GARBAGE


def test_a_warehouse_ledger_that_is_down_falls_back_to_the_local_guard_and_says_so(
    qapp: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    down = f"postgresql://station@127.0.0.1:{free_port()}/waybills"
    with window_session(paths, Settings(ledger_url=down), demo=False, env={}) as window:
        window.show()
        message = window.scan_bar.message_text()
        assert "cannot be reached" in message and down.split("@")[1] in message
        window.add_text("4200001")  # scanning goes on
        assert window.model.rowCount() == 1
    assert (paths.data_dir / DEFAULT_FILENAME).exists()  # the station's own ledger


def test_back_on_the_warehouse_ledger_the_local_prints_are_written_and_clashes_named(
    qapp: Any, qtbot: QtBot, tmp_path: Path, pg_url: str
) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    local = paths.data_dir / DEFAULT_FILENAME
    for ledger, order in ((Ledger(local, station="A"), "O1"), (Ledger(pg_url, station="B"), "O1")):
        with ledger:
            (row,) = ledger.record_queued([OrderRef(order, "SF")])
            ledger.record_fetch_result(row, stored_label(order, "SF0000000000077"))
            ledger.finish_print(
                ledger.begin_print(row, waybill_id="SF0000000000077", printer="P", copies=1),
                ok=True,
            )
    settings = Settings(ledger_url=pg_url, station_name="A")
    with window_session(paths, settings, demo=False, env={}) as window:
        window.show()
        message = window.scan_bar.message_text()
        assert "another station" in message and "SF0000000000077" in message
