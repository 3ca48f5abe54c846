"""A fake WeChat server that misbehaves on purpose, on a free loopback port, for the hostile tests.

The stable-token endpoint answers a fixed token (so tests know the secret to look for);
every batchget call is answered by `server.batchget(handler, body)`, which a test sets
to the misbehaviour it wants: drip bytes, gzip bombs, absurd JSON, echoed secrets.
`answer_json` / `answer_raw` help write the usual kinds of answer. `ProxyRecorder` is a
listener that records every byte a (would-be) proxy receives.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BATCHGET = "/cgi-bin/express/business/order/batchget"
STABLE_TOKEN = "/cgi-bin/stable_token"
APPID = "wxhostile0000000"

Handler = BaseHTTPRequestHandler
Behaviour = Callable[[Handler, dict[str, Any]], None]


def answer_raw(
    handler: Handler,
    body: bytes,
    *,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def answer_json(handler: Handler, data: Any, **kwargs: Any) -> None:
    answer_raw(handler, json.dumps(data, ensure_ascii=False).encode("utf-8"), **kwargs)


def echo_orders(body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A well-formed answer for every order asked (a tiny label), plus `extra` per item."""
    html = "PGh0bWw+PGJvZHk+bGFiZWw8L2JvZHk+PC9odG1sPg=="  # <html><body>label</body></html>
    return {
        "errcode": 0,
        "errmsg": "ok",
        "order_list": [
            {
                "errcode": 0,
                "errmsg": "ok",
                "order_id": o["order_id"],
                "delivery_id": o["delivery_id"],
                "waybill_id": f"WB-{o['order_id']}",
                "print_html": html,
                "order_status": 0,
                **extra,
            }
            for o in body.get("order_list", [])
        ],
    }


class HostileServer:
    """`with HostileServer() as server:` — `server.base_url`, `server.secret`, `server.token`."""

    def __init__(self) -> None:
        self.secret = "HOSTILE-APPSECRET-" + secrets.token_hex(8)
        self.token = "HOSTILE-TOKEN-" + secrets.token_hex(12)
        self.appid = APPID
        self.batchget: Behaviour = lambda handler, body: answer_json(handler, echo_orders(body))
        self.token_answer: dict[str, Any] | None = None
        self.calls: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                path = self.path.split("?", 1)[0]
                server.calls.append(path)
                try:
                    if path == STABLE_TOKEN:
                        answer = server.token_answer or {
                            "access_token": server.token,
                            "expires_in": 7200,
                        }
                        answer_json(self, answer)
                    elif path == BATCHGET:
                        server.batchget(self, body)
                    else:
                        self.send_error(404)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on us: what the tests want

        return _Handler


def drip(handler: Handler, body: bytes, every: float, *, headers_too: bool = False) -> None:
    """Answer `body` one byte every `every` seconds until done or the client hangs up."""
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    data = head + body if headers_too else body
    if not headers_too:
        handler.wfile.write(head)
        handler.wfile.flush()
    for i in range(len(data)):
        handler.wfile.write(data[i : i + 1])
        handler.wfile.flush()
        time.sleep(every)


class ProxyRecorder:
    """A TCP listener that accepts connections and records what arrives (it never answers)."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self.received = bytearray()
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> ProxyRecorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.settimeout(0.5)
            try:
                while chunk := conn.recv(65536):
                    self.received += chunk
            except OSError:
                pass
            finally:
                conn.close()
