"""The label verifier on real QtWebEngine PDFs: page count and size, blank, barcode."""

from __future__ import annotations

import base64

import pytest
import zxingcpp

from app.core.labels import page_size_from_css
from app.core.model import PageSizeMm
from app.printing.quick_look import quick_look
from app.printing.render import LabelRenderer
from app.printing.verify import (
    ProblemKind,
    VerifyPolicy,
    check_spoolable,
    page_sizes_mm,
    verify_label,
)
from app.sandbox.labels import render_label
from tests.fixtures.qt import barcode_label_html


def _pdf(renderer: LabelRenderer, html: str, size: PageSizeMm | None = None) -> bytes:
    return renderer.render_pdf_blocking(html, size or page_size_from_css(html))


def test_a_label_whose_barcode_is_its_waybill_is_verified(renderer: LabelRenderer) -> None:
    result = verify_label(
        _pdf(renderer, barcode_label_html("SF7788990011", 76, 130)), "SF7788990011"
    )
    assert result.ok, result.reason
    assert result.barcodes == ("SF7788990011",)
    assert result.reason == ""
    assert result.checked_dpi == 203
    assert result.pages[0] == pytest.approx((76, 130), abs=1)


@pytest.mark.parametrize(
    ("carrier", "waybill_id"),
    [
        ("SF", "SF1234567890123"),
        ("ZTO", "75312345678901"),
        ("YTO", "YT1234567890123"),
        ("EMS", "9980862000108"),  # a leading 99: python-barcode's encoder dropped it
    ],
)
def test_sandbox_labels_verify(renderer: LabelRenderer, carrier: str, waybill_id: str) -> None:
    # The demo's labels must verify, or every sandbox run would be "unverified".
    result = verify_label(_pdf(renderer, render_label(carrier, "o-1", waybill_id)), waybill_id)
    assert result.ok, result.reason


def test_a_barcode_of_another_waybill_is_named(renderer: LabelRenderer) -> None:
    result = verify_label(_pdf(renderer, barcode_label_html("SF1111", 100, 150)), "SF2222")
    assert not result.ok
    assert result.has(ProblemKind.WRONG_BARCODE)
    assert result.reason == "barcode reads SF1111, not the waybill SF2222"


def test_no_barcode(renderer: LabelRenderer) -> None:
    html = "<html><body><h1>顺丰速运</h1><p>运单号 SF1</p></body></html>"
    result = verify_label(_pdf(renderer, html), "SF1")
    assert [p.kind for p in result.problems] == [ProblemKind.NO_BARCODE]
    assert "no barcode found at 203 dpi" in result.reason


def test_a_blank_page(renderer: LabelRenderer) -> None:
    result = verify_label(_pdf(renderer, "<html><body></body></html>"), "SF1")
    assert [p.kind for p in result.problems] == [ProblemKind.BLANK]
    assert result.reason == "the label is blank"


def test_without_a_waybill_id_any_barcode_will_do(renderer: LabelRenderer) -> None:
    assert verify_label(_pdf(renderer, barcode_label_html("X9", 100, 150)), None).ok


def test_a_qr_code_alone_verifies(renderer: LabelRenderer) -> None:
    svg = zxingcpp.write_barcode_to_svg(zxingcpp.create_barcode("JT0001", zxingcpp.QRCode))
    image = base64.b64encode(svg.encode()).decode()
    html = (
        "<html><head><style>@page { size: 76mm 130mm; margin: 0 }</style></head><body>"
        f'<img style="width:40mm;margin:10mm" src="data:image/svg+xml;base64,{image}">'
        "</body></html>"
    )
    result = verify_label(_pdf(renderer, html), "JT0001")
    assert result.ok, result.reason


def test_two_pages_are_refused_unless_allowed(renderer: LabelRenderer) -> None:
    html = barcode_label_html("SF5", 100, 150, extra='<div style="height:200mm"></div>')
    html = html.replace("overflow: hidden;", "")
    pdf = _pdf(renderer, html)
    assert len(page_sizes_mm(pdf)) == 2
    result = verify_label(pdf, "SF5")
    assert [p.kind for p in result.problems] == [ProblemKind.PAGES]
    assert result.reason == "2 pages (a label is one page)"
    assert check_spoolable(pdf) is not None
    assert verify_label(pdf, "SF5", policy=VerifyPolicy(allow_multi_page=True)).ok


