"""The self-test's check of the label cage: no socket leaves for a host that is not allowed.

`cage_check` renders a label through the self-test's profile (Chromium started through the
label proxy, `app.cli.labels.start_label_proxy`) whose one image comes from a host it
allows — a tiny HTTP server on loopback — and whose answer carries `Link:
<listener>; rel=preconnect` to a raw TCP listener on loopback that the allow-list does not
contain. Chromium acts on such a header without asking the request interceptor; the cage
holds when the image came through, the listener is reported as a blocked host of the label
and no connection reached it. Without the proxy the label reports nothing blocked (and
Chromium connects), so the check fails.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from app.cli.selftest_checks import CheckResult

CHECK_NAME = "label cage"
_IMAGE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
    b'<rect width="40" height="10" fill="#000"/></svg>'
)


class _Listener:
    """A raw TCP listener on loopback that counts the connections made to it."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        self._thread.join(timeout=5)


def _allowed_host(hint_to: str, asked: list[str]) -> ThreadingHTTPServer:
    """An HTTP server on loopback answering every request (its path added to `asked`) with
    an image whose `Link` header asks the browser to preconnect to `hint_to`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Link", f"<{hint_to}/>; rel=preconnect")
            self.send_header("Content-Type", "image/svg+xml")
            self.send_header("Content-Length", str(len(_IMAGE)))
            self.end_headers()
            self.wfile.write(_IMAGE)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextlib.contextmanager
def _hosts() -> Iterator[tuple[str, list[str], _Listener]]:
    listener = _Listener()
    asked: list[str] = []
    server = _allowed_host(listener.url, asked)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked, listener
    finally:
        server.shutdown()
        server.server_close()
        listener.close()


def cage_check(profile: Any, timeout_s: float) -> CheckResult:
    """Render the hinting label with `profile` (a `LabelProfile`) and judge the cage."""
    from app.core.label_hosts import AllowList
    from app.core.model import PageSizeMm
    from app.printing.render import LabelRenderer

    with _hosts() as (allowed, asked, listener):
        profile.configure(allow=AllowList.from_text(allowed))
        renderer = LabelRenderer(profile)
        try:
            html = f'<!DOCTYPE html><p>cage</p><img src="{allowed}/bar.svg" width="40">'
            result = renderer.render_blocking(html, PageSizeMm(50.0, 30.0), timeout_s)
        finally:
            renderer.deleteLater()
            profile.configure(allow=AllowList())
        if result.pdf is None:
            return CheckResult(CHECK_NAME, False, result.error or "the label did not render")
        if not asked:
            return CheckResult(CHECK_NAME, False, f"the allowed host {allowed} was not reached")
        if listener.connections:
            return CheckResult(
                CHECK_NAME, False, f"{listener.connections} connection(s) reached {listener.url}"
            )
        if listener.url not in result.blocked_hosts:
            return CheckResult(
                CHECK_NAME,
                False,
                f"a preconnect to {listener.url} was not reported as blocked "
                "(is Chromium running through the label proxy?)",
            )
        return CheckResult(
            CHECK_NAME,
            True,
            f"a preconnect to {listener.url} was blocked and reported; 0 connections",
        )
