"""The WeChat client as the engine's waybill source, end to end against the sandbox."""

from __future__ import annotations

import threading

import requests

from app.core.engine import fetch_waybills
from app.core.model import OrderRef, Waybill, WaybillStatus
from app.sandbox.server import SandboxServer
from app.wechat.client import WeChatClient
from app.wechat.errors import NO_ANSWER
from app.wechat.http import make_session
from app.wechat.tokens import StableTokenSource, TokenCache


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
