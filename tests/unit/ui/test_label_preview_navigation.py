"""The preview keeps showing the label when the label tries to leave itself.

Meta refresh, a frame and `location=` try on their own; the link and the form are clicked
with the mouse, as a packer might. After the attempt has had its outcome — Chromium's
refusal in the log, the cage script's cancellation (recorded in `LabelPage.refused`), the
guard's refusal (a load that ends unfinished), or a new page loaded — what the preview
page holds (printed to PDF, frames included) is still the label. A label that can make no
attempt — a `location=` whose script did not run (label scripts off), a meta refresh the
cage took out of the document before it loaded — must still be the label too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineScript
from PySide6.QtWidgets import QWidget
from pytestqt.logging import QtLoggingPlugin
from pytestqt.qtbot import QtBot

from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.ui.label_preview import LabelPreview
from tests.fixtures.hostile_labels import (
    ABOUT_URL,
    DATA_URL,
    EVIL,
    WAYBILL_ID,
    hostile_label,
)
from tests.fixtures.qt import dispose, pdf_text

REF = OrderRef("4200000077", "SF")
REFUSED_BY_CHROMIUM = "Not allowed to navigate top frame to data URL"


@pytest.fixture
def preview(label_profile: QWebEngineProfile, qtbot: QtBot) -> Iterator[LabelPreview]:
    widget = LabelPreview(label_profile)
    widget.resize(400, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    dispose(widget)


class Loads:
    """Every `loadFinished` of the preview's page, in order."""

    def __init__(self, preview: LabelPreview) -> None:
        self.oks: list[bool] = []
        preview.page.loadFinished.connect(self.oks.append)


def show(preview: LabelPreview, qtbot: QtBot, html: str) -> Loads:
    loads = Loads(preview)
    waybill = Waybill(REF, WaybillStatus.OK, 0, "ok", WAYBILL_ID, html, PageSizeMm(100, 150))
    preview.show_waybill(waybill)
    qtbot.waitUntil(lambda: bool(loads.oks), timeout=20_000)
    assert loads.oks[0] is True  # the label itself loaded (an attempt may follow at once)
    return loads


def evaluate(preview: LabelPreview, qtbot: QtBot, code: str) -> object:
    """Run `code` in the application's own script world (not the label's)."""
    results: list[object] = []
    preview.page.runJavaScript(
        code, QWebEngineScript.ScriptWorldId.ApplicationWorld, results.append
    )
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    return results[0]


def wait_for_the_outcome(
    preview: LabelPreview, qtbot: QtBot, qtlog: QtLoggingPlugin, loads: Loads
) -> None:
    """Until the attempt has ended one way or another (never a fixed wait)."""

    def ended() -> bool:
        refused = any(REFUSED_BY_CHROMIUM in record.message for record in qtlog.records)
        cancelled = any(entry.startswith("cancelled:") for entry in preview.page.refused)
        return refused or cancelled or len(loads.oks) > 1

    qtbot.waitUntil(ended, timeout=20_000)


def holds_a_refresh(preview: LabelPreview, qtbot: QtBot) -> bool:
    """The loaded label still has a `<meta http-equiv=refresh>`, so a refresh is coming
    (Chromium schedules it when the element is parsed); none: no attempt will be made."""
    found = evaluate(
        preview, qtbot, "document.querySelector('meta[http-equiv=refresh i]') !== null"
    )
    assert isinstance(found, bool)
    return found


def shown_text(preview: LabelPreview, qtbot: QtBot) -> str:
    """What the preview page holds, frames included: the page printed to PDF."""
    pdfs: list[bytes] = []
    preview.page.printToPdf(lambda data: pdfs.append(bytes(data)))
    qtbot.waitUntil(lambda: bool(pdfs), timeout=20_000)
    return pdf_text(pdfs[0])


def click_top_of_label(preview: LabelPreview, qtbot: QtBot) -> None:
    """A mouse click near the top of the label, where the link / button lies."""
    target = preview.view.focusProxy()
    assert isinstance(target, QWidget)
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(target.width() // 2, 30))


@pytest.mark.parametrize(
    ("way", "target"),
    [
        ("meta-refresh", DATA_URL),
        ("link", DATA_URL),
        ("form", DATA_URL),
        ("meta-refresh", ABOUT_URL),
        ("link", ABOUT_URL),
        ("form", ABOUT_URL),
    ],
)
def test_the_preview_still_shows_the_label_after_it_tried_to_leave(
    preview: LabelPreview, qtbot: QtBot, qtlog: QtLoggingPlugin, way: str, target: str
) -> None:
    loads = show(preview, qtbot, hostile_label(way, target))
    if way in ("link", "form"):
        click_top_of_label(preview, qtbot)
    if way != "meta-refresh" or holds_a_refresh(preview, qtbot):
        wait_for_the_outcome(preview, qtbot, qtlog, loads)
    text = shown_text(preview, qtbot)
    assert WAYBILL_ID in text
    assert EVIL not in text


def test_a_frame_in_the_preview_never_shows_another_page(
    preview: LabelPreview, qtbot: QtBot
) -> None:
    # The frame's fate is settled before the label's own load ends.
    show(preview, qtbot, hostile_label("frame", DATA_URL))
    text = shown_text(preview, qtbot)
    assert WAYBILL_ID in text
    assert EVIL not in text


@pytest.mark.parametrize(
    ("way", "target"),
    [
        ("location", DATA_URL),
        ("blob", ""),
        ("location", ABOUT_URL),
    ],
)
def test_a_label_script_leaves_the_preview_on_the_label(
    preview: LabelPreview, qtbot: QtBot, qtlog: QtLoggingPlugin, way: str, target: str
) -> None:
    loads = show(preview, qtbot, hostile_label(way, target))
    if evaluate(preview, qtbot, "document.documentElement.getAttribute('data-ran')") == "1":
        wait_for_the_outcome(preview, qtbot, qtlog, loads)  # the script ran: it tried
    text = shown_text(preview, qtbot)
    assert WAYBILL_ID in text
    assert EVIL not in text
