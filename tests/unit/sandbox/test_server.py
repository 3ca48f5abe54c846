"""The HTTP server around the API: lifecycle, refused connections, silence, concurrency."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.sandbox import SANDBOX_APPID, SANDBOX_SECRET, SandboxServer
from app.sandbox.server import _send_all
from tests.unit.sandbox.support import BATCHGET, GETALL, Caller, orders


def test_defaults_and_base_url(sandbox: SandboxServer) -> None:
    assert (sandbox.appid, sandbox.secret) == (SANDBOX_APPID, SANDBOX_SECRET)
    assert SANDBOX_APPID.startswith("wx") and len(SANDBOX_APPID) == 18
    assert len(SANDBOX_SECRET) == 32 and int(SANDBOX_SECRET, 16) >= 0
    host, port = sandbox.base_url.removeprefix("http://").split(":")
    assert host == "127.0.0.1" and int(port) > 0


def test_credentials_are_configurable(http: requests.Session) -> None:
    with SandboxServer(appid="wx1111111111111111", secret="a" * 32) as server:
        caller = Caller(server, http)
        assert "access_token" in caller.classic()
        assert caller.classic(appid=SANDBOX_APPID)["errcode"] == 40013


def test_stopped_server_refuses_connections_even_on_kept_alive_sockets(
    http: requests.Session,
) -> None:
    server = SandboxServer().start()
    caller = Caller(server, http)
    assert caller.http.get(caller.url(GETALL), timeout=5).status_code == 200  # keeps alive
    server.stop()
    with pytest.raises(requests.ConnectionError):
        caller.http.get(caller.url(GETALL), timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.get(caller.url(GETALL), timeout=5)
    server.stop()  # idempotent


def test_stop_wakes_a_slow_answer(http: requests.Session) -> None:
    server = SandboxServer().start()
    caller = Caller(server, http)
    token = caller.token()
    server.faults.slow_seconds = 600
    errors: list[BaseException] = []

    def call() -> None:
        try:
            caller.batchget_raw(orders("A"), token=token, timeout=60)
        except requests.RequestException as exc:
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    while server.stats.calls("/cgi-bin/express/business/order/batchget") == 0:
        threading.Event().wait(0.01)
    server.stop()
    worker.join(timeout=30)
    assert not worker.is_alive()


def test_a_stopped_server_cannot_restart() -> None:
    server = SandboxServer()
    server.stop()
    with pytest.raises(RuntimeError):
        server.start()


def test_serve_forever_in_the_foreground_until_stopped(http: requests.Session) -> None:
    server = SandboxServer()
    runner = threading.Thread(target=server.serve_forever)
    runner.start()
    try:
        assert "access_token" in Caller(server, http).classic()
    finally:
        server.stop()
        runner.join(timeout=10)
    assert not runner.is_alive()


def test_requests_are_never_logged(
    sandbox: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    with requests.Session() as http:
        caller = Caller(sandbox, http)
        token = caller.classic()["access_token"]
        caller.batchget(orders("A"), token=token)
        http.get(caller.url("/nowhere"), params={"access_token": token}, timeout=5)
        http.get(caller.url("/cgi-bin/express/business/delivery/getall"), timeout=5)
    out, err = capfd.readouterr()
    assert token not in out + err
    assert SANDBOX_SECRET not in out + err
    assert "GET /" not in err and "POST /" not in err


def test_concurrent_callers_share_the_stable_token_and_all_get_answers(
    sandbox: SandboxServer,
) -> None:
    def fetch(n: int) -> tuple[str, int]:
        with requests.Session() as http:
            caller = Caller(sandbox, http)
            token = caller.token()
            request = orders(*(f"C{n}-{i}" for i in range(100)))
            return token, len(caller.batchget(request, token=token)["order_list"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fetch, range(8)))
    assert {token for token, _ in results} == set(sandbox.issued_tokens())
    assert len(sandbox.issued_tokens()) == 1
    assert [count for _, count in results] == [100] * 8
    assert sorted(sandbox.stats.batch_sizes) == [100] * 8


def test_thousand_orders_in_ten_calls(caller: Caller) -> None:
    token = caller.token()
    waybills: set[str] = set()
    for batch in range(10):
        request = orders(*(f"K{batch}-{i}" for i in range(100)), carrier="ZTO")
        answer = caller.batchget(request, token=token)
        assert answer["errcode"] == 0
        waybills |= {i["waybill_id"] for i in answer["order_list"]}
    assert len(waybills) == 1000
    assert caller.server.stats.batch_sizes == [100] * 10


def test_the_sandbox_counts_the_calls_it_answers_at_once() -> None:
    with SandboxServer(latency=0.3) as server:
        token = Caller(server, requests.Session()).token()

        def call(_: int) -> None:
            with requests.Session() as own:  # one connection each
                Caller(server, own).batchget(orders("A"), token=token)

        for n in range(2):  # one after the other: never more than one
            call(n)
        assert server.stats.most_in_flight(BATCHGET) == 1
        server.stats.reset()
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(call, range(3)))
        assert server.stats.calls(BATCHGET) == 3
        assert server.stats.most_in_flight(BATCHGET) == 3


def test_a_partly_sent_answer_is_sent_to_its_end() -> None:
    """Headers and body go out in one gathered write; a small send buffer makes it partial,
    and the rest must follow in order."""
    ours, theirs = socket.socketpair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    ours.settimeout(10)  # as the handler's connection: a non-blocking socket underneath
    head, body = b"HTTP/1.1 200 OK\r\n" * 40, bytes(range(256)) * 2048
    received = bytearray()

    def read() -> None:
        while chunk := theirs.recv(1000):
            received.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    with ours:
        _send_all(ours, head, body)
    reader.join(timeout=10)
    theirs.close()
    assert bytes(received) == head + body
