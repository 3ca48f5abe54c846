"""The label allow-list at the socket level: a loopback-only proxy for label rendering.

Chromium opens some sockets without asking the request interceptor — a `Link:
rel=preconnect` header on an allowed host's answer is one. Pointed at this proxy
(`chromium_flags`, loopback included), Chromium opens every connection to the proxy
instead, and the proxy opens an upstream connection only for an allowed
`scheme://host:port` (HTTPS through `CONNECT`, plain HTTP forwarded); everything else is
refused with 403. A preconnect to a host that is not allowed thus ends as a socket to the
proxy on loopback.

Every refusal is recorded as a `Refusal` (when, which origin, and — when known — which
allowed answer asked for it), so that the label that caused it can report it
(`LabelProfile.proxy_refusals`, `app.printing.profile`):

- a plain-HTTP answer is read by the proxy before Chromium sees it: its `Link` headers
  (preconnect, dns-prefetch, prefetch, preload, …) are taken out, and every hinted origin
  that is not allowed is recorded with `via`, the URL of the answer — exactly the URL the
  interceptor allowed for one label, so the refusal belongs to that label and no other,
  and it is recorded before the label can have finished loading;
- a `CONNECT` or request to a host that is not allowed (what Chromium does with a hint
  in an HTTPS answer, which the proxy cannot read) is recorded without `via`: it belongs
  to every label being rendered at that moment. Chromium's flags are process-wide and a
  `CONNECT` says nothing of the page that caused it, so when two labels render at the
  same time both report it (a label may be held back that did nothing wrong, never the
  other way round), and one that reaches the proxy after its label was printed is only
  logged (`refused`).

Chromium preconnects a plain-HTTP origin through an HTTP proxy as an idle socket to the
proxy that names no host; taking hints out of plain-HTTP answers means it is never asked
to. Which hosts are allowed is asked of the allow-lists the label profiles hand in
(`allow`, one per owner). Threads only: start it before Qt (`chromium_flags`), stop it at
exit.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
import socketserver
import threading
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from app.core.label_hosts import AllowList, origin_of

_MAX_HEAD = 64 * 1024
_UPSTREAM_TIMEOUT_S = 15.0
_DROPPED_HEADERS = {"proxy-connection", "connection", "keep-alive", "proxy-authorization"}
#: How many refusals are kept for the labels to ask about.
_REMEMBERED_REFUSALS = 1024
#: The target of each link in a `Link` header value: `<url>; rel=...`.
_LINK_TARGET = re.compile(r"<([^>]*)>")


@dataclass(frozen=True)
class Refusal:
    """A connection the proxy refused: when (`time.monotonic()`), to which origin, and the
    URL of the allowed answer whose `Link` header asked for it (None: not known)."""

    at: float
    origin: str
    via: str | None = None


class LabelProxy:
    """A threaded HTTP proxy on 127.0.0.1 that only reaches allowed hosts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._allow: dict[int, AllowList] = {}
        self._refusals: deque[Refusal] = deque(maxlen=_REMEMBERED_REFUSALS)
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

    def _refuse(self, scheme: str, host: str, port: int, via: str | None = None) -> None:
        origin = origin_of(scheme, host, port)
        with self._lock:
            self._refusals.append(Refusal(time.monotonic(), origin, via))

    @property
    def refused(self) -> list[str]:
        """The origins refused, each once, oldest first (of the refusals remembered)."""
        with self._lock:
            return list(dict.fromkeys(refusal.origin for refusal in self._refusals))

    def refusals_since(self, since: float) -> list[Refusal]:
        """Every refusal recorded at or after `since` (a `time.monotonic()` reading)."""
        with self._lock:
            return [refusal for refusal in self._refusals if refusal.at >= since]

    def _refuse_hints(self, head: bytes, via: str) -> bytes:
        """`head` of a plain-HTTP answer without its `Link` headers; their targets that
        are not allowed are recorded as refused by way of `via` (the module docstring)."""
        lines = head.decode("latin-1").split("\r\n")
        kept = [lines[0]]
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() != "link":
                kept.append(line)
                continue
            for target in _LINK_TARGET.findall(value):
                parts = urlsplit(urljoin(via, target.strip()))
                scheme, host = parts.scheme.lower(), parts.hostname or ""
                try:
                    port = parts.port or (443 if scheme == "https" else 80)
                except ValueError:
                    port = -1
                if not host or port <= 0 or not self.allows(scheme, host, port):
                    self._refuse(scheme or "?", host or "?", port, via)
        return "\r\n".join(kept).encode("latin-1")

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
                body = b""
                while True:  # informational answers (103 Early Hints) first, then the answer
                    answer = _read_head(upstream, body)
                    if answer is None:
                        return
                    answer_head, body = answer
                    client.sendall(proxy._refuse_hints(answer_head, target) + b"\r\n\r\n")
                    status = answer_head.split(b" ", 2)[1:2]
                    if not status or not status[0].startswith(b"1") or status[0] == b"101":
                        break
                client.sendall(body)
            _relay(client, upstream)


def _read_head(client: socket.socket, data: bytes = b"") -> tuple[bytes, bytes] | None:
    """The head (up to the blank line) and whatever came after it; `data` was read already."""
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
