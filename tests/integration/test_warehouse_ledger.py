"""A warehouse on one PostgreSQL ledger: six stations — four `fetch --print` runs and two
windows, each with its own station name — print overlapping order lists to the real
cups-pdf queue at the same time. Every waybill comes out exactly once, and the History at
any station lists every print with the station that made it. And the same six when the
server stops in the middle and starts again: no waybill twice, every order printed or
clearly pending, every station told."""

from __future__ import annotations

import random
import subprocess
from contextlib import ExitStack
from pathlib import Path

import psycopg
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
from tests.fixtures.postgres import PgServer
from tests.fixtures.qt import print_queue_idle, wait_until_quiet
from tests.integration.cups_support import fresh_order_id, wait_until_cups_settled
from tests.integration.ledger_cli import cli_command, cli_env, json_lines
from tests.unit.ui.ledger_support import ledger_window
from tests.unit.ui.support import row_states, sandbox_settings

pytestmark = [pytest.mark.cups, pytest.mark.slow]

ORDERS = 16
PER_STATION = 10
CLI_STATIONS = ("cli-1", "cli-2", "cli-3", "cli-4")
OUT = (PrintOutcome.PRINTED, PrintOutcome.SPOOLED)
"""A label that came out: printed (`fetch --print` follows its job to paper) or spooled."""
PENDING = (PrintOutcome.UNKNOWN, PrintOutcome.SENT, PrintOutcome.STUCK)
"""A label that may have come out: for the packer to check, never printed again."""
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
        assert all(p.outcome in OUT and not p.is_reprint for p in prints), prints
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


def start_station(
    tmp_path: Path, name: str, args: list[str], url: str, sandbox: SandboxServer, run: int
) -> subprocess.Popen[str]:
    """One `fetch` station process; its output goes to ``<name>-<run>.out`` / ``.err``."""
    out_file, err_file = tmp_path / f"{name}-{run}.out", tmp_path / f"{name}-{run}.err"
    with out_file.open("w") as out, err_file.open("w") as err:
        return subprocess.Popen(
            cli_command(*args),
            env=cli_station(tmp_path, name, url, sandbox),
            stdout=out,
            stderr=err,
            text=True,
        )


def test_six_stations_when_the_server_stops_mid_run_and_starts_again(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    own_server: PgServer,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    """The same six stations; the server stops once a few labels are out. The station
    processes stop and say so, the windows refuse to print and say so; after the restart
    every station carries on (the processes run again). No waybill comes out twice, and
    every order ends printed or clearly pending (unknown, sent, stuck: for the packer)."""
    url = own_server.new_database()
    orders = [fresh_order_id() for _ in range(ORDERS)]
    lists = {
        name: random.Random(f"outage-{name}").sample(orders, PER_STATION)
        for name in CLI_STATIONS + WINDOW_STATIONS
    }
    before = cups_pdf_queue.snapshot()
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)

    def fetch_args(name: str) -> list[str]:
        args = ["fetch", "--json", "--api-base", sandbox.base_url]
        return [*args, "--print", cups_pdf_queue.name, *lists[name]]

    def prints_so_far() -> int:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM prints").fetchone()[0])

    with ExitStack() as stack:
        windows = {
            name: stack.enter_context(
                ledger_window(
                    sandbox,
                    label_profile,
                    print_queue,
                    None,
                    url,
                    settings=settings,
                    ask=Declines(),
                    station=name,
                )
            )[0]
            for name in WINDOW_STATIONS
        }
        for name, window in windows.items():
            window.add_text("\n".join(lists[name]))
            window.fetch()
        for window in windows.values():
            qtbot.waitUntil(lambda w=window: not w.fetcher.running, timeout=60_000)
        runs = {n: start_station(tmp_path, n, fetch_args(n), url, sandbox, 1) for n in CLI_STATIONS}

        # The server stops once a few labels are out.
        qtbot.waitUntil(lambda: prints_so_far() >= 3, timeout=120_000)
        own_server.stop()
        # The windows print now: nothing goes out, and the packer is told why.
        for window in windows.values():
            window.actions_.print_all.trigger()
            # the claims run off the GUI thread: the answer comes back to the window
            qtbot.waitUntil(lambda w=window: w.printer.pending == 0, timeout=60_000)
            assert "warehouse ledger cannot be reached" in window.scan_bar.message_text()
        qtbot.waitUntil(lambda: all(r.poll() is not None for r in runs.values()), timeout=120_000)
        stopped = [name for name, r in runs.items() if r.returncode == 2]
        assert stopped, "no station process was running when the server stopped"
        for name in stopped:
            err = (tmp_path / f"{name}-1.err").read_text()
            # A process that had its ledger open says the ledger went away; one still
            # starting when the server stopped (slow under load) says it cannot be used
            # and that nothing was printed. Either way it stops and says why.
            went_away = "the ledger went away during the run" in err
            never_opened = "cannot be used" in err and "Nothing was printed" in err
            assert went_away or never_opened, err[-2000:]

        # Back: every station carries on.
        own_server.start()
        reruns = {n: start_station(tmp_path, n, fetch_args(n), url, sandbox, 2) for n in stopped}
        for window in windows.values():
            window.actions_.print_all.trigger()
        wait_until_quiet(
            qtbot,
            lambda: (
                all(w.printer.pending == 0 for w in windows.values())
                and print_queue_idle(print_queue)
                and all(r.poll() is not None for r in reruns.values())
            ),
            timeout_ms=240_000,
        )
        for name, rerun in reruns.items():
            err = (tmp_path / f"{name}-2.err").read_text()
            assert rerun.returncode in (0, 1), err[-3000:]
            assert len(json_lines((tmp_path / f"{name}-2.out").read_text())) == PER_STATION
        wait_until_cups_settled(
            qtbot, cups_pdf_queue, before, lambda: print_queue_idle(print_queue), 120_000
        )

    # On the ledger: every waybill has exactly one print, printed or clearly pending.
    prints = all_prints(url)
    waybills = sorted({p.waybill_id for p in prints})
    assert len(waybills) == len(set().union(*lists.values()))
    originals = [p for p in prints if not p.is_reprint]
    assert sorted(p.waybill_id for p in originals) == waybills
    assert {p.outcome for p in prints} <= {*OUT, *PENDING}, prints
    assert all(not p.is_reprint for p in prints)
    # On paper: no waybill twice; every one printed exactly once.
    jobs = sorted(cups_pdf_queue.new_jobs_since(before))
    names = [pdf.name for job in jobs if (pdf := cups_pdf_queue.pdf_for_job(job)) is not None]
    count = {w: sum(n.startswith(f"{w}_") for n in names) for w in waybills}
    assert max(count.values()) == 1, count
    out = {p.waybill_id for p in prints if p.outcome in OUT}
    assert {w for w in out if count[w] != 1} == set()
