"""Every sandbox fault through the ledger-backed window: it keeps working.

Whatever goes wrong, each order ends in exactly one final row state with a message that
says what to do — a fault of the whole service (busy, HTTP 500, no answer, refused)
leaves the orders queued under one outage banner instead of marking each one failed —
the ledger holds exactly that outcome for each, Print all prints nothing for an order
that failed, and once the fault is gone a second Fetch brings the failed orders in.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.engine import WaybillSource
from app.core.ledger_records import OrderState
from app.core.settings import Settings
from app.printing.queue import PrintQueue
from app.sandbox.faults import Faults
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from app.wiring.client import Credentials, build_client
from tests.unit.ui.ledger_support import history_row, ledger_window, prints_of
from tests.unit.ui.support import row_states, sandbox_settings

pytestmark = pytest.mark.slow

ORDERS = ["W1", "W2", "W3"]
ALWAYS = 1_000_000
LEDGER_STATE = {
    RowState.READY: OrderState.FETCHED,
    RowState.ERROR: OrderState.FAILED,
    RowState.CANCELLED: OrderState.CANCELLED,
    RowState.QUEUED: OrderState.FAILED,  # the ledger keeps the failed attempt
}


@dataclass(frozen=True)
class Case:
    """How to arm a fault, and how the three orders end (row states in order)."""

    switches: dict[str, object]
    states: tuple[RowState, ...]
    refused: bool = False
    warm_up: bool = False
    """Fetch one order before arming (so a token is cached when the fault hits)."""
    read_timeout: float = 20.0


ERR = (RowState.ERROR,) * 3
OUTAGE = (RowState.QUEUED,) * 3
CASES = {
    "token_expiry": Case({"expire_token_after": 0}, (RowState.READY,) * 3, warm_up=True),
    "system_busy": Case({"system_busy": ALWAYS}, OUTAGE),
    "too_frequent": Case({"too_frequent": ALWAYS}, OUTAGE),
    "http_500": Case({"http_500": ALWAYS}, OUTAGE),
    "slow_beyond_timeout": Case({"slow_seconds": 3.0}, OUTAGE, read_timeout=1.0),
    "connection_refused": Case({}, OUTAGE, refused=True),
    "dropped_item": Case({"drop_item": True}, (RowState.READY, RowState.READY, RowState.ERROR)),
    "malformed_json": Case({"malformed_json": ALWAYS}, ERR),
    "corrupt_base64": Case({"corrupt_base64": True}, ERR),
    "empty_label": Case({"empty_label": True}, ERR),
    "cancelled_orders": Case({"cancel_all": True}, (RowState.CANCELLED,) * 3),
}


class SwitchableSource:
    """Builds clients from whatever settings are current (to point away and back)."""

    def __init__(self, sandbox: SandboxServer, settings: Settings) -> None:
        self.sandbox = sandbox
        self.settings = settings

    def __call__(self) -> WaybillSource:
        creds = Credentials(appid=self.sandbox.appid, secret=self.sandbox.secret)
        return build_client(self.settings, creds)


def fetch_and_wait(window: MainWindow, qtbot: QtBot) -> None:
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=60_000)


@pytest.mark.parametrize("name", list(CASES))
def test_window_survives_the_fault_and_prints_nothing_that_failed(
    name: str,
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    case = CASES[name]
    pdf_dir = tmp_path / "pdf"
    good = sandbox_settings(sandbox, read_timeout=case.read_timeout)
    source = SwitchableSource(sandbox, good)
    with (
        socket.socket() as closed_port,
        ledger_window(
            sandbox, label_profile, print_queue, pdf_dir, tmp_path / "l.sqlite3", make_source=source
        ) as (window, features),
    ):
        ledger = features.session.ledger
        if case.warm_up:
            window.add_text("W0")
            fetch_and_wait(window, qtbot)
            window.model.clear()
        if case.refused:
            closed_port.bind(("127.0.0.1", 0))
            port = closed_port.getsockname()[1]
            source.settings = good.replace(api_base=f"http://127.0.0.1:{port}")
        for switch, value in case.switches.items():
            setattr(sandbox.faults, switch, value)

        window.add_text("\n".join(ORDERS))
        fetch_and_wait(window, qtbot)

        # exactly one final state per order, each failure saying what to do
        rows = window.model.rows()
        assert [r.ref.order_id for r in rows] == ORDERS
        assert tuple(r.state for r in rows) == case.states, [r.message for r in rows]
        states = {r.ref.order_id: r.state for r in rows}  # rows change when printed
        for row in rows:
            assert history_row(ledger, row.ref.order_id).state is LEDGER_STATE[row.state]
            if row.state is RowState.READY:
                continue
            assert row.message.strip()
            if row.state is RowState.QUEUED:
                assert window.scan_bar.message.property("tone") == "error"
            if row.state is RowState.ERROR:
                assert row.waybill is not None and row.waybill.hint is not None
                assert row.waybill.hint.en in row.message

        # Print all: labels only for the orders that are ready
        ready = [r.waybill_id for r in rows if r.state is RowState.READY]
        window.actions_.print_all.trigger()
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
        files = sorted(p.name for p in pdf_dir.iterdir()) if pdf_dir.exists() else []
        assert files == sorted(f"{waybill_id}.pdf" for waybill_id in ready)
        for order_id, state in states.items():
            printed = prints_of(ledger, order_id)
            assert len(printed) == (1 if state is RowState.READY else 0)
            assert row_states(window)[order_id] == (
                "printed" if state is RowState.READY else state.value
            )

        # the fault goes away: the window fetches again
        sandbox.faults = Faults()
        source.settings = good
        window.fetcher.reset_source()
        if RowState.ERROR in states.values() or RowState.QUEUED in states.values():
            fetch_and_wait(window, qtbot)
        expected = {
            order_id: "cancelled" if state is RowState.CANCELLED else "ready"
            for order_id, state in states.items()
            if state is not RowState.READY
        }
        after = row_states(window)
        assert {k: after[k] for k in expected} == expected
        assert window.actions_.fetch.isEnabled() is False  # nothing left to fetch
