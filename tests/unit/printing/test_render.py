"""LabelRenderer: real QtWebEngine PDFs at the label's page size."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.profile import MAX_LABEL_BYTES, LabelProfile
from app.printing.render import DEFAULT_PAGE_SIZE, LabelRenderer, RenderError, RenderResult
from tests.fixtures.qt import barcode_label_html, dispose, pdf_pages, read_barcodes_from_pdf


def assert_single_page(pdf: bytes, width: float, height: float) -> None:
    pages = pdf_pages(pdf)
    assert len(pages) == 1, pages
    assert pages[0][0] == pytest.approx(width, abs=1.0)
    assert pages[0][1] == pytest.approx(height, abs=1.0)


@pytest.mark.parametrize(("width", "height"), [(100, 150), (76, 130), (100, 180)])
def test_page_rule_sets_the_page_size(renderer: LabelRenderer, width: int, height: int) -> None:
    pdf = renderer.render_pdf_blocking(barcode_label_html("SF1", width, height), None)
    assert_single_page(pdf, width, height)


def test_page_rule_wins_over_the_given_size(renderer: LabelRenderer) -> None:
    pdf = renderer.render_pdf_blocking(barcode_label_html("SF1", 76, 130), PageSizeMm(100, 150))
    assert_single_page(pdf, 76, 130)


def test_without_page_rule_the_given_size_applies(renderer: LabelRenderer) -> None:
    html = barcode_label_html("SF1", 76, 130, page_rule=False)
    assert_single_page(renderer.render_pdf_blocking(html, PageSizeMm(76, 130)), 76, 130)


def test_without_any_size_the_default_applies(renderer: LabelRenderer) -> None:
    html = barcode_label_html("SF1", 100, 150, page_rule=False)
    pdf = renderer.render_pdf_blocking(html, None)
    assert_single_page(pdf, DEFAULT_PAGE_SIZE.width, DEFAULT_PAGE_SIZE.height)


def test_wide_label_stays_wide(renderer: LabelRenderer) -> None:
    html = barcode_label_html("SF1", 150, 100, page_rule=False)
    assert_single_page(renderer.render_pdf_blocking(html, PageSizeMm(150, 100)), 150, 100)


def test_full_height_label_without_page_margin_rule_does_not_spill(
    renderer: LabelRenderer,
) -> None:
    html = barcode_label_html("SF1", 100, 150).replace("margin: 0; }", "}", 1)
    assert "@page { size: 100mm 150mm; }" in html
    assert_single_page(renderer.render_pdf_blocking(html, PageSizeMm(100, 150)), 100, 150)


def test_chinese_text_is_embedded(renderer: LabelRenderer) -> None:
    pdf = renderer.render_pdf_blocking(barcode_label_html("SF1", 100, 150), None)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "顺丰速运" in text
    assert "张三" in text


def test_barcode_reads_back(renderer: LabelRenderer, tmp_path: Path) -> None:
    path = tmp_path / "label.pdf"
    path.write_bytes(
        renderer.render_pdf_blocking(barcode_label_html("SF7788990011", 76, 130), None)
    )
    assert read_barcodes_from_pdf(path) == ["SF7788990011"]


def test_requests_are_queued_and_each_answered_once(qtbot: QtBot, renderer: LabelRenderer) -> None:
    results: list[tuple[str, RenderResult]] = []
    sizes = {"A": (100, 150), "B": (76, 130), "C": (100, 180)}

    def answer(name: str) -> Callable[[RenderResult], None]:
        return lambda result: results.append((name, result))

    for name, (width, height) in sizes.items():
        renderer.render_pdf(barcode_label_html(name, width, height), None, answer(name))
    assert results == []  # nothing is answered inside render_pdf
    qtbot.waitUntil(lambda: len(results) == 3, timeout=30_000)
    assert [name for name, _ in results] == ["A", "B", "C"]
    for name, result in results:
        assert result.error is None
        assert result.pdf is not None
        assert_single_page(result.pdf, *sizes[name])
    # Answers come in request order: once a later request is answered, a second answer
    # to any of the first three would have come before it.
    renderer.render_pdf(barcode_label_html("D", 76, 130), None, answer("D"))
    qtbot.waitUntil(lambda: len(results) >= 4, timeout=30_000)
    assert [name for name, _ in results] == ["A", "B", "C", "D"]


def test_too_large_label_is_an_error_and_the_next_one_renders(renderer: LabelRenderer) -> None:
    with pytest.raises(RenderError, match="too large"):
        renderer.render_pdf_blocking("x" * (MAX_LABEL_BYTES + 1), None)
    assert_single_page(
        renderer.render_pdf_blocking(barcode_label_html("SF1", 76, 130), None), 76, 130
    )


@pytest.mark.parametrize(
    "stuck",
    [
        "<p>stuck</p><script>for (;;) {}</script>",
        "<p>stuck</p><script>onload = () => { for (;;) {} }</script>",
    ],
)
def test_a_label_that_never_renders_fails_alone_and_the_next_one_renders(
    label_profile: LabelProfile, stuck: str
) -> None:
    renderer = LabelRenderer(label_profile, load_timeout_s=2.0)
    try:
        first = renderer.page
        with pytest.raises(RenderError, match="the label did not render within 2 s"):
            renderer.render_pdf_blocking(stuck, None)
        assert renderer.page is not first  # replaced, with its renderer process
        pdf = renderer.render_pdf_blocking(barcode_label_html("SF1", 76, 130), None)
        assert_single_page(pdf, 76, 130)
    finally:
        dispose(renderer)


def test_sandbox_label_renders_at_its_size_with_its_barcode(
    renderer: LabelRenderer, tmp_path: Path
) -> None:
    from app.core.labels import page_size_from_css
    from app.sandbox.labels import render_label

    html = render_label("SF", "ORDER-1001", "SF1234567890123")
    size = page_size_from_css(html)
    assert size is not None
    path = tmp_path / "sandbox.pdf"
    path.write_bytes(renderer.render_pdf_blocking(html, size))
    pages = pdf_pages(path)
    assert len(pages) == 1
    assert pages[0] == pytest.approx((size.width, size.height), abs=1.0)
    assert "SF1234567890123" in read_barcodes_from_pdf(path)


def test_page_is_replaced_after_its_labels_and_rendering_goes_on(
    label_profile: LabelProfile,
) -> None:
    renderer = LabelRenderer(label_profile, recycle_after=2)
    first = renderer.page
    pages: list[object] = []
    for n in range(5):
        pdf = renderer.render_pdf_blocking(barcode_label_html(f"SF{n}", 76, 130), None)
        assert_single_page(pdf, 76, 130)
        pages.append(renderer.page)
    assert len({id(p) for p in pages}) == 3  # labels 1-2, 3-4, 5
    assert renderer.page.loads == 1
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(first)
    dispose(renderer)
