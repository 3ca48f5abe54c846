"""Code128 barcodes as inline SVG, sized to scan after printing on a 203 dpi label printer.

A 203 dpi thermal head has exactly 8 dots per millimetre, so the narrowest bar is a whole
number of dots: 3 dots (0.375 mm) when the code fits the space, else 2 dots (0.25 mm),
else 1 dot (0.125 mm, only for very long TEST waybill ids). The quiet zone on each side is
10 modules, as Code128 requires. Rendering is cached: it is the slow part of a label.
"""

from __future__ import annotations

import functools

from barcode.charsets.code128 import CODES as _PATTERNS

DOT_MM = 0.125
"""One dot of a 203 dpi (8 dots/mm) label printer."""
QUIET_MODULES = 10


class BarcodeError(ValueError):
    """The text cannot be encoded as Code128 (e.g. non-ASCII characters)."""


_START_B, _START_C, _TO_B, _TO_C = 104, 105, 100, 99
_STOP = "1100011101011"  # the stop symbol and its final bar


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def code128_values(text: str) -> list[int]:
    """The Code128 symbol values of `text` (start, data, checksum; no stop).

    Code set B for text, code set C for runs of four or more digits (a whole text of
    digits too): two digits a symbol, an odd digit first in B. Written here rather than
    taken from python-barcode, whose encoder drops a leading "99" (EMS waybills
    starting 99 scanned as another number).
    """
    if not text or any(not 32 <= ord(char) <= 126 for char in text):
        raise BarcodeError(f"cannot encode {text!r} as Code128")
    values: list[int] = []
    charset = ""
    i = 0
    while i < len(text):
        run = _digit_run(text, i)
        if run >= 4 or (run >= 2 and run == len(text)):
            if run % 2:
                if charset != "B":
                    values.append(_TO_B if charset else _START_B)
                    charset = "B"
                values.append(ord(text[i]) - 32)
                i += 1
                run -= 1
            if charset != "C":
                values.append(_TO_C if charset else _START_C)
                charset = "C"
            for pair in range(i, i + run, 2):
                values.append(int(text[pair : pair + 2]))
            i += run
            continue
        if charset != "B":
            values.append(_TO_B if charset else _START_B)
            charset = "B"
        values.append(ord(text[i]) - 32)
        i += 1
    values.append((values[0] + sum(n * v for n, v in enumerate(values[1:], 1))) % 103)
    return values


@functools.lru_cache(maxsize=1024)
def code128_modules(text: str) -> str:
    """The Code128 module pattern of `text` as a string of "1" (bar) and "0" (space)."""
    return "".join(_PATTERNS[value] for value in code128_values(text)) + _STOP


def module_width_mm(text: str, max_width_mm: float) -> float:
    """The widest whole-dot module (3, 2 or 1 dots) that fits `text` in `max_width_mm`."""
    modules = len(code128_modules(text)) + 2 * QUIET_MODULES
    for dots in (3, 2):
        if modules * dots * DOT_MM <= max_width_mm:
            return dots * DOT_MM
    return DOT_MM


def _runs(modules: str) -> list[tuple[int, int]]:
    """(start, width) of every bar, in modules."""
    runs: list[tuple[int, int]] = []
    start = -1
    for i, module in enumerate(modules + "0"):
        if module == "1" and start < 0:
            start = i
        elif module != "1" and start >= 0:
            runs.append((start, i - start))
            start = -1
    return runs


@functools.lru_cache(maxsize=4096)
def code128_svg(text: str, max_width_mm: float, bar_height_mm: float) -> str:
    """An inline `<svg>` element holding `text` as a Code128 barcode (quiet zones included).

    `code128_values` encodes the text (python-barcode's table gives the bar patterns); the
    SVG is written here (one `<path>`, coordinates in modules, sized in millimetres)
    because python-barcode's own SVG writer is ~50x slower. The
    human-readable text is left to the label, which prints it larger.
    """
    modules = code128_modules(text)
    module = module_width_mm(text, max_width_mm)
    total = len(modules) + 2 * QUIET_MODULES
    path = "".join(
        f"M{QUIET_MODULES + start} 0h{width}v1h-{width}z" for start, width in _runs(modules)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="barcode" '
        f'width="{total * module:.3f}mm" height="{bar_height_mm:.3f}mm" '
        f'viewBox="0 0 {total} 1" preserveAspectRatio="none" shape-rendering="crispEdges">'
        f'<rect width="{total}" height="1" fill="#fff"/><path fill="#000" d="{path}"/></svg>'
    )
