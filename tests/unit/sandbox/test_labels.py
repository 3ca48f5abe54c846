"""Sandbox labels: complete HTML at the carrier's page size with a barcode that scans.

The barcode check rasterises the label's inline SVG the way a 203 dpi thermal printer
does (a dot is black when its centre falls on a bar) and reads it back with zxing-cpp.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp

from app.sandbox.barcodes import DOT_MM, code128_modules, module_width_mm
from app.sandbox.carriers import CARRIERS
from app.sandbox.labels import label_base64, render_label
from tests.unit.sandbox.support import Caller, decode_label

CODE128 = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.Code128)
SVG_NS = "{http://www.w3.org/2000/svg}"
PAGE_SIZES = {
    "TEST": (100, 150),
    "SF": (100, 150),
    "ZTO": (76, 130),
    "YTO": (100, 180),
    "EMS": (100, 150),
}


def _mm(value: str) -> float:
    assert value.endswith("mm"), value
    return float(value[:-2])


def _barcode_svg(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match is not None, "no inline SVG in the label"
    return ET.fromstring(match.group(0))


def _rasterise(svg: ET.Element, dpi: float) -> memoryview:
    """A grayscale image of the barcode as a `dpi` printer would put the bars on paper."""
    dot = 25.4 / dpi
    width_mm = _mm(svg.attrib["width"])
    width = int(width_mm / dot)
    height = max(int(_mm(svg.attrib["height"]) / dot), 40)
    scale = width_mm / float(svg.attrib["viewBox"].split()[2])  # mm per viewBox unit
    path = svg.find(f"{SVG_NS}path")
    assert path is not None and path.attrib["fill"] == "#000"
    bars = [
        (int(x) * scale, int(w) * scale)
        for x, w in re.findall(r"M(\d+) 0h(\d+)v1h-\d+z", path.attrib["d"])
    ]
    assert bars
    row = bytearray(b"\xff" * width)
    for i in range(width):
        centre = (i + 0.5) * dot
        if any(x <= centre < x + w for x, w in bars):
            row[i] = 0
    return memoryview(bytes(row) * height).cast("B", (height, width))


def _scan(svg: ET.Element, dpi: float = 203) -> list[str]:
    found = zxingcpp.read_barcodes(_rasterise(svg, dpi), formats=CODE128)
    return [b.text for b in found]


@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_every_carrier_label_scans_as_its_waybill_at_203_dpi(caller: Caller, carrier: str) -> None:
    item = caller.get_order({"order_id": "ORD20240601", "delivery_id": carrier})
    html = decode_label(item)
    width, height = CARRIERS[carrier].page_mm
    assert f"@page {{ size: {width}mm {height}mm; margin: 0 }}" in html
    svg = _barcode_svg(html)
    assert _mm(svg.attrib["width"]) <= width - 4  # fits inside the label's padding
    assert _mm(svg.attrib["height"]) >= 12
    assert _scan(svg) == [item["waybill_id"]]


@pytest.mark.parametrize(("carrier", "size"), sorted(PAGE_SIZES.items()))
def test_page_sizes_per_carrier(carrier: str, size: tuple[int, int]) -> None:
    html = render_label(carrier, "ORD1", CARRIERS[carrier].make_waybill("ORD1"))
    assert f"size: {size[0]}mm {size[1]}mm" in html
    assert f"width: {size[0]}mm; height: {size[1]}mm; overflow: hidden" in html


def test_label_is_a_complete_utf8_document_with_the_order_and_parties() -> None:
    html = render_label("SF", "ORD-88", "SF1234567890123")
    assert html.startswith('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8">')
    assert html.endswith("</body></html>")
    assert "顺丰速运" in html
    assert "ORD-88" in html
    assert "SF12 3456 7890 123" in html
    assert re.search(r"1[3-9]\d\*{4}\d{4}", html), "masked phone numbers"
    assert "收" in html and "寄" in html


def test_label_has_no_scripts_or_remote_resources() -> None:
    for carrier in CARRIERS:
        html = render_label(carrier, "ORD1", CARRIERS[carrier].make_waybill("ORD1")).lower()
        assert "<script" not in html
        assert "src=" not in html
        assert "url(" not in html
        assert "@import" not in html
        assert "http://www.w3.org/2000/svg" in html  # the only URL is the SVG namespace
        assert len(re.findall(r"https?://", html)) == 1


def test_order_id_text_is_escaped() -> None:
    html = render_label("SF", '<script>alert("x")</script>&', "SF1234567890123")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_labels_are_deterministic_and_differ_per_order() -> None:
    one = label_base64("ZTO", "ORD1", "712345678901")
    assert label_base64("ZTO", "ORD1", "712345678901") == one
    assert render_label("ZTO", "ORD1", "712345678901") == render_label(
        "ZTO", "ORD1", "712345678901"
    )
    assert label_base64("ZTO", "ORD2", "712345678901") != one


def test_module_width_is_whole_printer_dots() -> None:
    assert module_width_mm("SF1234567890123", 94) == 3 * DOT_MM
    long_test = "ORD20240601_1716793110_waybill_id"
    assert module_width_mm(long_test, 94) == 2 * DOT_MM
    assert module_width_mm("X" * 60 + "_1716793110_waybill_id", 94) == DOT_MM
    modules = len(code128_modules(long_test)) + 20
    assert modules * module_width_mm(long_test, 94) <= 94


def test_long_test_waybill_still_fits_and_scans() -> None:
    waybill = "ORDER-2024-06-01-A_1716793110_waybill_id"
    svg = _barcode_svg(render_label("TEST", "ORDER-2024-06-01-A", waybill))
    assert _mm(svg.attrib["width"]) <= 96
    assert _scan(svg) == [waybill]


def _decode_modules(text: str) -> list[str]:
    """Draw the modules as a clean raster (3 px each) and let zxing-cpp read it."""
    bits = "0" * 10 + code128_modules(text) + "0" * 10
    row = bytes(0 if bit == "1" else 255 for bit in bits for _ in range(3))
    image = memoryview(row * 20).cast("B", (20, len(row)))
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.Code128)
    return [found.text for found in zxingcpp.read_barcodes(image, formats=formats)]


def test_every_carriers_waybill_barcode_reads_back_as_the_waybill_id() -> None:
    # python-barcode's encoder dropped a leading "99" (an EMS waybill 9980862000108
    # scanned as 80862000108); the sandbox's own encoder must not.
    ids = ["9980862000108", "99", "990", "9999", "1", "A", "SF1234567890123"]
    ids += [carrier.make_waybill(f"ORD{n:05d}") for carrier in CARRIERS.values() for n in range(60)]
    wrong = {text: read for text in ids if (read := _decode_modules(text)) != [text]}
    assert wrong == {}
