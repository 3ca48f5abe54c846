"""Code128 barcodes as inline SVG, sized to scan after printing on a 203 dpi label printer.

A 203 dpi thermal head has exactly 8 dots per millimetre, so the narrowest bar is a whole
number of dots: 3 dots (0.375 mm) when the code fits the space, else 2 dots (0.25 mm),
else 1 dot (0.125 mm, only for very long TEST waybill ids). The quiet zone on each side is
10 modules, as Code128 requires. Rendering is cached: it is the slow part of a label.
"""

from __future__ import annotations

import functools

import barcode
from barcode.errors import BarcodeError as _LibraryError

DOT_MM = 0.125
"""One dot of a 203 dpi (8 dots/mm) label printer."""
QUIET_MODULES = 10


class BarcodeError(ValueError):
    """The text cannot be encoded as Code128 (e.g. non-ASCII characters)."""


@functools.lru_cache(maxsize=1024)
def code128_modules(text: str) -> str:
    """The Code128 module pattern of `text` as a string of "1" (bar) and "0" (space)."""
    try:
        return str(barcode.get("code128", text).build()[0])
    except (_LibraryError, ValueError, KeyError) as exc:
        raise BarcodeError(f"cannot encode {text!r} as Code128") from exc


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

    python-barcode encodes the text; the SVG is written here (one `<path>`, coordinates in
    modules, sized in millimetres) because its own SVG writer is ~50x slower. The
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
