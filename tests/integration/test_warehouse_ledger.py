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
from app.core.settings import Settings
from app.core.settings_store import SettingsStore
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.ledger_session import LedgerFeatures
from app.ui.main_window import MainWindow
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import print_queue_idle, wait_until_quiet
from tests.integration.cups_support import fresh_order_id, wait_until_cups_settled
from tests.integration.ledger_cli import cli_command, cli_env, json_lines
from tests.unit.ui.ledger_support import ledger_window
from tests.unit.ui.support import row_states, sandbox_settings

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
    runs: dict[str, subprocess.Popen[str]] = {}
    for name in CLI_STATIONS:
        args = ["fetch", "--json", "--api-base", sandbox.base_url]
        args += ["--print", cups_pdf_queue.name, *lists[name]]
        # Output to files, not pipes: the test waits with the event loop running (the
        # windows print through it), never blocked on a child's full pipe.
        out_file, err_file = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        with out_file.open("w") as out, err_file.open("w") as err:
            runs[name] = subprocess.Popen(
                cli_command(*args),
                env=cli_station(tmp_path, name, pg_url, sandbox),
                stdout=out,
                stderr=err,
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
        # The windows print through the event loop: wait with it running until both are
        # idle, the shared print queue is empty and every station process has ended.
        wait_until_quiet(
            qtbot,
            lambda: (
                all(w.printer.pending == 0 for w, _f in windows.values())
                and print_queue_idle(print_queue)
                and all(run.poll() is not None for run in runs.values())
            ),
            timeout_ms=240_000,
        )
        for name, run in runs.items():
            out = (tmp_path / f"{name}.out").read_text()
            err = (tmp_path / f"{name}.err").read_text()
            assert run.returncode in (0, 1), err[-3000:]
            assert "unknown" not in err
            assert len(json_lines(out)) == PER_STATION
        for name, (window, _features) in windows.items():
            states = row_states(window)  # printed here, or left ready: printed elsewhere
            assert len(states) == PER_STATION, name
            assert set(states.values()) <= {"printed", "ready"}, (name, states)

        # Every waybill exactly once on the ledger, with the station that printed it.
        prints = all_prints(pg_url)
        assert all(p.outcome is PrintOutcome.SPOOLED and not p.is_reprint for p in prints)
        waybills = [p.waybill_id for p in prints]
        assert len(waybills) == len(set(waybills)) == len(wanted)
        station_of = {p.waybill_id: p.station for p in prints}
        assert set(station_of.values()) <= set(lists)
        for name, (window, _features) in windows.items():  # a window printed what it claimed
            printed_here = {
                r.waybill.waybill_id
                for r in window.model.rows()
                if r.state.value == "printed" and r.waybill is not None
            }
            assert printed_here == {w for w, s in station_of.items() if s == name}, name

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

        # On paper, once every job CUPS got since the start is final (nothing more can
        # come out): one PDF per waybill, found by CUPS job id.
        wait_until_cups_settled(
            qtbot, cups_pdf_queue, before, lambda: print_queue_idle(print_queue), 120_000
        )
    jobs = sorted(cups_pdf_queue.new_jobs_since(before))
    outputs = [cups_pdf_queue.pdf_for_job(job) for job in jobs]
    ours = [pdf.name for pdf in outputs if pdf is not None and pdf.name.startswith(tuple(waybills))]
    per_waybill = {w: [n for n in ours if n.startswith(f"{w}_")] for w in waybills}
    wrong = {w: names for w, names in per_waybill.items() if len(names) != 1}
    assert wrong == {}, wrong
    assert len(ours) == len(wanted)
