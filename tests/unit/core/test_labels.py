"""Tests for app.core.labels: decoding print_html and reading the label's @page size."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.labels import LabelError, decode_print_html, page_size_from_css
from app.core.model import PageSizeMm

LABEL = (
    '<html lang="en"><head><meta charset="UTF-8"><style>@page { size: 100mm 150mm; }</style>'
    "</head><body><div>顺丰速运 SF1234567890 收件人：张三</div><p>~?>>~</p></body></html>"
)


def b64(text: str | bytes) -> str:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return base64.b64encode(raw).decode("ascii")


# --- decode_print_html -----------------------------------------------------------------


def test_standard_base64_decodes_to_the_document() -> None:
    assert decode_print_html(b64(LABEL)) == LABEL


def test_url_safe_alphabet_is_accepted() -> None:
    encoded = base64.urlsafe_b64encode(LABEL.encode()).decode()
    assert "-" in encoded or "_" in encoded  # the label is chosen to need them
    assert decode_print_html(encoded) == LABEL


def test_missing_padding_is_accepted() -> None:
    encoded = b64(LABEL + "x")
    assert encoded.endswith("=")
    assert decode_print_html(encoded.rstrip("=")) == LABEL + "x"


def test_line_breaks_and_spaces_inside_are_ignored() -> None:
    encoded = b64(LABEL)
    wrapped = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    assert decode_print_html(f"  {wrapped}\n ") == LABEL
    assert decode_print_html(" ".join(encoded)) == LABEL


def test_a_utf8_bom_is_dropped() -> None:
    assert decode_print_html(b64(b"\xef\xbb\xbf" + LABEL.encode())) == LABEL


@pytest.mark.parametrize(
    "document",
    [
        "<!DOCTYPE html><html><body>x</body></html>",
        "\n  <!doctype html>\n<title>x</title>",
        "<HTML>x</HTML>",
        "<body>only a body</body>",
        "<?xml version='1.0'?>\n<!-- carrier template -->\n<html lang='zh'>x</html>",
    ],
)
def test_html_documents_are_recognised(document: str) -> None:
    assert decode_print_html(b64(document)) == document


@pytest.mark.parametrize("value", ["", "   ", "\r\n\t", "=="])
def test_empty_input_is_missing(value: str) -> None:
    with pytest.raises(LabelError) as caught:
        decode_print_html(value)
    assert caught.value.kind == "missing"


@pytest.mark.parametrize("document", ["   \n", "\ufeff", "\ufeff \r\n"])
def test_an_empty_document_is_missing(document: str) -> None:
    with pytest.raises(LabelError) as caught:
        decode_print_html(b64(document))
    assert caught.value.kind == "missing"


@pytest.mark.parametrize(
    "value",
    [
        "not base64!",
        "PGh0bWw+*",
        "QQ==QQ==",  # padding inside the data
        "QUJD===",  # too much padding
        "QUJDR",  # a length no Base64 can have
        "5L2g5aW9",  # valid Base64 of '你好': text, but no HTML document
        b64("hello world"),
        b64(b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00"),  # UTF-16, not UTF-8
        b64(bytes(range(256))),
        b64("3 < 4 and 5>2, but no tag"),
        b64("x" * 5000 + "<html></html>"),  # the marker must be near the start
    ],
)
def test_garbage_is_corrupt(value: str) -> None:
    with pytest.raises(LabelError) as caught:
        decode_print_html(value)
    assert caught.value.kind == "corrupt"
    assert caught.value.message.en and caught.value.message.zh
    assert str(caught.value) == caught.value.message.en


def test_a_fragment_is_a_label() -> None:
    fragment = "<style>.a{}</style><div class='a'>顺丰 SF1</div>"
    assert decode_print_html(b64(fragment)) == fragment


@given(st.text(max_size=300))
def test_decode_raises_only_label_errors(value: str) -> None:
    try:
        html = decode_print_html(value)
    except LabelError as error:
        assert error.kind in ("missing", "corrupt")
    else:
        assert html.strip()


@given(st.text(min_size=1, max_size=300), st.booleans())
def test_any_html_document_round_trips(body: str, url_safe: bool) -> None:
    document = f"<html><body>{body}</body></html>"
    encode = base64.urlsafe_b64encode if url_safe else base64.b64encode
    encoded = encode(document.encode("utf-8", "surrogatepass")).decode()
    try:
        assert decode_print_html(encoded.rstrip("=")) == document
    except LabelError as error:  # only lone surrogates make it not UTF-8
        assert error.kind == "corrupt"
        assert any(0xD800 <= ord(char) <= 0xDFFF for char in body)


# --- page_size_from_css ----------------------------------------------------------------


def page(css: str) -> str:
    return f"<html><head><style>{css}</style></head><body>label</body></html>"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("100mm 150mm", (100.0, 150.0)),
        ("76mm 130mm", (76.0, 130.0)),
        ("10cm 18cm", (100.0, 180.0)),
        ("4in 6in", (101.6, 152.4)),
        ("384px 576px", (101.6, 152.4)),
        ("288pt 432pt", (101.6, 152.4)),
        ("100MM 150MM", (100.0, 150.0)),
        ("100.5mm .5in", (100.5, 12.7)),
        ("80mm", (80.0, 80.0)),
        ("A4", (210.0, 297.0)),
        ("a5", (148.0, 210.0)),
        ("A6 portrait", (105.0, 148.0)),
        ("A6 landscape", (148.0, 105.0)),
        ("landscape A4", (297.0, 210.0)),
        ("letter", (215.9, 279.4)),
        ("letter landscape", (279.4, 215.9)),
        ("100mm 150mm !important", (100.0, 150.0)),
        ("150mm 100mm portrait", (100.0, 150.0)),
        ("100mm 150mm landscape", (150.0, 100.0)),
    ],
)
def test_page_sizes_are_read(size: str, expected: tuple[float, float]) -> None:
    result = page_size_from_css(page(f"@page {{ size: {size}; margin: 0; }}"))
    assert result is not None
    assert (result.width, result.height) == pytest.approx(expected)


@pytest.mark.parametrize(
    "size",
    ["auto", "landscape", "portrait", "", "100mm 150mm 20mm", "100 150", "A4 100mm", "-5mm 10mm"],
)
def test_sizes_without_dimensions_give_none(size: str) -> None:
    assert page_size_from_css(page(f"@page {{ size: {size}; }}")) is None


def test_no_style_or_no_page_rule_gives_none() -> None:
    assert page_size_from_css("<html><body>no style</body></html>") is None
    assert page_size_from_css(page("body { margin: 0 }")) is None
    assert page_size_from_css(page("@page { margin: 0 }")) is None


def test_size_outside_style_blocks_is_ignored() -> None:
    html = "<html><body><p>@page { size: 100mm 150mm }</p></body></html>"
    assert page_size_from_css(html) is None


def test_comments_and_other_properties_do_not_confuse() -> None:
    css = """
    /* @page { size: A4 } is the old layout */
    @page /* label */ {
        margin: 0mm; /* size: 1mm 1mm; */
        size: 76mm /* width */ 130mm;
        padding: 0;
    }
    .size { size: 5mm; }
    """
    assert page_size_from_css(page(css)) == PageSizeMm(76.0, 130.0)


def test_an_unterminated_comment_hides_the_rest() -> None:
    assert page_size_from_css(page("/* @page { size: A4 }")) is None


def test_margin_boxes_inside_the_page_rule_are_skipped() -> None:
    css = "@page { @top-center { content: 'x'; size: 1mm } size: 100mm 180mm; margin: 0 }"
    assert page_size_from_css(page(css)) == PageSizeMm(100.0, 180.0)


def test_the_last_size_wins() -> None:
    css = "@page { size: A4 } @page { size: 100mm 150mm; size: 100mm 180mm }"
    assert page_size_from_css(page(css)) == PageSizeMm(100.0, 180.0)


def test_a_general_page_rule_wins_over_a_selected_one() -> None:
    css = "@page { size: 100mm 150mm } @page :first { size: A4 }"
    assert page_size_from_css(page(css)) == PageSizeMm(100.0, 150.0)
    assert page_size_from_css(page("@page :first { size: A6 }")) == PageSizeMm(105.0, 148.0)


def test_several_style_blocks_and_attributes_are_read() -> None:
    html = (
        '<html><head><style type="text/css">body{margin:0}</style>'
        '<STYLE media="print">@PAGE{SIZE:10CM 15CM}</STYLE></head><body></body></html>'
    )
    assert page_size_from_css(html) == PageSizeMm(100.0, 150.0)


def test_an_unclosed_page_rule_still_reads() -> None:
    assert page_size_from_css(page("@page { size: A5")) == PageSizeMm(148.0, 210.0)


@given(st.text(max_size=300))
def test_page_size_never_raises(css: str) -> None:
    result = page_size_from_css(page(css))
    assert result is None or (result.width > 0 and result.height > 0)


MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}
OTHER_RULES = st.lists(
    st.sampled_from(
        [
            "body { margin: 0 }",
            ".size { size: 5mm; }",
            "/* @page { size: A4 } */",
            "@media print { .a { color: #000 } }",
            "p::after { content: '; size: 1mm' }",
        ]
    ),
    max_size=3,
)


@given(
    width=st.integers(1, 5000),
    height=st.integers(1, 5000),
    unit=st.sampled_from(sorted(MM_PER)),
    orientation=st.sampled_from(["", "portrait", "landscape"]),
    before=OTHER_RULES,
    after=OTHER_RULES,
)
def test_any_page_size_is_read_exactly(
    width: int, height: int, unit: str, orientation: str, before: list[str], after: list[str]
) -> None:
    w, h = width / 10, height / 10  # one decimal: 0.1 to 500
    css = " ".join(
        [*before, f"@page {{ margin: 0; size: {w}{unit} {h}{unit} {orientation}; }}", *after]
    )
    expected_w, expected_h = w * MM_PER[unit], h * MM_PER[unit]
    if (orientation == "landscape" and expected_w < expected_h) or (
        orientation == "portrait" and expected_w > expected_h
    ):
        expected_w, expected_h = expected_h, expected_w
    result = page_size_from_css(page(css))
    assert result is not None
    assert (result.width, result.height) == pytest.approx((expected_w, expected_h), abs=1e-3)
