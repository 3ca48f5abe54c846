"""The window's label preview is the same cage: across the whole label corpus no socket
reaches a host that is not allowed, and the labels that draw themselves are drawn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWebEngineCore import QWebEngineScript
from pytestqt.qtbot import QtBot

from app.core.label_hosts import AllowList
from app.core.labels import page_size_from_css
from app.core.model import OrderRef, Waybill, WaybillStatus
from app.printing.profile import LabelProfile, make_label_profile
from app.ui.label_preview import LabelPreview
from tests.fixtures.label_corpus import CASES, AllowedHost, ConnectionCounter, case
from tests.fixtures.qt import dispose


@pytest.fixture
def corpus_hosts() -> Iterator[tuple[AllowedHost, ConnectionCounter]]:
    allowed, listener = AllowedHost(), ConnectionCounter()
    allowed.start()
    listener.start()
    yield allowed, listener
    listener.stop()
    allowed.stop()


@pytest.fixture
def caged(
    qapp: object, corpus_hosts: tuple[AllowedHost, ConnectionCounter]
) -> Iterator[LabelProfile]:
    profile = make_label_profile(allow=AllowList.from_text(corpus_hosts[0].url))
    yield profile
    dispose(profile)


def test_the_preview_opens_no_socket_across_the_corpus(
    qtbot: QtBot, caged: LabelProfile, corpus_hosts: tuple[AllowedHost, ConnectionCounter]
) -> None:
    allowed, listener = corpus_hosts
    preview = LabelPreview(caged)
    preview.resize(400, 600)
    preview.show()
    try:
        for c in CASES:
            html = c.html(allowed=allowed.url, blocked=listener.url, listener=listener.url)
            waybill = Waybill(
                OrderRef(f"O-{c.name}", "SF"),
                WaybillStatus.OK,
                0,
                "ok",
                c.waybill,
                html,
                page_size_from_css(html),
            )
            with qtbot.waitSignal(preview.labelLoaded, timeout=20_000):
                preview.show_waybill(waybill)
        assert f"/barcode/{case('allowed-host').waybill}.svg" in allowed.paths()
        # the last label shown asked the listener for everything a page can ask
        assert preview.page.blocked_hosts == (listener.url,)
    finally:
        dispose(preview)
    assert listener.connections == 0


def test_the_preview_shows_a_script_drawn_barcode(
    qtbot: QtBot, caged: LabelProfile, corpus_hosts: tuple[AllowedHost, ConnectionCounter]
) -> None:
    allowed, listener = corpus_hosts
    c = case("svg-by-script")
    html = c.html(allowed=allowed.url, blocked=listener.url, listener=listener.url)
    preview = LabelPreview(caged)
    preview.show()
    try:
        with qtbot.waitSignal(preview.labelLoaded, timeout=20_000):
            preview.show_waybill(
                Waybill(OrderRef("O-1", "ZTO"), WaybillStatus.OK, 0, "ok", c.waybill, html, None)
            )
        found: list[object] = []

        def count_bars() -> bool:
            preview.page.runJavaScript(
                "document.querySelectorAll('#code svg rect').length",
                QWebEngineScript.ScriptWorldId.ApplicationWorld,
                found.append,
            )
            return bool(found) and bool(found[-1])

        qtbot.waitUntil(count_bars, timeout=10_000)
        assert int(found[-1]) > 20  # type: ignore[call-overload]
    finally:
        dispose(preview)
