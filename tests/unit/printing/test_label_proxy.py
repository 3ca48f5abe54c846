"""The label proxy: allowed hosts are reached through it, any other gets no socket."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from app.core.label_hosts import AllowList
from app.printing.label_proxy import LabelProxy
from tests.fixtures.label_corpus import AllowedHost, ConnectionCounter


@pytest.fixture
def proxy() -> Iterator[LabelProxy]:
    running = LabelProxy()
    running.start()
    yield running
    running.stop()


def ask(proxy: LabelProxy, request: str) -> bytes:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as conn:
        conn.sendall(request.encode("latin-1"))
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def test_an_allowed_host_is_reached_and_any_other_is_refused_without_a_socket(
    proxy: LabelProxy,
) -> None:
    allowed, listener = AllowedHost(), ConnectionCounter()
    allowed.start()
    listener.start()
    try:
        proxy.allow("profile", AllowList.from_text(allowed.url))
        host = allowed.url.removeprefix("http://")
        answer = ask(proxy, f"GET {allowed.url}/linked.css HTTP/1.1\r\nHost: {host}\r\n\r\n")
        assert answer.startswith(b"HTTP/1.0 200") and b".label" in answer
        assert allowed.paths() == ["/linked.css"]

        target = listener.url.removeprefix("http://")
        refused = ask(proxy, f"GET {listener.url}/ HTTP/1.1\r\nHost: {target}\r\n\r\n")
        tunnel = ask(proxy, f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n")
        assert refused.startswith(b"HTTP/1.1 403") and tunnel.startswith(b"HTTP/1.1 403")
        assert proxy.refused == [listener.url, f"https://{target}"]
        # the proxy answered both before closing: it never opened a socket to the listener
        assert listener.connections == 0
    finally:
        listener.stop()
        allowed.stop()


def test_a_forgotten_profile_allows_nothing_any_more(proxy: LabelProxy) -> None:
    owner = object()
    proxy.allow(owner, AllowList.from_text("https://res.wx.qq.com"))
    assert proxy.allows("https", "res.wx.qq.com", 443)
    assert not proxy.allows("https", "res.wx.qq.com", 8443)
    proxy.forget(owner)
    assert not proxy.allows("https", "res.wx.qq.com", 443)


def test_its_chromium_flags_send_loopback_through_it_too(proxy: LabelProxy) -> None:
    assert proxy.chromium_flags() == (
        f"--proxy-server=http://127.0.0.1:{proxy.port}",
        "--proxy-bypass-list=<-loopback>",
    )


def test_hints_in_a_plain_http_answer_are_taken_out_and_refused_by_way_of_it(
    proxy: LabelProxy,
) -> None:
    # Chromium never sees the `Link` header, and each hinted host that is not allowed is
    # recorded with the answer that asked for it (how it finds its label).
    allowed, listener = AllowedHost(), ConnectionCounter()
    allowed.start()
    listener.start()
    try:
        proxy.allow("profile", AllowList.from_text(allowed.url))
        host = allowed.url.removeprefix("http://")
        url = f"{allowed.url}/linked.css?link={listener.url}&kind=fetch"
        before = time.monotonic()
        answer = ask(proxy, f"GET {url} HTTP/1.1\r\nHost: {host}\r\n\r\n")
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") and body == b".label { border: 0.4mm solid #000 }"
        assert b"link:" not in head.lower()
        refusals = proxy.refusals_since(before)
        assert {(r.origin, r.via) for r in refusals} == {(listener.url, url)}
        assert all(r.at >= before for r in refusals)
        assert proxy.refusals_since(time.monotonic()) == []
        assert listener.connections == 0
    finally:
        listener.stop()
        allowed.stop()


def test_a_refused_tunnel_is_recorded_without_an_answer_to_trace_it_to(
    proxy: LabelProxy,
) -> None:
    before = time.monotonic()
    answer = ask(proxy, "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403")
    (refusal,) = proxy.refusals_since(before)
    assert (refusal.origin, refusal.via) == ("https://evil.example", None)
