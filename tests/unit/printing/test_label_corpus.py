"""The label corpus rendered in the cage and verified: each case ends as expected, and no
socket ever reaches a host that is not allowed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.label_hosts import AllowList
from app.core.labels import page_size_from_css
from app.printing.profile import LabelProfile, make_label_profile
from app.printing.render import LabelRenderer, RenderResult
from app.printing.verify import VerifyPolicy, verify_label
from tests.fixtures.label_corpus import (
    CASES,
    LINK_HEADERS,
    STUCK,
    AllowedHost,
    Case,
    ConnectionCounter,
    case,
)
from tests.fixtures.qt import dispose


@pytest.fixture(scope="module")
def allowed_host() -> Iterator[AllowedHost]:
    server = AllowedHost()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def listener() -> Iterator[ConnectionCounter]:
    counter = ConnectionCounter()
    counter.start()
    yield counter
    counter.stop()


@pytest.fixture
def caged(qapp: object, allowed_host: AllowedHost) -> Iterator[LabelProfile]:
    profile = make_label_profile(allow=AllowList.from_text(allowed_host.url))
    yield profile
    dispose(profile)


def corpus_html(c: Case, allowed_host: AllowedHost, listener: ConnectionCounter) -> str:
    return c.html(allowed=allowed_host.url, blocked=listener.url, listener=listener.url)


def render(renderer: LabelRenderer, html: str) -> RenderResult:
    return renderer.render_blocking(html, page_size_from_css(html), timeout_s=60)


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_each_case_renders_and_verifies_as_expected(
    caged: LabelProfile, allowed_host: AllowedHost, listener: ConnectionCounter, c: Case
) -> None:
    renderer = LabelRenderer(caged)
    try:
        result = render(renderer, corpus_html(c, allowed_host, listener))
        assert result.pdf is not None, result.error
        verification = verify_label(result.pdf, c.waybill, blocked_hosts=result.blocked_hosts)
        status = "ok" if verification.ok else "unverified"
        assert (status, {p.kind for p in verification.problems}) == (c.status, c.problems), (
            verification.reason
        )
        if c.problems and "blocked_hosts" in {p.kind.value for p in verification.problems}:
            assert listener.url in verification.reason
        # The quick, text-free look never changes a verdict: the whole page agrees.
        whole = verify_label(
            result.pdf,
            c.waybill,
            policy=VerifyPolicy(quick_look=False),
            blocked_hosts=result.blocked_hosts,
        )
        assert whole.problems == verification.problems
    finally:
        dispose(renderer)
    assert listener.connections == 0


def test_the_allowed_host_is_asked_without_cookies_or_credentials(
    caged: LabelProfile, allowed_host: AllowedHost, listener: ConnectionCounter
) -> None:
    c = case("allowed-host")
    renderer = LabelRenderer(caged)
    try:
        for _ in range(2):  # the second time, a cookie set by the first answer would be sent
            result = render(renderer, corpus_html(c, allowed_host, listener))
            assert result.pdf is not None and result.blocked_hosts == ()
    finally:
        dispose(renderer)
    paths = allowed_host.paths()
    assert f"/barcode/{c.waybill}.svg" in paths
    assert "/fonts/label.ttf" in paths
    for headers in allowed_host.headers():
        assert not {name.lower() for name in headers} & {"cookie", "authorization"}


def test_hints_and_blocked_hosts_are_reported_with_the_label(
    caged: LabelProfile, allowed_host: AllowedHost, listener: ConnectionCounter
) -> None:
    renderer = LabelRenderer(caged)
    try:
        hints = render(renderer, corpus_html(case("network-hints"), allowed_host, listener))
        plain = render(renderer, corpus_html(case("canvas"), allowed_host, listener))
    finally:
        dispose(renderer)
    assert hints.blocked_hosts == (listener.url,)
    assert plain.blocked_hosts == ()  # another label's hosts are not this one's


def test_without_the_cage_the_listener_does_see_the_hints(
    qtbot: QtBot, allowed_host: AllowedHost
) -> None:
    # The control: the same label in a plain profile connects, so a count of 0 above means
    # the cage held, not that the listener cannot count.
    own = ConnectionCounter()
    own.start()
    profile = QWebEngineProfile()
    page = QWebEnginePage(profile)
    try:
        html = case("network-hints").html(
            allowed=allowed_host.url, blocked=own.url, listener=own.url
        )
        page.setHtml(html, QUrl("https://label.invalid/"))
        qtbot.waitUntil(lambda: own.connections > 0, timeout=20_000)
    finally:
        dispose(page)
        dispose(profile)
        own.stop()


def test_a_stuck_label_fails_alone_and_the_four_behind_it_render(
    caged: LabelProfile, allowed_host: AllowedHost, listener: ConnectionCounter, qtbot: QtBot
) -> None:
    deadline_s = 3.0
    renderer = LabelRenderer(caged, load_timeout_s=deadline_s)
    results: list[RenderResult] = []
    labels = [STUCK, *(case(name) for name in ("canvas", "fade-in", "fragment", "qr-only"))]
    try:
        started = time.monotonic()
        for c in labels:
            html = corpus_html(c, allowed_host, listener)
            renderer.render_pdf(html, page_size_from_css(html), results.append)
        qtbot.waitUntil(lambda: len(results) == 5, timeout=60_000)
        elapsed = time.monotonic() - started
    finally:
        dispose(renderer)
    assert [r.pdf is not None for r in results] == [False, True, True, True, True]
    assert "the label did not render within 3 s" in (results[0].error or "")
    for c, result in zip(labels[1:], results[1:], strict=True):
        assert result.pdf is not None
        assert verify_label(result.pdf, c.waybill).ok
    assert elapsed < deadline_s + 8, elapsed


def _render_linked(
    caged: LabelProfile,
    allowed_host: AllowedHost,
    listener: ConnectionCounter,
    kind: str,
) -> tuple[Case, RenderResult]:
    """Render the label whose allowed host answers with `Link` headers of `kind`."""
    c = LINK_HEADERS[kind]
    renderer = LabelRenderer(caged)
    try:
        result = render(renderer, corpus_html(c, allowed_host, listener))
    finally:
        dispose(renderer)
    assert result.pdf is not None, result.error
    asked = {p.partition("?")[0] for p in allowed_host.paths() if f"kind={kind}" in p}
    # the style sheet, the font and the barcode came from the allowed host, each with
    # its Link header
    assert asked == {"/linked.css", "/fonts/label.ttf", f"/barcode/{c.waybill}.svg"}
    return c, result


def test_link_headers_that_fetch_are_blocked_and_reported(
    caged: LabelProfile, allowed_host: AllowedHost, listener: ConnectionCounter
) -> None:
    # Chromium acts on the Link header of every subresource (images and style sheets
    # too, not only the document): prefetch, preload and modulepreload become requests,
    # which the interceptor sees, blocks and reports against the label.
    c, result = _render_linked(caged, allowed_host, listener, "fetch")
    verification = verify_label(result.pdf or b"", c.waybill, blocked_hosts=result.blocked_hosts)
    assert result.blocked_hosts == (listener.url,)
    assert {p.kind for p in verification.problems} == c.problems
    assert listener.connections == 0


def test_the_profile_alone_does_not_hold_a_preconnect_link_header(
    caged: LabelProfile, allowed_host: AllowedHost, qtbot: QtBot
) -> None:
    # Why the label proxy exists: a `Link: rel=preconnect` header on an allowed host's
    # answer makes Chromium open a socket to the named host and port without asking the
    # interceptor, so the profile alone (this process's Chromium runs without the proxy)
    # lets it through. The program starts Chromium through the proxy, which holds it:
    # test_label_corpus_cli and test_window_label_corpus show 0 connections there.
    own = ConnectionCounter()
    own.start()
    try:
        c = LINK_HEADERS["preconnect"]
        renderer = LabelRenderer(caged)
        try:
            result = render(renderer, corpus_html(c, allowed_host, own))
        finally:
            dispose(renderer)
        assert result.pdf is not None, result.error
        assert any("kind=preconnect" in p for p in allowed_host.paths())
        qtbot.waitUntil(lambda: own.connections > 0, timeout=20_000)
    finally:
        own.stop()