@pytest.mark.parametrize(("css", "shown"), [("5000mm 5000mm", "5000"), ("1e400mm 1e400mm", "e+06")])
def test_an_absurd_page_is_refused_before_spooling(
    renderer: LabelRenderer, css: str, shown: str
) -> None:
    html = f"<html><head><style>@page {{ size: {css} }}</style></head><body>x</body></html>"
    # The program's own CSS reader does not understand 1e400mm; Chromium does.
    pdf = renderer.render_pdf_blocking(html, None)
    problem = check_spoolable(pdf)
    assert problem is not None and problem.kind is ProblemKind.PAGE_SIZE
    assert shown in problem.text and "20–300 mm a side" in problem.text
    result = verify_label(pdf, "x")
    assert [p.kind for p in result.problems] == [ProblemKind.PAGE_SIZE]
    assert result.checked_dpi == 0  # never rasterised


def test_a_tiny_page_is_refused(renderer: LabelRenderer) -> None:
    html = "<html><head><style>@page { size: 10mm 10mm }</style></head><body>x</body></html>"
    problem = check_spoolable(_pdf(renderer, html))
    assert problem is not None and problem.kind is ProblemKind.PAGE_SIZE


def test_blocked_hosts_are_a_reason(renderer: LabelRenderer) -> None:
    pdf = _pdf(renderer, barcode_label_html("SF6", 100, 150))
    result = verify_label(pdf, "SF6", blocked_hosts=["https://cdn.example", "https://cdn.example"])
    assert [p.kind for p in result.problems] == [ProblemKind.BLOCKED_HOSTS]
    assert result.reason == "blocked hosts: https://cdn.example"


def test_data_that_is_no_pdf_is_unreadable() -> None:
    problem = check_spoolable(b"%PDF-1.4 garbage")
    assert problem is not None and problem.kind is ProblemKind.UNREADABLE
    result = verify_label(b"not a pdf", "SF1")
    assert [p.kind for p in result.problems] == [ProblemKind.UNREADABLE]


def _modules(code: str) -> str:
    """The dark (#) and light (.) modules of a Code128 of `code`, left to right."""
    image = memoryview(
        zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.Code128).to_image(
            scale=1, add_quiet_zones=False
        )
    )
    return "".join("#" if image[0, x] < 128 else "." for x in range(image.shape[1]))


def _barcode_drawn_with_text(code: str) -> str:
    """A Code128 drawn the way a barcode font draws one: with glyphs, not paths or images
    (full blocks of a monospaced font, one per dark module, twenty lines tall)."""
    row = _modules(code).replace("#", "\u2588").replace(".", "\u00a0")
    lines = "<br>".join([row] * 20)
    return (
        "<div style=\"font: 4px/4px 'DejaVu Sans Mono', monospace; margin: 6mm 8mm;"
        f' white-space: pre">{lines}</div>'
    )


def test_the_quick_look_confirms_an_ordinary_label(renderer: LabelRenderer) -> None:
    waybill = "SF1234567890123"
    pdf = _pdf(renderer, render_label("SF", "o-1", waybill))
    quick = verify_label(pdf, waybill)
    whole = verify_label(pdf, waybill, policy=VerifyPolicy(quick_look=False))
    assert quick.ok and quick.quick, quick.reason
    assert whole.ok and not whole.quick
    assert quick.barcodes == (waybill,)


def test_a_barcode_drawn_with_a_font_is_verified_on_the_whole_page(
    renderer: LabelRenderer,
) -> None:
    # The quick look hides all text, so it cannot see this barcode: the whole page decides.
    html = (
        "<html><head><style>@page { size: 100mm 150mm; margin: 0 }</style></head><body>"
        f"<p>顺丰速运</p>{_barcode_drawn_with_text('SF31415')}</body></html>"
    )
    result = verify_label(_pdf(renderer, html), "SF31415")
    assert result.ok, result.reason
    assert not result.quick
    assert result.barcodes == ("SF31415",)


def test_text_over_the_bars_sends_the_label_to_the_whole_page(renderer: LabelRenderer) -> None:
    # Without its text this label reads; printed, a line of full blocks covers the bars.
    cover = "\u2588" * 40
    extra = (
        '<div style="position: absolute; left: 0; top: 0; width: 100mm; font: 40px/40px '
        f"'DejaVu Sans Mono', monospace\">{'<br>'.join([cover] * 30)}</div>"
    )
    pdf = _pdf(renderer, barcode_label_html("SF2718", 100, 150, extra=extra))
    result = verify_label(pdf, "SF2718")
    assert not result.ok
    assert not result.quick
    assert result.has(ProblemKind.NO_BARCODE), result.reason
    look = quick_look(pdf, 0, 203, "SF2718")
    assert look.barcode is not None and look.text_near
    html_without_cover = barcode_label_html("SF2718", 100, 150)
    assert verify_label(_pdf(renderer, html_without_cover), "SF2718").quick
