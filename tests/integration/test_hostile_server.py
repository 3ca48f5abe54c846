"""The WeChat client against a server that misbehaves on purpose (real HTTP on loopback).

Each misbehaviour ends as a clear error for the orders of the affected call only; the
other calls of the same fetch go on. No test here mocks anything below the socket.
"""

from __future__ import annotations

import gzip
import json
import logging
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.core.model import ApiItem, OrderRef
from app.wechat.client import WeChatClient
from app.wechat.errors import BAD_RESPONSE, NO_ANSWER, TRANSPORT, ConfigError
from app.wechat.http import make_session, request_json
from app.wechat.tokens import StableTokenSource, TokenCache
from tests.integration.hostile_server import (
    Handler,
    HostileServer,
    ProxyRecorder,
    answer_json,
    answer_raw,
    drip,
    echo_orders,
)

MakeClient = Callable[..., WeChatClient]


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.fixture
def make_client(hostile: HostileServer) -> Iterator[MakeClient]:
    made: list[WeChatClient] = []
    session = make_session(retries=0, backoff=0.0)

    def build(**overrides: Any) -> WeChatClient:
        source = StableTokenSource(session, hostile.base_url, hostile.appid, hostile.secret)
        options: dict[str, Any] = {"timeout": (2.0, 5.0), "batch_size": 2, "concurrency": 2}
        options.update(overrides)
        client = WeChatClient(
            session,
            hostile.base_url,
            TokenCache(source),
            secrets=lambda: [hostile.secret],
            **options,
        )
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()
    session.close()


def refs(*ids: str) -> list[OrderRef]:
    return [OrderRef(i, "SF") for i in ids]


def first_order(body: dict[str, Any]) -> str:
    return str(body["order_list"][0]["order_id"])


def by_order(items: list[ApiItem]) -> dict[str, ApiItem]:
    return {item.ref.order_id: item for item in items}


