"""A label that tries to leave itself still renders as itself: the effect in the PDF.

The labels (`tests.fixtures.hostile_labels`) try a meta refresh, `location=`, a link
click, a form submit and a frame, each to a `data:` document and to `about:blank`. The
renderer's PDF is what a printer gets, so its text must be the label's and never the
other page's. The link and form are clicked by a script in the label, so they are tried
wherever label scripts run; where they do not, the PDF must still be the label.

Where the defence lies (measured with Qt 6.12): the cage's settle script cancels every
navigation the page starts (the Navigation API's `navigate` event, and `submit`) and
`LabelPage` records it; a meta refresh is taken out of the document before it loads
(`label_html`), which is all there is with label scripts off. Behind that, Chromium itself
refuses a top-level navigation to a `data:` URL, `LabelPage`'s navigation guard refuses
any other it is asked about, and the label's frames are made inert. A navigation to
`about:blank` never reaches the guard at all: only the cage stops it.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.printing.profile import LabelProfile
from app.printing.render import LabelRenderer
from tests.fixtures.hostile_labels import (
    ABOUT_URL,
    DATA_URL,
    EVIL,
    WAYBILL_ID,
    hostile_label,
)
from tests.fixtures.qt import pdf_pages, pdf_text


def rendered_text(renderer: LabelRenderer, html: str) -> str:
    pdf = renderer.render_pdf_blocking(html, None)
    assert len(pdf_pages(pdf)) == 1
    return pdf_text(pdf)


@pytest.mark.parametrize("way", ["meta-refresh", "location", "link", "form", "frame", "frame-link"])
def test_a_label_that_tries_to_leave_for_a_data_page_renders_as_itself(
    renderer: LabelRenderer, way: str
) -> None:
    text = rendered_text(renderer, hostile_label(way, DATA_URL, script_click=True))
    assert WAYBILL_ID in text
    assert EVIL not in text


@pytest.mark.parametrize("way", ["meta-refresh", "location", "link", "form"])
def test_a_label_that_tries_to_leave_for_about_blank_renders_as_itself(
    renderer: LabelRenderer, way: str
) -> None:
    text = rendered_text(renderer, hostile_label(way, ABOUT_URL, script_click=True))
    assert WAYBILL_ID in text


@pytest.mark.parametrize("way", ["location", "link", "form"])
def test_the_cage_cancels_a_scripted_navigation_to_about_blank_and_records_it(
    renderer: LabelRenderer, way: str
) -> None:
    text = rendered_text(renderer, hostile_label(way, ABOUT_URL, script_click=True))
    assert WAYBILL_ID in text
    assert any(entry.startswith("cancelled:") for entry in renderer.page.refused)


def test_a_refresh_a_label_script_inserts_is_cancelled(renderer: LabelRenderer) -> None:
    # Not in the served document (the cage takes those out): inserted once it runs.
    insert = (
        "<script>const m = document.createElement('meta'); m.httpEquiv = 'refresh';"
        f"m.content = '0;url={ABOUT_URL}'; document.head.append(m);</script>"
    )
    html = hostile_label("link", "#").replace('<p class="id">', insert + '<p class="id">')
    text = rendered_text(renderer, html)
    assert WAYBILL_ID in text
    assert any(entry.startswith("cancelled:") for entry in renderer.page.refused)


@pytest.mark.parametrize("target", [ABOUT_URL, DATA_URL])
def test_a_meta_refresh_cannot_leave_even_with_label_scripts_off(
    label_profile: LabelProfile, renderer: LabelRenderer, target: str
) -> None:
    label_profile.configure(scripts=False)
    text = rendered_text(renderer, hostile_label("meta-refresh", target))
    assert WAYBILL_ID in text
    assert EVIL not in text


def test_a_label_script_cannot_replace_the_label_with_a_page_it_made(
    renderer: LabelRenderer,
) -> None:
    html = hostile_label("blob", "")
    text = rendered_text(renderer, html)
    assert WAYBILL_ID in text
    assert EVIL not in text


def test_the_guard_alone_refuses_a_navigation_the_label_did_not_start(
    qtbot: QtBot, renderer: LabelRenderer
) -> None:
    # Started from outside the page, so the cage script never sees it; Chromium would show
    # a `data:` page navigated to this way: only `acceptNavigationRequest` stands between.
    rendered_text(renderer, hostile_label("link", "#"))
    page = renderer.page
    page.setUrl(QUrl(DATA_URL))
    qtbot.waitUntil(lambda: "data:NavigationTypeTyped" in page.refused, timeout=10_000)
    pdfs: list[bytes] = []
    page.printToPdf(lambda data: pdfs.append(bytes(data)))
    qtbot.waitUntil(lambda: bool(pdfs), timeout=20_000)
    assert WAYBILL_ID in pdf_text(pdfs[0])
    assert EVIL not in pdf_text(pdfs[0])


def test_the_evil_page_would_show_if_it_were_loaded(renderer: LabelRenderer) -> None:
    # The check above can fail: the other page's text does reach a PDF when it is shown.
    text = rendered_text(renderer, f"<p>{WAYBILL_ID}</p><p>{EVIL} page</p>")
    assert WAYBILL_ID in text and EVIL in text
