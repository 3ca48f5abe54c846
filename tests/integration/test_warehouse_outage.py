"""The warehouse ledger's server stops in the middle of printing and starts again.

A label already sent when the server went away still comes out, and its outcome reaches
the ledger once the server is back; labels started while it is away are not printed at
all, and the packer is told why at once. After the restart the rest print — every waybill
exactly once on paper, and on the ledger every print final (spooled), none left pending.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.postgres import PgServer
from tests.integration.cups_support import fresh_order_id, own_pdfs
from tests.unit.ui.ledger_support import ledger_window
from tests.unit.ui.support import row_states, sandbox_settings

pytestmark = [pytest.mark.cups, pytest.mark.slow]


def never_ask(title: str, question: str) -> bool:
    raise AssertionError(f"unexpected question: {question}")


def test_server_stopped_mid_print_and_restarted_prints_each_waybill_once(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    cups_pdf_queue: CupsPdfQueue,
    own_server: PgServer,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    url = own_server.new_database()
    orders = [fresh_order_id() for _ in range(4)]
    settings = sandbox_settings(sandbox, printer_name=cups_pdf_queue.name)
    before = cups_pdf_queue.snapshot()
    with ledger_window(
        sandbox,
        label_profile,
        print_queue,
        None,
        url,
        settings=settings,
        ask=never_ask,
        station="bench-9",
    ) as (window, features):
        window.add_text("\n".join(orders))
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=60_000)
        assert set(row_states(window).values()) == {"ready"}
        waybills = [row.waybill_id for row in window.model.rows()]

        # The server goes away while the first label is being printed.
        stopped: list[int] = []

        def stop_once(job_id: int) -> None:
            if not stopped:
                stopped.append(job_id)
                own_server.stop()

        print_queue.jobStarted.connect(stop_once)
        window.table.selectRow(0)
        window.actions_.print_selected.trigger()
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
        print_queue.jobStarted.disconnect(stop_once)
        assert stopped and row_states(window)[orders[0]] == "printed"  # the label came out
        guard = features.session.guard
        assert len(guard.unrecorded) == 1  # its outcome waits for the ledger

        # While it is away nothing is printed, and the packer is told at once.
        window.actions_.print_all.trigger()
        # the claims run off the GUI thread: the answer comes back to the window
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
        assert "warehouse ledger cannot be reached" in window.scan_bar.message_text()
        assert [row_states(window)[o] for o in orders[1:]] == ["ready"] * 3

        # Back again: the late outcome is written, the rest print once.
        own_server.start()
        window.actions_.print_all.trigger()
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=120_000)
        assert set(row_states(window).values()) == {"printed"}
        assert guard.unrecorded == []

    with Ledger(url, station="checker") as ledger:
        prints = [p for row in ledger.search(limit=1000) for p in ledger.attempts(row.order_row_id)]
    assert sorted(p.waybill_id for p in prints) == sorted(waybills)
    assert {(p.outcome, p.is_reprint, p.station) for p in prints} == {
        (PrintOutcome.SPOOLED, False, "bench-9")
    }
    jobs = cups_pdf_queue.new_jobs_since(before)
    cups_pdf_queue.wait_for_jobs(len(jobs), before)
    pdfs = own_pdfs(cups_pdf_queue, before, waybills)
    assert sorted(p.name.split("_")[0] for p in pdfs) == sorted(waybills)