# ---- 1. a total deadline per call ----------------------------------------------------


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_dripping_server_ends_its_call_at_the_deadline_and_the_other_call_goes_on(
    hostile: HostileServer, make_client: MakeClient, headers_too: bool
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        if first_order(body) == "DRIP1":
            # Each byte arrives well within the 2.5 s read timeout; the whole never does.
            drip(handler, json.dumps(echo_orders(body)).encode(), 1.0, headers_too=headers_too)
        else:
            answer_json(handler, echo_orders(body))

    hostile.batchget = behaviour
    client = make_client(timeout=(1.0, 2.5))  # a total of 1 + 2 × 2.5 = 6 s per call
    started = time.monotonic()
    items = by_order(client.batch_get_orders(refs("DRIP1", "DRIP2", "FINE1", "FINE2")))
    elapsed = time.monotonic() - started
    for order in ("DRIP1", "DRIP2"):
        assert items[order].errcode == TRANSPORT
        assert "no complete answer within 6 s" in items[order].errmsg
    assert items["FINE1"].errcode == 0 and items["FINE2"].errcode == 0
    assert elapsed < 30  # an answer of ~300 bytes at 1 byte/s would take minutes


# ---- 2. a size cap after decompression ----------------------------------------------


def gzip_bomb(inflated: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(inflated // len(zeros))]
    return b"".join(parts) + packer.flush()


def test_a_gzip_bomb_is_refused_at_the_cap_without_inflating_it(
    hostile: HostileServer, make_client: MakeClient
) -> None:
    bomb = gzip_bomb(256 * 1024 * 1024)  # ~250 KB on the wire, 256 MB inflated
    assert len(bomb) < 1024 * 1024

    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        if first_order(body) == "BOMB1":
            answer_raw(handler, bomb, headers={"Content-Encoding": "gzip"})
        else:
            small = gzip.compress(json.dumps(echo_orders(body)).encode())
            answer_raw(handler, small, headers={"Content-Encoding": "gzip"})

    hostile.batchget = behaviour
    client = make_client(max_answer_bytes=1024 * 1024, concurrency=1)
    tracemalloc.start()
    try:
        items = by_order(client.batch_get_orders(refs("BOMB1", "BOMB2", "FINE1")))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert items["BOMB1"].errcode == BAD_RESPONSE
    assert "larger than 1 MB" in items["BOMB1"].errmsg
    assert items["FINE1"].errcode == 0  # a gzip answer under the cap is read as usual
    assert peak < 8 * 1024 * 1024  # streamed: never near the 256 MB the bomb inflates to


# ---- 3. malformed answers: nesting, huge numbers -------------------------------------


def test_deeply_nested_json_is_a_bad_response_not_a_recursion_error(
    hostile: HostileServer, make_client: MakeClient
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        order = first_order(body)
        if order == "DEEP1":
            answer_raw(handler, b"[" * 200_000 + b"]" * 200_000)
        elif order == "DEEP3":  # parseable, but one item's message is a nested array
            answer = echo_orders(body)
            nested = "[" * 900 + "]" * 900
            text = json.dumps(answer).replace(
                '"errmsg": "ok", "order_id"', f'"errmsg": {nested}, "order_id"', 1
            )
            answer_raw(handler, text.encode())
        else:
            answer_json(handler, echo_orders(body))

    hostile.batchget = behaviour
    items = by_order(make_client().batch_get_orders(refs("DEEP1", "DEEP2", "DEEP3", "FINE3")))
    assert items["DEEP1"].errcode == BAD_RESPONSE and "nested too deeply" in items["DEEP1"].errmsg
    assert items["DEEP2"].errcode == BAD_RESPONSE
    assert items["DEEP3"].errcode == BAD_RESPONSE and "errmsg" in items["DEEP3"].errmsg
    assert items["FINE3"].errcode == 0


def test_numbers_out_of_range_are_bad_responses_for_their_order_only(
    hostile: HostileServer, make_client: MakeClient
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        answer = echo_orders(body)
        order = first_order(body)
        if order == "BIG1":
            answer["order_list"][0]["errcode"] = 2**63
            answer["order_list"][1]["order_status"] = -(2**64)
        elif order == "BIG3":
            answer["errcode"] = 2**63  # the whole call
        elif order == "BIG5":
            answer_raw(handler, b'{"errcode": ' + b"9" * 5000 + b"}")
            return
        answer_json(handler, answer)

    hostile.batchget = behaviour
    wanted = refs("BIG1", "BIG2", "BIG3", "BIG4", "BIG5", "BIG6", "FINE1")
    items = by_order(make_client().batch_get_orders(wanted))
    assert items["BIG1"].errcode == BAD_RESPONSE and "errcode" in items["BIG1"].errmsg
    assert items["BIG2"].errcode == BAD_RESPONSE and "order_status" in items["BIG2"].errmsg
    assert items["BIG3"].errcode == items["BIG4"].errcode == BAD_RESPONSE
    assert "errcode is not a number in range" in items["BIG3"].errmsg
    assert items["BIG5"].errcode == items["BIG6"].errcode == BAD_RESPONSE
    assert items["FINE1"].errcode == 0


# ---- 4. echoed secrets, long messages ----------------------------------------------


def test_echoed_token_and_appsecret_are_masked_in_every_field(
    hostile: HostileServer, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        order = first_order(body)
        if order == "ECHO3":  # the whole call fails, its message quoting the AppSecret
            answer_json(handler, {"errcode": 9300502, "errmsg": f"bad {hostile.secret}"})
            return
        answer = echo_orders(body)
        first, second = answer["order_list"]
        first.update(errcode=9300501, errmsg=f"token {hostile.token} is wrong")
        first.update(delivery_resultcode=1, delivery_resultmsg=f"secret={hostile.secret}")
        second["waybill_data"] = [{"key": "note", "value": f"t={hostile.token}"}]
        answer_json(handler, answer)

    hostile.batchget = behaviour
    caplog.set_level(logging.DEBUG)
    items = by_order(make_client().batch_get_orders(refs("ECHO1", "ECHO2", "ECHO3", "ECHO4")))
    assert items["ECHO1"].errcode == 9300501
    assert "token *** is wrong" in items["ECHO1"].errmsg and "secret=***" in items["ECHO1"].errmsg
    assert items["ECHO2"].waybill_data == (("note", "t=***"),)
    assert items["ECHO3"].errcode == 9300502 and "bad ***" in items["ECHO3"].errmsg
    texts = [repr(item) for item in items.values()] + [caplog.text]
    for secret in (hostile.token, hostile.secret):
        assert all(secret not in text for text in texts)


def test_a_5_mb_message_is_shortened_for_display_and_kept_whole_in_the_log(
    hostile: HostileServer, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    huge = "x" * (5 * 1024 * 1024) + hostile.token

    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        answer = echo_orders(body)
        answer["order_list"][0].update(errcode=9300501, errmsg=huge)
        answer_json(handler, answer)

    hostile.batchget = behaviour
    caplog.set_level(logging.WARNING)
    items = by_order(make_client(batch_size=1).batch_get_orders(refs("LONG1")))
    message = items["LONG1"].errmsg
    assert len(message) < 400 and "whole text in the log" in message
    logged = [r.getMessage() for r in caplog.records if "whole server message" in r.getMessage()]
    assert len(logged) == 1 and len(logged[0]) > 5 * 1024 * 1024
    assert logged[0].endswith("x***") and hostile.token not in logged[0]


# ---- 5. proxies and plain http -----------------------------------------------------


def test_a_loopback_call_never_goes_through_a_proxy_from_the_environment(
    hostile: HostileServer, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ProxyRecorder() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        items = make_client().batch_get_orders(refs("P1", "P2", "P3"))
        assert [item.errcode for item in items] == [0, 0, 0]  # token and calls went direct
    assert proxy.connections == 0 and bytes(proxy.received) == b""


@pytest.mark.parametrize("url", ["http://192.0.2.10/cgi-bin/stable_token", "http://example.com/x"])
def test_credentials_over_plain_http_to_another_host_are_refused_before_sending(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ProxyRecorder() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        session = make_session(retries=0)
        source = StableTokenSource(session, url.rsplit("/cgi-bin", 1)[0], "wxappid", "S3CRET")
        with pytest.raises(ConfigError) as caught:
            source.fetch()
        with pytest.raises(ConfigError):
            request_json(session, "GET", url, timeout=1.0, logger=logging.getLogger("t"), what="x")
        session.close()
    assert "plain http" in str(caught.value)
    assert proxy.connections == 0 and bytes(proxy.received) == b""


# ---- 6. text/plain with Chinese, an item without delivery_id --------------------------


def test_a_text_plain_answer_is_read_as_utf8_json(
    hostile: HostileServer, make_client: MakeClient
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        answer = echo_orders(body)
        answer["order_list"][0].update(errcode=9300501, errmsg="收件人地址超区")
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        answer_raw(handler, data, content_type="text/plain")  # no charset: ISO-8859-1 per RFC

    hostile.batchget = behaviour
    items = by_order(make_client(batch_size=1).batch_get_orders(refs("CN1")))
    assert items["CN1"].errmsg == "收件人地址超区"


def test_an_item_without_delivery_id_is_matched_by_a_unique_order_id(
    hostile: HostileServer, make_client: MakeClient
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        answer = echo_orders(body)
        for item in answer["order_list"]:
            del item["delivery_id"]
        answer_json(handler, answer)

    hostile.batchget = behaviour
    wanted = [
        OrderRef("U1", "SF"),
        OrderRef("U2", "SF"),
        OrderRef("D1", "SF"),
        OrderRef("D1", "ZTO"),
    ]
    items = make_client(batch_size=4).batch_get_orders(wanted)
    assert [i.errcode for i in items] == [0, 0, NO_ANSWER, NO_ANSWER]  # D1 is ambiguous
    assert items[0].waybill_id == "WB-U1" and items[1].waybill_id == "WB-U2"
