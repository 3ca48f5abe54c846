"""Sockets the label proxy refused are reported with the label that caused them, in real
QtWebEngine: a refusal the proxy cannot trace to an answer belongs to the label being
rendered when it happened, and to no label rendered before or after it.

(This process's Chromium runs without the proxy; the refusal is made by the test's own
host, which opens a `CONNECT` to the proxy — what Chromium does for a hint in an HTTPS
answer — before it answers the label's image. The hints of plain-HTTP answers, traced to
their label by the answer's URL, are shown where Chromium runs through the proxy:
tests/integration/test_label_corpus_cli.py.)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.core.label_hosts import AllowList
from app.core.model import PageSizeMm
from app.printing.label_proxy import LabelProxy
from app.printing.profile import make_label_profile
from app.printing.render import LabelRenderer
from app.sandbox.barcodes import code128_svg
from tests.fixtures.qt import dispose


class TunnelHost:
    """An allowed loopback host whose `/tunnel.svg` first asks the proxy for a tunnel to
    `evil.example:443` (refused), then answers with an image."""

    def __init__(self, proxy: LabelProxy) -> None:
        outer = self
        self.asked = 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/tunnel.svg"):
                    outer.asked += 1
                    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as c:
                        c.sendall(b"CONNECT evil.example:443 HTTP/1.1\r\n\r\n")
                        assert c.recv(64).startswith(b"HTTP/1.1 403")
                body = code128_svg("X1", 20.0, 5.0).encode()
                self.send_response(200)
                self.send_header("Content-Type", "image/svg+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def proxy() -> Iterator[LabelProxy]:
    running = LabelProxy()
    running.start()
    yield running
    running.stop()


def label(text: str, image: str = "") -> str:
    img = f'<img src="{image}" style="width:20mm;height:5mm">' if image else ""
    return f"<!DOCTYPE html><html><body><p>{text}</p>{img}</body></html>"


def test_a_refusal_belongs_to_the_label_rendering_then_and_to_no_other(
    qapp: object, proxy: LabelProxy
) -> None:
    host = TunnelHost(proxy)
    profile = make_label_profile(allow=AllowList.from_text(host.url), proxy=proxy)
    renderer = LabelRenderer(profile)
    try:
        size = PageSizeMm(50.0, 30.0)
        before = renderer.render_blocking(label("before", f"{host.url}/plain.svg"), size)
        tunnel = renderer.render_blocking(label("tunnel", f"{host.url}/tunnel.svg"), size)
        after = renderer.render_blocking(label("after", f"{host.url}/plain.svg"), size)
        plain = renderer.render_blocking(label("no image"), size)
    finally:
        dispose(renderer)
        dispose(profile)
        host.stop()
    assert host.asked == 1
    assert tunnel.pdf is not None and tunnel.blocked_hosts == ("https://evil.example",)
    assert before.pdf is not None and before.blocked_hosts == ()
    assert after.pdf is not None and after.blocked_hosts == ()
    assert plain.pdf is not None and plain.blocked_hosts == ()
    assert proxy.refused == ["https://evil.example"]


def test_without_the_proxy_the_profile_reports_only_what_the_interceptor_saw(
    qapp: object, proxy: LabelProxy
) -> None:
    # The control: the same refusal, with a profile that was not handed the proxy.
    host = TunnelHost(proxy)
    profile = make_label_profile(allow=AllowList.from_text(host.url))
    renderer = LabelRenderer(profile)
    try:
        tunnel = renderer.render_blocking(
            label("tunnel", f"{host.url}/tunnel.svg"), PageSizeMm(50.0, 30.0)
        )
    finally:
        dispose(renderer)
        dispose(profile)
        host.stop()
    assert host.asked == 1 and proxy.refused == ["https://evil.example"]
    assert tunnel.pdf is not None and tunnel.blocked_hosts == ()
