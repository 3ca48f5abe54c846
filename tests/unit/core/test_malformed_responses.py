"""Property: whatever a batchget call answers, the engine gives exactly one waybill per order.

A tiny real loopback HTTP server answers every batchget with a body hypothesis made up
(valid JSON of the wrong shape, wrong types in `order_list` items, missing fields, extra,
duplicate and foreign items, bytes that are not JSON at all), and the real `WeChatClient`
plus `fetch_waybills` fetch through it. No unhandled exception; one result per order, in
order, each for its own order; only a rejected token may stop the batch, as `ConfigError`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.engine import fetch_waybills
from app.core.model import OrderRef, WaybillStatus
from app.wechat.client import WeChatClient
from app.wechat.errors import TOKEN_ERRORS, ConfigError
from app.wechat.http import make_session
from app.wechat.tokens import StaticTokenSource, TokenCache

REFS = [OrderRef(f"P{n}", "SF") for n in range(5)] + [OrderRef("P0", "ZTO")]
_IDS = st.sampled_from([ref.order_id for ref in REFS] + ["OTHER", ""])
_CARRIERS = st.sampled_from(["SF", "ZTO", "YTO", ""])
_LABEL = "PGh0bWw+PGJvZHk+bGFiZWw8L2JvZHk+PC9odG1sPg=="  # <html><body>label</body></html>
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
_ANY_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A good value most of the time, otherwise anything JSON can hold."""
    return st.one_of(good, good, _ANY_JSON)


_ITEM = st.fixed_dictionaries(
    {},
    optional={
        "order_id": _field(_IDS),
        "delivery_id": _field(_CARRIERS),
        "errcode": _field(st.sampled_from([0, 0, 0, -1, 930563, 40001, 9300501])),
        "errmsg": _field(st.sampled_from(["ok", "order not exists", ""])),
        "waybill_id": _field(st.sampled_from(["SF1234567890123", "7", ""])),
        "print_html": _field(st.sampled_from([_LABEL, "", "!!not base64!!", "aGVsbG8="])),
        "order_status": _field(st.sampled_from([0, 1, 2])),
        "waybill_data": _field(
            st.lists(
                st.fixed_dictionaries({}, optional={"key": _ANY_JSON, "value": _ANY_JSON}),
                max_size=3,
            )
        ),
        "delivery_resultmsg": _field(st.text(max_size=10)),
        "delivery_resultcode": _ANY_JSON,
    },
)
_ORDER_LIST = st.one_of(st.lists(_ITEM, max_size=12), _ANY_JSON)
_OBJECT_BODY = st.fixed_dictionaries(
    {},
    optional={
        "errcode": _field(st.sampled_from([0, 0, 0, -1, 45011, 47001, 40001, 42001, 45009])),
        "errmsg": _field(st.just("ok")),
        "order_list": _ORDER_LIST,
    },
)
BODIES = st.one_of(
    _OBJECT_BODY.map(lambda body: json.dumps(body).encode()),
    _ANY_JSON.map(lambda body: json.dumps(body).encode()),
    st.binary(max_size=64),
    _OBJECT_BODY.map(lambda body: json.dumps(body).encode()[:-3]),  # cut short
    st.text(max_size=40).map(lambda text: text.encode("utf-8")),
)


class _Handler(BaseHTTPRequestHandler):
    server: _BodyServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = self.server.body
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""


class _BodyServer(ThreadingHTTPServer):
    daemon_threads = True
    body = b"{}"


@pytest.fixture(scope="module")
def body_server() -> Iterator[_BodyServer]:
    server = _BodyServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with make_session(retries=0) as http:
        yield http


def _top_level_errcode(body: bytes) -> object:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("errcode") if isinstance(data, dict) else None


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES)
def test_any_batchget_answer_gives_one_waybill_per_order(
    body: bytes, body_server: _BodyServer, session: requests.Session
) -> None:
    body_server.body = body
    port = body_server.server_address[1]
    tokens = TokenCache(StaticTokenSource("static-token"))
    client = WeChatClient(
        session,
        f"http://127.0.0.1:{port}",
        tokens,
        timeout=(2.0, 5.0),
        batch_size=4,  # two calls for the six orders, both answered with this body
        sleep=lambda _seconds: None,
    )
    try:
        waybills = fetch_waybills(client, REFS)
    except ConfigError:
        # Only a rejected static token may stop the whole batch (it cannot be renewed).
        assert _top_level_errcode(body) in TOKEN_ERRORS
        return
    finally:
        client.close()
    assert [w.ref for w in waybills] == REFS
    for waybill in waybills:
        assert isinstance(waybill.status, WaybillStatus)
        if waybill.status is WaybillStatus.OK:
            assert waybill.errcode == 0 and waybill.html
        elif waybill.status is WaybillStatus.ERROR:
            assert waybill.errcode != 0 and waybill.hint is not None
            assert waybill.html is None
