"""The self-test's checks: pure functions over PDF bytes and scan lines, no Qt.

Each check returns a `CheckResult` instead of raising, so the self-test can report every
check. Chromium's PDFs (Skia) write the page dictionary uncompressed, so the `/MediaBox`
is read with a regex; the page content is Flate-compressed, which `zlib` opens. A barcode
is "present" when the bars found — filled black rectangles in the PDF, dark runs along a
pixel row of the rendered image — give back exactly the Code128 module pattern of the
code that was drawn, so a blank or garbled label fails.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import barcode

PT_PER_MM = 72.0 / 25.4

_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
_STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", re.S)
_NUM = rb"(-?\d*\.?\d+)"
# A filled rectangle (`x y w h re` then `f`), or a change of the fill colour (`rg` / `g`).
_OPS = re.compile(
    rb"(?P<re>" + rb"\s+".join([_NUM] * 4) + rb"\s+re\s+f\*?(?![A-Za-z]))"
    rb"|(?P<rgb>" + rb"\s+".join([_NUM] * 3) + rb"\s+rg(?![A-Za-z]))"
    rb"|(?P<gray>" + _NUM + rb"\s+g(?![A-Za-z]))"
)


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict and a line saying what was found."""

    name: str
    ok: bool
    detail: str


def code128_pattern(code: str) -> str:
    """The Code128 module pattern of `code`: "1" a bar module, "0" a space module."""
    return str(barcode.get("code128", code).build()[0])


def runs_of(pattern: str) -> list[tuple[str, int]]:
    """`"1100"` → `[("1", 2), ("0", 2)]`."""
    runs: list[tuple[str, int]] = []
    for symbol in pattern:
        if runs and runs[-1][0] == symbol:
            runs[-1] = (symbol, runs[-1][1] + 1)
        else:
            runs.append((symbol, 1))
    return runs


def pdf_page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    """The (width, height) in millimetres of every `/MediaBox` in the PDF."""
    sizes = []
    for match in _MEDIABOX.finditer(pdf):
        x0, y0, x1, y1 = (float(v) for v in match.groups())
        sizes.append((abs(x1 - x0) / PT_PER_MM, abs(y1 - y0) / PT_PER_MM))
    return sizes


def check_page_size(
    pdf: bytes, expected_mm: tuple[float, float], tolerance_mm: float = 1.0
) -> CheckResult:
    """The PDF has exactly one page, of `expected_mm` within `tolerance_mm`."""
    name = "page size"
    want = f"{expected_mm[0]:g} × {expected_mm[1]:g} mm ± {tolerance_mm:g} mm"
    sizes = pdf_page_sizes_mm(pdf)
    if not sizes:
        return CheckResult(name, False, f"no /MediaBox found (expected {want})")
    if len(sizes) != 1:
        return CheckResult(name, False, f"{len(sizes)} pages (expected one page of {want})")
    width, height = sizes[0]
    ok = (
        abs(width - expected_mm[0]) <= tolerance_mm and abs(height - expected_mm[1]) <= tolerance_mm
    )
    return CheckResult(name, ok, f"{width:.1f} × {height:.1f} mm (expected {want})")


def pdf_content_streams(pdf: bytes) -> list[bytes]:
    """Every stream of the PDF, Flate-decoded where it says so; undecodable ones skipped."""
    streams = []
    for match in _STREAM.finditer(pdf):
        header, data = match.groups()
        if b"/FlateDecode" in header:
            try:
                data = zlib.decompress(data)
            except zlib.error:
                continue
        elif b"/Filter" in header:
            continue
        streams.append(data)
    return streams


def _black_rects(content: bytes) -> list[tuple[float, float, float, float]]:
    rects = []
    dark = True  # the PDF default fill colour is black
    for match in _OPS.finditer(content):
        numbers = [float(v) for v in re.findall(_NUM, match.group(0))]
        if match.group("re") is not None:
            if dark:
                rects.append((numbers[0], numbers[1], numbers[2], numbers[3]))
        else:
            dark = max(numbers) < 0.5
    return rects


def pattern_from_bars(bars: Sequence[tuple[float, float]], modules: int | None = None) -> str:
    """Module pattern from bars given as (start, width) along the code.

    The module width is the span of the bars divided by `modules` when that is known (pixel
    rows, where the narrowest bar may have lost a pixel to anti-aliasing), else the
    narrowest bar.
    """
    if not bars:
        return ""
    ordered = sorted(bars)
    if modules:
        module = (ordered[-1][0] + ordered[-1][1] - ordered[0][0]) / modules
    else:
        module = min(width for _, width in ordered)
    if module <= 0:
        return ""
    pattern = []
    end = ordered[0][0]
    for start, width in ordered:
        pattern.append("0" * max(0, round((start - end) / module)))
        pattern.append("1" * max(1, round(width / module)))
        end = start + width
    return "".join(pattern)


def pdf_bar_patterns(pdf: bytes) -> list[str]:
    """For each row of filled black rectangles (same y and height), its module pattern."""
    patterns: list[str] = []
    for content in pdf_content_streams(pdf):
        rows: dict[tuple[float, float], list[tuple[float, float]]] = {}
        for x, y, w, h in _black_rects(content):
            if w > 0 and h > 0:
                rows.setdefault((round(y, 2), round(h, 2)), []).append((x, w))
        patterns.extend(pattern_from_bars(bars) for bars in rows.values() if len(bars) > 1)
    return patterns


def check_pdf_barcode(pdf: bytes, code: str) -> CheckResult:
    """The PDF draws the bars of `code` as vector rectangles, module for module."""
    name = "barcode in PDF"
    expected = code128_pattern(code)
    bars = sum(1 for symbol, _ in runs_of(expected) if symbol == "1")
    patterns = pdf_bar_patterns(pdf)
    if expected in patterns:
        return CheckResult(name, True, f"{bars} bars of {code!r} match its Code128 pattern")
    found = max((p.count("1") for p in patterns), default=0)
    return CheckResult(
        name,
        False,
        f"no row of bars matches the Code128 pattern of {code!r} "
        f"({bars} bars expected; the largest row of rectangles covers {found} modules)",
    )


def scanline_pattern(dark: Sequence[bool], modules: int | None = None) -> str:
    """Module pattern of one pixel row (True = dark); see `pattern_from_bars`."""
    bars = []
    start = None
    for i, is_dark in enumerate([*dark, False]):
        if is_dark and start is None:
            start = i
        elif not is_dark and start is not None:
            bars.append((float(start), float(i - start)))
            start = None
    return pattern_from_bars(bars, modules)


def check_image_barcode(rows: Iterable[Sequence[bool]], code: str) -> CheckResult:
    """Some pixel row of the rendered label reads back as the Code128 pattern of `code`."""
    name = "barcode in image"
    expected = code128_pattern(code)
    matching = 0
    scanned = 0
    for row in rows:
        scanned += 1
        if scanline_pattern(row, len(expected)) == expected:
            matching += 1
    if matching:
        return CheckResult(name, True, f"{matching} of {scanned} pixel rows read back as {code!r}")
    return CheckResult(
        name, False, f"none of {scanned} pixel rows reads back as the Code128 pattern of {code!r}"
    )
