"""The WeChat client as the engine's waybill source, end to end against the sandbox."""

from __future__ import annotations

import threading

import requests

from app.core.engine import fetch_waybills
from app.core.model import OrderRef, Waybill, WaybillStatus
from app.core.settings import Settings
from app.sandbox.server import SandboxServer
from app.wechat.client import WeChatClient
from app.wechat.errors import NO_ANSWER
from app.wechat.http import make_session
from app.wechat.tokens import StableTokenSource, TokenCache
from app.wiring.client import Credentials, build_client

BATCHGET = "/cgi-bin/express/business/order/batchget"


def test_engine_fetches_decodes_and_orders_waybills_through_the_client(
    sandbox: SandboxServer,
) -> None:
    session: requests.Session = make_session(retries=1, backoff=0.0)
    source = StableTokenSource(session, sandbox.base_url, sandbox.appid, sandbox.secret)
    client = WeChatClient(session, sandbox.base_url, TokenCache(source), timeout=(5.0, 60.0))
    refs = [OrderRef(f"E2E{i:03d}", "SF") for i in range(120)]
    refs[7] = OrderRef("CANCEL-7", "SF")
    refs[50] = OrderRef("MISSING-50", "SF")
    refs[99] = OrderRef("DROP-99", "SF")
    seen: list[Waybill] = []
    lock = threading.Lock()

    def on_batch(batch: list[Waybill]) -> None:
        with lock:
            seen.extend(batch)

    try:
        waybills = fetch_waybills(client, refs, on_batch=on_batch)
    finally:
        client.close()
        session.close()
    assert [w.ref for w in waybills] == refs
    assert len(seen) == len(refs)
    assert waybills[7].status is WaybillStatus.CANCELLED and not waybills[7].printable
    assert waybills[50].status is WaybillStatus.ERROR and waybills[50].errcode == 930563
    assert waybills[99].errcode == NO_ANSWER
    printable = [w for i, w in enumerate(waybills) if i not in (7, 50, 99)]
    assert all(w.printable and w.html and "<html" in w.html.lower() for w in printable)
    assert sorted(sandbox.stats.batch_sizes) == [20, 100]


def test_no_orders_ask_the_api_nothing(sandbox: SandboxServer) -> None:
    client = build_client(
        Settings(api_base=sandbox.base_url), Credentials(sandbox.appid, sandbox.secret)
    )
    try:
        assert fetch_waybills(client, []) == []
    finally:
        client.close()
    assert sandbox.stats.calls(BATCHGET) == 0


def test_the_default_settings_make_four_calls_at_once(sandbox: SandboxServer) -> None:
    settings = Settings(api_base=sandbox.base_url)
    assert settings.concurrency == 4  # the default this test is about
    client = build_client(settings, Credentials(sandbox.appid, sandbox.secret))
    sandbox.latency = 0.5  # each call takes long enough for the others to start meanwhile
    refs = [OrderRef(f"C{i:04d}", "SF") for i in range(800)]  # eight calls of 100
    try:
        waybills = fetch_waybills(client, refs)
    finally:
        client.close()
    assert [w.ref for w in waybills] == refs and all(w.printable for w in waybills)
    assert sandbox.stats.batch_sizes == [100] * 8
    assert sandbox.stats.most_in_flight(BATCHGET) == 4  # four at once, never more
