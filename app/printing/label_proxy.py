"""The label allow-list at the socket level: a loopback-only proxy for label rendering.

Chromium opens some sockets without asking the request interceptor — a `Link:
rel=preconnect` header on an allowed host's answer is one. Pointed at this proxy
(`chromium_flags`, loopback included), Chromium opens every connection to the proxy
instead, and the proxy opens an upstream connection only for an allowed
`scheme://host:port` (HTTPS through `CONNECT`, plain HTTP forwarded); everything else is
refused with 403 and its origin recorded in `refused`. A preconnect to a host that is
not allowed thus ends as a socket to the proxy on loopback.

Which hosts are allowed is asked of the allow-lists the label profiles hand in
(`allow`, one per owner). Threads only: start it before Qt, stop it at exit.
"""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import threading
from urllib.parse import urlsplit

from app.core.label_hosts import AllowList, origin_of

_MAX_HEAD = 64 * 1024
_UPSTREAM_TIMEOUT_S = 15.0
_DROPPED_HEADERS = {"proxy-connection", "connection", "keep-alive", "proxy-authorization"}


class LabelProxy:
    """A threaded HTTP proxy on 127.0.0.1 that only reaches allowed hosts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._allow: dict[int, AllowList] = {}
        self.refused: list[str] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- the allow-list -------------------------------------------------------------
    def allow(self, owner: object, allow: AllowList) -> None:
        """`owner` (a label profile) allows the hosts of `allow` from now on."""
        with self._lock:
            self._allow[id(owner)] = allow

    def forget(self, owner: object) -> None:
        with self._lock:
            self._allow.pop(id(owner), None)

    def allows(self, scheme: str, host: str, port: int) -> bool:
        with self._lock:
            lists = list(self._allow.values())
        return any(allow.allows(scheme, host, port) for allow in lists)

    def _refuse(self, scheme: str, host: str, port: int) -> None:
        origin = origin_of(scheme, host, port)
        with self._lock:
            if origin not in self.refused:
                self.refused.append(origin)

    # -- lifetime -------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the label proxy is not running")
        return int(self._server.server_address[1])

    def chromium_flags(self) -> tuple[str, ...]:
        """Chromium switches sending every connection, loopback too, through this proxy."""
        return (f"--proxy-server=http://127.0.0.1:{self.port}", "--proxy-bypass-list=<-loopback>")

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="label-proxy", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: type[_Handler], proxy: LabelProxy
    ) -> None:
        self.proxy = proxy
        super().__init__(address, handler)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        client: socket.socket = self.request
        head = _read_head(client)
        if head is None:
            return
        raw_head, rest = head
        lines = raw_head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            return
        if method.upper() == "CONNECT":
            scheme = "https"
            host, _, port_text = target.rpartition(":")
            path = ""
        else:
            parts = urlsplit(target)
            scheme, host = parts.scheme.lower(), parts.hostname or ""
            port_text = str(parts.port or 80)
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
        host = host.strip("[]")
        try:
            port = int(port_text)
        except ValueError:
            port = -1
        proxy = self.server.proxy
        if not host or port <= 0 or not proxy.allows(scheme, host, port):
            proxy._refuse(scheme, host or "?", port)
            client.sendall(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            return
        try:
            upstream = socket.create_connection((host, port), timeout=_UPSTREAM_TIMEOUT_S)
        except OSError:
            client.sendall(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            return
        with upstream:
            if method.upper() == "CONNECT":
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                kept = [
                    line
                    for line in lines[1:]
                    if line and line.split(":", 1)[0].strip().lower() not in _DROPPED_HEADERS
                ]
                request = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close"])
                upstream.sendall(request.encode("latin-1") + b"\r\n\r\n" + rest)
            _relay(client, upstream)


def _read_head(client: socket.socket) -> tuple[bytes, bytes] | None:
    """The request head (up to the blank line) and whatever came after it."""
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > _MAX_HEAD:
            return None
        try:
            chunk = client.recv(8192)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until one side closes."""
    a.settimeout(None)
    b.settimeout(None)
    peers = {a: b, b: a}
    while True:
        readable, _, _ = select.select([a, b], [], [], 60.0)
        if not readable:
            return
        for sock in readable:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                with contextlib.suppress(OSError):
                    peers[sock].shutdown(socket.SHUT_WR)
                return
            try:
                peers[sock].sendall(chunk)
            except OSError:
                return
