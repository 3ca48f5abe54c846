"""LabelPreview: the label really renders, zoomed to fit; placeholders say why not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSize
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.model import Hint, OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.ui.label_preview import CSS_PX_PER_MM, LabelPreview, fit_zoom
from tests.fixtures.qt import barcode_label_html, dispose

REF = OrderRef("4200000001", "SF")


@pytest.fixture
def preview(label_profile: QWebEngineProfile, qtbot: QtBot) -> Iterator[LabelPreview]:
    widget = LabelPreview(label_profile)
    widget.resize(400, 600)
    widget.show()
    yield widget
    dispose(widget)


def page_text(preview: LabelPreview, qtbot: QtBot) -> str:
    found: list[str] = []
    preview.page.toPlainText(found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    return found[0]


def label(status: WaybillStatus = WaybillStatus.OK) -> Waybill:
    html = barcode_label_html("SF1234567890123", 100, 150)
    return Waybill(REF, status, 0, "ok", "SF1234567890123", html, PageSizeMm(100, 150))


def test_fit_zoom_fits_the_whole_label() -> None:
    size = PageSizeMm(100, 150)
    zoom = fit_zoom(size, QSize(400, 600))
    assert 100 * CSS_PX_PER_MM * zoom <= 400
    assert 150 * CSS_PX_PER_MM * zoom <= 600
    assert 150 * CSS_PX_PER_MM * zoom > 560  # the height is the tight side here
    assert fit_zoom(size, QSize(4000, 200)) < fit_zoom(size, QSize(4000, 400))
    assert fit_zoom(size, QSize(0, 0)) == 1.0


def test_shows_the_rendered_label_and_fits_it_to_the_pane(
    preview: LabelPreview, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(preview.labelLoaded, timeout=10000) as loaded:
        preview.show_waybill(label())
    assert loaded.args == [True]
    assert preview.showing_label()
    text = page_text(preview, qtbot)
    assert "SF1234567890123" in text and "张三" in text
    first = preview.view.zoomFactor()
    assert first == pytest.approx(fit_zoom(PageSizeMm(100, 150), preview.view.size()))
    preview.resize(300, 300)
    qtbot.waitUntil(lambda: preview.view.zoomFactor() < first, timeout=5000)


def test_an_error_shows_the_reason_and_what_to_do(preview: LabelPreview) -> None:
    waybill = Waybill(
        REF,
        WaybillStatus.ERROR,
        930563,
        "order not exists",
        hint=Hint("Check the order id.", "请核对订单号。"),
    )
    preview.show_waybill(waybill)
    assert not preview.showing_label()
    text = preview.placeholder_text()
    assert "930563" in text and "Check the order id." in text and REF.order_id in text


def test_a_cancelled_label_is_shown_under_a_warning(preview: LabelPreview, qtbot: QtBot) -> None:
    with qtbot.waitSignal(preview.labelLoaded, timeout=10000):
        preview.show_waybill(label(WaybillStatus.CANCELLED))
    assert "CANCELLED" in preview.banner_text()
    preview.show_waybill(None, note="Not fetched yet")
    assert preview.banner_text() == ""
    assert preview.placeholder_text() == "Not fetched yet"


def test_a_fresh_page_takes_over_after_many_labels(
    label_profile: QWebEngineProfile, qtbot: QtBot
) -> None:
    widget = LabelPreview(label_profile, recycle_after=2)
    widget.resize(400, 600)
    widget.show()
    first = widget.page
    for n in range(3):
        code = f"SF99000000{n}"
        html = barcode_label_html(code, 100, 150)
        waybill = Waybill(REF, WaybillStatus.OK, 0, "ok", code, html, PageSizeMm(100, 150))
        with qtbot.waitSignal(widget.labelLoaded, timeout=10000) as loaded:
            widget.show_waybill(waybill)
        assert loaded.args == [True]
    assert widget.page is not first
    assert widget.view.page() is widget.page
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(first)  # gone, and its renderer process with it
    assert widget.page.loads == 1
    assert "SF990000002" in page_text(widget, qtbot)
    dispose(widget)
