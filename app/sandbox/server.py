"""The sandbox HTTP server: a loopback `ThreadingHTTPServer` in front of `SandboxApi`.

`SandboxServer` binds its socket when constructed (like `socketserver`), serves in a daemon
thread after `start()` (or in the foreground with `serve_forever()`), and `stop()` closes
the listening socket *and* every open keep-alive connection, so a stopped sandbox is a
refused connection for any client. Request lines are never logged: the access token is a
URL query parameter.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app.sandbox.api import Reply, SandboxApi, error_reply
from app.sandbox.faults import Faults
from app.sandbox.stats import SandboxStats
from app.sandbox.tokens import TokenBook

SANDBOX_APPID = "wx5a4d1b0c3e2f0001"
SANDBOX_SECRET = "3f9c2a7e5b1d4c8f9a0e6b2d7c1f4a85"
MAX_BODY = 8 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes
    timeout = 60  # an idle keep-alive connection is dropped after this

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._send(error_reply(47001, "data format error", status=400))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        self._send(self.server.api.handle(method, url.path, query, body, self.client_address[0]))

    def _send(self, reply: Reply) -> None:
        """The headers `send_response` would write, and the body, in one gathered write:
        `end_headers` would send the headers on their own, waking the client twice."""
        head = (
            f"{self.protocol_version} {reply.status} {self.responses[reply.status][0]}\r\n"
            f"Server: {self.version_string()}\r\nDate: {self.date_time_string()}\r\n"
            f"Content-Type: {reply.content_type}\r\nContent-Length: {len(reply.body)}\r\n\r\n"
        ).encode("latin-1")
        if self.request_version == "HTTP/0.9":
            head = b""  # as send_response: no status line, no headers
        try:
            _send_all(self.connection, head, reply.body)
        except OSError:  # the client gave up (e.g. its read timeout) or the server stopped
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines carry the access token."""


def _send_all(connection: socket.socket, head: bytes, body: bytes) -> None:
    """`head` then `body`, gathered by `sendmsg` (no copy of a ~0.5 MB body), the rest of a
    partial send after it."""
    sent = connection.sendmsg([head, body])
    if sent < len(head):
        connection.sendall(head[sent:])
        sent = len(head)
    connection.sendall(memoryview(body)[sent - len(head) :])


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: SandboxApi) -> None:
        self.api = api
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Silent: a client dropping its connection is not the sandbox's problem."""


class SandboxServer:
    """An offline WeChat logistics API on loopback, for demos and tests."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        appid: str = SANDBOX_APPID,
        secret: str = SANDBOX_SECRET,
        token_ttl: int = 7200,
        latency: float = 0.0,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.stats = SandboxStats()
        self._stopping = threading.Event()
        self._tokens = TokenBook(ttl=token_ttl, clock=clock, on_issue=self.stats.record_token)
        self._api = SandboxApi(
            appid=appid,
            secret=secret,
            tokens=self._tokens,
            stats=self.stats,
            faults=faults if faults is not None else Faults(),
            sleep=self._sleep,
            latency=latency,
        )
        self._httpd = _HTTPServer((host, port), self._api)
        self._thread: threading.Thread | None = None
        self._serving = False
        self._closed = False

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)  # stop() wakes every sleeping handler

    @property
    def base_url(self) -> str:
        """`http://host:port` of the bound socket, e.g. `http://127.0.0.1:43123`."""
        host, port = self._httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def faults(self) -> Faults:
        """The live fault switches (flip them between calls, or assign a new `Faults`)."""
        return self._api.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._api.faults = faults

    @property
    def latency(self) -> float:
        """Seconds slept before answering each request."""
        return self._api.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._api.latency = seconds

    def issued_tokens(self) -> list[str]:
        """Every access token issued so far (classic and stable), oldest first."""
        return self._tokens.issued()

    def start(self) -> SandboxServer:
        """Serve in a daemon thread; returns self."""
        if self._closed:
            raise RuntimeError("a stopped SandboxServer cannot be restarted")
        if self._thread is None:
            self._serving = True
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="sandbox-http",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` is called from another thread."""
        self._serving = True
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._serving = False

    def stop(self) -> None:
        """Stop serving, refuse new connections and drop open ones (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._stopping.set()
        if self._serving:
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join()
        self._httpd.server_close()
        self._httpd.close_connections()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
