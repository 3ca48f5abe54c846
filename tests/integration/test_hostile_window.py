"""The window against the hostile server: a pasted spreadsheet range with quoted fields,
an answer that echoes the token and the AppSecret (in messages and inside the label), a
waybill id answered for two orders. What the packer sees is masked; a reused waybill id is
the second order's error."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.codes import WAYBILL_REUSED
from app.core.engine import WaybillSource
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.ledger_session import LedgerFeatures
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from app.wiring.client import Credentials, build_client
from tests.integration.hostile_server import Handler, HostileServer, answer_json, echo_orders
from tests.unit.ui.ledger_support import history_row, ledger_window
from tests.unit.ui.support import sandbox_settings

pytestmark = pytest.mark.slow


def test_the_window_shows_quoted_orders_and_never_an_echoed_secret(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    with HostileServer() as hostile:

        def behaviour(handler: Handler, body: dict[str, Any]) -> None:
            answer = echo_orders(body)
            answer["order_list"][0].update(
                errcode=9300501, errmsg=f"token {hostile.token} secret {hostile.secret}"
            )
            answer_json(handler, answer)

        hostile.batchget = behaviour
        settings = sandbox_settings(sandbox).replace(api_base=hostile.base_url)

        def source() -> WaybillSource:
            creds = Credentials(appid=hostile.appid, secret=hostile.secret)
            return build_client(settings, creds)

        with ledger_window(
            sandbox,
            label_profile,
            print_queue,
            tmp_path / "pdf",
            tmp_path / "l.sqlite3",
            make_source=source,
        ) as (window, features):
            window.add_text('"订单号","快递公司"\n"H1","SF"\n"H2","sf"\n')
            window.fetch()
            qtbot.waitUntil(lambda: not window.fetcher.running, timeout=60_000)
            rows = window.model.rows()
            assert [(r.ref.order_id, r.ref.delivery_id) for r in rows] == [
                ("H1", "SF"),
                ("H2", "SF"),
            ]
            assert [r.state for r in rows] == [RowState.ERROR, RowState.READY]
            assert "token *** secret ***" in rows[0].message
            stored = history_row(features.session.ledger, "H1")
            shown = [r.message for r in rows] + [repr(stored)]
            for secret in (hostile.token, hostile.secret):
                assert not [text for text in shown if secret in text]


@contextmanager
def hostile_window(
    hostile: HostileServer,
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[tuple[MainWindow, LedgerFeatures]]:
    settings = sandbox_settings(sandbox).replace(api_base=hostile.base_url)

    def source() -> WaybillSource:
        return build_client(settings, Credentials(appid=hostile.appid, secret=hostile.secret))

    with ledger_window(
        sandbox,
        label_profile,
        print_queue,
        tmp_path / "pdf",
        tmp_path / "l.sqlite3",
        make_source=source,
    ) as made:
        yield made


def fetch_all(window: MainWindow, qtbot: QtBot) -> None:
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=60_000)


def test_a_waybill_id_answered_for_a_second_order_is_its_error_in_the_window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    with HostileServer() as hostile:
        hostile.batchget = lambda handler, body: answer_json(
            handler, echo_orders(body, waybill_id="WB-SAME")
        )
        with hostile_window(hostile, sandbox, label_profile, print_queue, tmp_path) as (
            window,
            features,
        ):
            window.add_text("W1,SF\n")
            fetch_all(window, qtbot)
            window.add_text("W2,SF\nW3,ZTO\n")  # a later fetch of the same session
            fetch_all(window, qtbot)
            rows = {r.ref.order_id: r for r in window.model.rows()}
            assert rows["W1"].state is RowState.READY
            for order_id in ("W2", "W3"):
                row = rows[order_id]
                assert row.state is RowState.ERROR, order_id
                assert row.waybill is not None and row.waybill.errcode == WAYBILL_REUSED
                assert not row.waybill.printable and "order W1" in row.message
                stored = history_row(features.session.ledger, order_id)
                assert (stored.fetch_status, stored.errcode) == ("error", WAYBILL_REUSED)
            assert history_row(features.session.ledger, "W1").fetch_status == "ok"


def test_a_secret_echoed_inside_the_label_is_masked_in_the_preview_and_the_ledger(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    with HostileServer() as hostile:
        label = f"<html><body>label {hostile.token} / {hostile.secret}</body></html>"
        print_html = base64.b64encode(label.encode()).decode()
        hostile.batchget = lambda handler, body: answer_json(
            handler, echo_orders(body, print_html=print_html)
        )
        with hostile_window(hostile, sandbox, label_profile, print_queue, tmp_path) as (
            window,
            features,
        ):
            window.add_text("T1,SF\n")
            fetch_all(window, qtbot)
            (row,) = window.model.rows()
            assert row.state is RowState.READY and row.waybill is not None
            assert row.waybill.html == "<html><body>label *** / ***</body></html>"
            stored = features.session.ledger.stored_waybill("WB-T1")
            assert stored is not None and stored.html == row.waybill.html
