"""The window against the hostile server: a pasted spreadsheet range with quoted fields,
an answer that echoes the token and the AppSecret. What the packer sees is masked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.engine import WaybillSource
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
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
