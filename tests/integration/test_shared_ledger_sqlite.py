"""One station's SQLite ledger used by several programs at once: three `fetch --print` runs
and the window, all printing the same orders to the real cups-pdf queue.

Every run registers itself (host, pid, heartbeat); recovery settles only runs whose
process is gone, and each print starts with a claim on its waybill. So no run is
aborted, no print is wrongly flagged "unknown", and every waybill comes out exactly once.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from tests.fixtures.cups import CupsPdfQueue
from tests.integration.cups_support import fresh_order_id, own_pdfs
from tests.integration.ledger_cli import cli_command, cli_env, json_lines, ledger_path
from tests.unit.ui.ledger_support import ledger_window
from tests.unit.ui.support import sandbox_settings

pytestmark = [pytest.mark.cups, pytest.mark.slow]

ORDERS = 15
RUNS = 3


class Declines:
    """The packer at the window: says no to every "print it again?" question."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def __call__(self, title: str, question: str) -> bool:
        self.questions.append(question)
        return False


def test_three_fetch_runs_and_the_window_print_each_waybill_once(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    home = tmp_path / "station"
    env = cli_env(home, sandbox)
    orders = [fresh_order_id() for _ in range(ORDERS)]
    before = cups_pdf_queue.snapshot()
    runs: list[subprocess.Popen[str]] = []
    for seed in range(RUNS):
        mine = orders[:]
        random.Random(seed).shuffle(mine)
        args = ["fetch", "--json", "--api-base", sandbox.base_url]
        args += ["--print", cups_pdf_queue.name, *mine]
        runs.append(
            subprocess.Popen(
                cli_command(*args),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    declines = Declines()
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    with ledger_window(
        sandbox,
        label_profile,
        print_queue,
        None,
        ledger_path(home),
        settings=settings,
        ask=declines,
    ) as (window, _features):
        window.add_text("\n".join(reversed(orders)))
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=60_000)
        window.actions_.print_all.trigger()
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=120_000)
        window_printed = [r.waybill_id for r in window.model.rows() if r.state.value == "printed"]
    results = [run.communicate(timeout=300) for run in runs]

    # No run aborted, none says a print of another run is unknown.
    for run, (out, err) in zip(runs, results, strict=True):
        assert run.returncode in (0, 1), err[-3000:]
        assert "unknown" not in err, err[-3000:]
        lines = json_lines(out)
        assert len(lines) == ORDERS
        for line in lines:
            message = str(line.get("errmsg", ""))
            assert line["status"] == "ok" or message.startswith(("already", "being printed"))
    # Every waybill exactly once on record...
    with Ledger(ledger_path(home)) as ledger:
        assert ledger.recover().empty
        prints = [
            p for row in ledger.search(limit=10_000) for p in ledger.attempts(row.order_row_id)
        ]
    # the command line's on paper (printed), the window's accepted by CUPS (spooled)
    assert all(p.outcome in (PrintOutcome.PRINTED, PrintOutcome.SPOOLED) for p in prints), prints
    assert not any(p.is_reprint for p in prints)
    waybills = sorted(p.waybill_id for p in prints)
    assert len(waybills) == ORDERS == len(set(waybills))
    cli_ok = sum(1 for out, _ in results for line in json_lines(out) if line["status"] == "ok")
    assert cli_ok + len(window_printed) == ORDERS
    # ... and on paper: once every job sent since the start has come out, one PDF each.
    jobs = cups_pdf_queue.new_jobs_since(before)
    cups_pdf_queue.wait_for_jobs(len(jobs), before)
    pdfs = own_pdfs(cups_pdf_queue, before, waybills)
    per_waybill = {w: [p.name for p in pdfs if p.name.startswith(f"{w}_")] for w in waybills}
    assert all(len(names) == 1 for names in per_waybill.values()), per_waybill
    assert len(pdfs) == ORDERS
