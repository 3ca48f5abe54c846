"""A warehouse on one PostgreSQL ledger: six stations — four `fetch --print` runs and two
windows, each with its own station name — print overlapping order lists to the real
cups-pdf queue at the same time. Every waybill comes out exactly once, and the History at
any station lists every print with the station that made it."""

from __future__ import annotations

import random
import subprocess
from contextlib import ExitStack
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome, PrintRecord
from app.core.paths import AppPaths
from app.core.settings import Settings, SettingsStore
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.ledger_session import LedgerFeatures
from app.ui.main_window import MainWindow
from tests.fixtures.cups import CupsPdfQueue
from tests.integration.cups_support import fresh_order_id, own_pdfs
from tests.integration.ledger_cli import cli_command, cli_env, json_lines
from tests.unit.ui.ledger_support import ledger_window
from tests.unit.ui.support import sandbox_settings

pytestmark = [pytest.mark.cups, pytest.mark.slow]

ORDERS = 16
PER_STATION = 10
CLI_STATIONS = ("cli-1", "cli-2", "cli-3", "cli-4")
WINDOW_STATIONS = ("win-1", "win-2")


class Declines:
    def __init__(self) -> None:
        self.questions: list[str] = []

    def __call__(self, title: str, question: str) -> bool:
        self.questions.append(question)
        return False


def cli_station(tmp_path: Path, name: str, url: str, sandbox: SandboxServer) -> dict[str, str]:
    home = tmp_path / name
    SettingsStore(AppPaths.under(home).ensure().settings_file).save(Settings(station_name=name))
    env = cli_env(home, sandbox)
    env["WAYBILL_LEDGER_URL"] = url
    return env


def all_prints(url: str) -> list[PrintRecord]:
    with Ledger(url, station="checker") as ledger:
        rows = ledger.search(limit=10_000)
        return [p for row in rows for p in ledger.attempts(row.order_row_id)]


def test_six_stations_on_one_postgresql_ledger_print_each_waybill_once(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    pg_url: str,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    orders = [fresh_order_id() for _ in range(ORDERS)]
    lists = {
        name: random.Random(name).sample(orders, PER_STATION)
        for name in CLI_STATIONS + WINDOW_STATIONS
    }
    wanted = set().union(*lists.values())
    before = cups_pdf_queue.snapshot()
    runs = {}
    for name in CLI_STATIONS:
        args = ["fetch", "--json", "--api-base", sandbox.base_url]
        args += ["--print", cups_pdf_queue.name, *lists[name]]
        runs[name] = subprocess.Popen(
            cli_command(*args),
            env=cli_station(tmp_path, name, pg_url, sandbox),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    windows: dict[str, tuple[MainWindow, LedgerFeatures]] = {}
    with ExitStack() as stack:
        for name in WINDOW_STATIONS:
            windows[name] = stack.enter_context(
                ledger_window(
                    sandbox,
                    label_profile,
                    print_queue,
                    None,
                    pg_url,
                    settings=settings,
                    ask=Declines(),
                    station=name,
                )
            )
        for name, (window, _features) in windows.items():
            window.add_text("\n".join(lists[name]))
            window.fetch()
        for window, _features in windows.values():
            qtbot.waitUntil(lambda w=window: not w.fetcher.running, timeout=60_000)
        for window, _features in windows.values():
            window.actions_.print_all.trigger()
        for window, _features in windows.values():
            qtbot.waitUntil(lambda w=window: w.printer.pending == 0, timeout=180_000)
        results = {name: run.communicate(timeout=300) for name, run in runs.items()}
        for name, run in runs.items():
            assert run.returncode in (0, 1), results[name][1][-3000:]
            assert "unknown" not in results[name][1]
            assert len(json_lines(results[name][0])) == PER_STATION

        # Every waybill exactly once on the ledger, with the station that printed it.
        prints = all_prints(pg_url)
        assert all(p.outcome is PrintOutcome.SPOOLED and not p.is_reprint for p in prints)
        waybills = [p.waybill_id for p in prints]
        assert len(waybills) == len(set(waybills)) == len(wanted)
        station_of = {p.waybill_id: p.station for p in prints}
        assert set(station_of.values()) <= set(lists)

        # History at a window lists every print with its station, and filters by station.
        for name, (_window, features) in windows.items():
            history = features.open_history()
            with qtbot.waitSignal(history.searched, timeout=30_000):
                history.search()
            shown = {r.waybill_id: r.last_station for r in history.rows if r.prints}
            assert shown == station_of, name
            column = [history.table.horizontalHeaderItem(c).text() for c in range(9)]
            station_column = column.index("Station")
            texts = {history.table.item(n, station_column).text() for n in range(len(history.rows))}
            assert set(station_of.values()) <= texts
        one = next(iter(station_of.values()))
        history.station_edit.setText(one)
        with qtbot.waitSignal(history.searched, timeout=30_000):
            history.search()
        assert {r.waybill_id for r in history.rows} == {
            w for w, s in station_of.items() if s == one
        }

    # On paper: once every job sent since the start has come out, one PDF per waybill.
    jobs = cups_pdf_queue.new_jobs_since(before)
    cups_pdf_queue.wait_for_jobs(len(jobs), before)
    pdfs = own_pdfs(cups_pdf_queue, before, waybills)
    per_waybill = {w: [p.name for p in pdfs if p.name.startswith(f"{w}_")] for w in waybills}
    assert all(len(names) == 1 for names in per_waybill.values()), per_waybill
    assert len(pdfs) == len(wanted)
