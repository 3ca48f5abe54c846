"""The warehouse ledger goes away in the middle of a window's session: the packer decides.

A real PostgreSQL server of this test's own is stopped while the window is up. The next
Print all asks the packer at once; "Retry" tries again (still away, asked again), "Print
with this station's guard only" prints the labels on the real cups-pdf queue and records
them in the station's own SQLite ledger. One of those waybills was printed at another
station just before the outage. When the server is started again the window finds it by
itself: the local prints are written to the warehouse ledger, the guard goes back to it,
and the waybill printed at both stations is listed for the packer.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import OrderState, PrintOutcome, PrintRecord
from app.core.ledger_url import LedgerLocation
from app.core.model import OrderRef
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.ledger_fallback import FallbackPrintGuard
from app.ui.ledger_outage_prompt import LOCAL, RETRY
from app.ui.ledger_session import attach_ledger
from app.ui.ledger_startup import open_window_ledger
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.postgres import PgServer
from tests.fixtures.qt import print_queue_idle
from tests.integration.cups_support import fresh_order_id, wait_until_cups_settled
from tests.integration.ledger_cli import cli_command, cli_env
from tests.unit.core.ledger_support import ok_waybill
from tests.unit.ui.support import open_window, row_states, sandbox_settings

pytestmark = [pytest.mark.cups, pytest.mark.slow]


def never_ask(title: str, question: str) -> bool:
    raise AssertionError(f"unexpected question: {question}")


def prints_in(location: Path | str) -> list[PrintRecord]:
    with Ledger(location, station="checker") as ledger:
        return [p for row in ledger.search(limit=1000) for p in ledger.attempts(row.order_row_id)]


def test_the_packer_prints_on_the_local_guard_and_hears_of_a_double_print_after(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    own_server: PgServer,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    url = own_server.new_database()
    local_file = tmp_path / "ledger.sqlite3"
    orders = [fresh_order_id() for _ in range(3)]
    session = open_window_ledger(LedgerLocation(local_file, url), 180, station="win-A")
    guard = session.guard
    assert isinstance(guard, FallbackPrintGuard)
    answers = [RETRY, LOCAL]
    asked: list[str] = []

    def choose(problem: str) -> str:
        asked.append(problem)
        return answers.pop(0)

    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    before = cups_pdf_queue.snapshot()
    try:
        with open_window(
            sandbox,
            label_profile,
            print_queue,
            None,
            settings=settings,
            ask=never_ask,
            print_guard=guard,
        ) as window:
            features = attach_ledger(window, session)
            guard.choose = choose  # the packer's answers, instead of the message box
            assert features.fallback is not None
            features.fallback.timer.setInterval(100)
            banner = features.fallback.banner
            assert not banner.isVisible()
            window.add_text("\n".join(orders))
            window.fetch()
            qtbot.waitUntil(lambda: not window.fetcher.running, timeout=60_000)
            waybills = [row.waybill_id for row in window.model.rows()]
            assert all(waybills) and len(set(waybills)) == 3

            # Another station prints the third waybill just before the server goes away.
            with Ledger(url, station="win-B") as other:
                (row,) = other.record_queued([OrderRef(orders[2], "SF")])
                other.record_fetch_result(row, ok_waybill(OrderRef(orders[2], "SF"), waybills[2]))
                other.finish_print(
                    other.begin_print(row, waybill_id=waybills[2], printer="P", copies=1), ok=True
                )
            own_server.stop()

            # Print all: the packer is asked at once (when the first claim comes back from
            # the background), retries, then chooses the local guard.
            window.actions_.print_all.trigger()
            qtbot.waitUntil(lambda: len(asked) == 2, timeout=30_000)
            assert answers == []
            assert guard.local and banner.isVisible()  # and it stays up
            qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
            assert set(row_states(window).values()) == {"printed"}
            local = prints_in(local_file)
            assert sorted(p.waybill_id for p in local) == sorted(waybills)
            assert {p.station for p in local} == {"win-A"}
            assert {p.outcome for p in local} <= {PrintOutcome.SPOOLED, PrintOutcome.PRINTED}

            # While the server is away the window keeps looking, and keeps the local guard.
            qtbot.waitUntil(lambda: guard.failed_looks >= 2, timeout=30_000)
            assert guard.local and features.printed_elsewhere == []

            # Back: the window finds it by itself, writes the local prints, lists the double.
            own_server.start()
            with qtbot.waitSignal(guard.returned, timeout=60_000):
                pass
            assert not guard.local and not banner.isVisible()
            assert features.printed_elsewhere == [waybills[2]]
            assert waybills[2] in window.scan_bar.message_text()
            wait_until_cups_settled(
                qtbot, cups_pdf_queue, before, lambda: print_queue_idle(print_queue)
            )
    finally:
        session.close()

    shared = prints_in(url)
    by_station = sorted((p.waybill_id, p.station, p.is_reprint) for p in shared)
    assert by_station == sorted(
        [
            (waybills[0], "win-A", False),
            (waybills[1], "win-A", False),
            (waybills[2], "win-B", False),
            (waybills[2], "win-A", True),  # recorded, as a reprint: win-B's claim stays
        ]
    )
    assert {p.outcome for p in shared} <= {PrintOutcome.SPOOLED, PrintOutcome.PRINTED}
    with Ledger(url, station="checker") as ledger:  # nothing left open for recovery
        history = ledger.search(limit=1000)
        states = {(r.order_id, r.state) for r in history}
        stations = {r.order_row_id: r.last_station for r in history}
    assert {o for o, state in states if state is OrderState.FETCHED} == set()
    assert {o for o, _state in states} == set(orders)
    # History lists each print once, on the window's own row of its order (win-B's row of
    # the third order has win-B's print): no order row without its print.
    assert sorted((r.order_id, r.attempts) for r in history) == sorted(
        [(orders[0], 1), (orders[1], 1), (orders[2], 1), (orders[2], 1)]
    )
    assert sorted(stations.values()) == ["win-A", "win-A", "win-A", "win-B"]
    # On paper: this window's three labels, each once.
    jobs = sorted(cups_pdf_queue.new_jobs_since(before))
    names = [pdf.name for job in jobs if (pdf := cups_pdf_queue.pdf_for_job(job)) is not None]
    ours = sorted(n.split("_")[0] for n in names if n.startswith(tuple(waybills)))
    assert ours == sorted(waybills)


def test_the_command_line_stops_clearly_when_the_ledger_goes_away_mid_run(
    sandbox: SandboxServer, own_server: PgServer, tmp_path: Path
) -> None:
    """`fetch` writing labels when the server stops: status 2, a message that says what
    came out and what to do, and every label written is on the ledger once."""
    url = own_server.new_database()
    home, out_dir = tmp_path / "home", tmp_path / "labels"
    env = cli_env(home, sandbox)
    env["WAYBILL_LEDGER_URL"] = url
    orders = [fresh_order_id() for _ in range(60)]
    args = ["fetch", "--api-base", sandbox.base_url, "--pdf-dir", str(out_dir), *orders]
    with (tmp_path / "err").open("w") as err:
        run = subprocess.Popen(cli_command(*args), env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while not list(out_dir.glob("*.pdf")):
            assert run.poll() is None, (tmp_path / "err").read_text()[-2000:]
            assert time.monotonic() < deadline, "no label was written"
            time.sleep(0.02)
        own_server.stop()
        assert run.wait(timeout=120) == 2
    finally:
        if run.poll() is None:
            run.kill()
    message = (tmp_path / "err").read_text()
    assert "the ledger went away during the run" in message, message[-2000:]
    assert "Run the same command again when the server answers" in message
    written = sorted(p.stem for p in out_dir.glob("*.pdf"))
    assert 0 < len(written) < len(orders)
    own_server.start()
    out = (PrintOutcome.SPOOLED, PrintOutcome.PRINTED)
    recorded = sorted(p.waybill_id for p in prints_in(url) if p.outcome in out)
    assert set(recorded) <= set(written)  # nothing recorded as out that is not out
    assert len(recorded) == len(set(recorded))
    said = re.search(r"Stopped: (\d+) label", message)
    assert said is not None
    told = int(said.group(1))  # and at most one more, being put out as it went away
    assert told <= len(recorded) <= len(written) <= told + 1
