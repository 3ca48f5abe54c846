"""The verifier's quick first look: the label rasterised with its text left out.

Most of what verifying a label costs is pdfium loading the page, and most of that is the
fonts: Chromium writes the glyphs of a CJK (CFF) font as dozens of small Type3 fonts, and
pdfium parses every glyph's drawing when it lays out the page (~10 of a sandbox label's
~15 ms). A barcode is bars — paths or an image — not text. So `quick_look` hides the
page's fonts (the `/Font` resource key becomes an unknown key of the same length, so every
offset in the file stays valid; pdfium then knows each text object's position and size
but not its glyphs), takes the text objects off the page, rasterises the rest and reads
the barcode.

The quick look can only *confirm* a label, never fail one: it answers True only when

- it read the waybill id, and
- no text could touch the middle of that barcode. Text drawn over the bars could make
  the printed barcode unreadable, which a raster without text cannot see. pdfium still
  knows each text object's origin and size without its font, so an upright text object
  whose line (0.4 em below its baseline to 1.2 em above: more than any text font draws)
  reaches the middle half of the rows the barcode was read on, and that starts left of
  the barcode's right edge plus its quiet zone, makes the look inconclusive — as does
  text that is not upright, anywhere on the page. Those middle rows are then the same
  pixels with or without the text, across the bars and their quiet zones, and zxing reads
  a 1D code from the middle rows out: the whole page reads the same barcode.

In every other case (no barcode read — e.g. a barcode drawn with a barcode *font*, which
is text —, another barcode, text near the bars, a PDF that does not name its fonts the
way Chromium does) it answers False and the verifier renders the whole page, exactly as
without the quick look. pdfium is not thread-safe: the caller holds the verifier's lock.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium_c

from app.printing.page_raster import grey_raster, read_code128

_FONTS = b"/Font <<"
_NO_FONTS = b"/Fonx <<"  # same length: the cross-reference offsets stay right
#: How far a glyph may reach below its baseline and above it, in em (font bounding boxes
#: of text fonts stay well inside: Noto CJK −0.12…0.88, DejaVu −0.24…0.93).
_DESCENT_EM = 0.4
_ASCENT_EM = 1.2
#: A glyph may start this far left of its origin (a negative side bearing).
_BEARING_EM = 0.5
#: The barcode's quiet zone on either side, as a share of its width, and at least this.
_QUIET_SHARE = 0.15
_QUIET_MIN_PT = 6.0


def without_text(pdf: bytes) -> bytes | None:
    """`pdf` with its pages' fonts hidden, or None when it names no fonts that way."""
    if _FONTS not in pdf:
        return None
    return pdf.replace(_FONTS, _NO_FONTS)


@dataclass(frozen=True)
class Look:
    """What the text-free raster showed: where it read the waybill id (None: it did not)
    and whether text could reach that barcode."""

    barcode: tuple[float, float, float, float] | None = None
    text_near: bool = False

    @property
    def confirmed(self) -> bool:
        return self.barcode is not None and not self.text_near


def quick_look(pdf: bytes, page_index: int, dpi: int, wanted: str) -> Look:
    """The page rasterised without its text at `dpi`, read for `wanted` (module docstring);
    `Look.confirmed` or else the whole page must decide."""
    data = without_text(pdf)
    if data is None:
        return Look()
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return Look()
    try:
        page = document[page_index]
        try:
            lines = _take_text(page)
            box = _read(page, dpi, wanted)
            if box is None:
                return Look()
            return Look(box, lines is None or _text_near(lines, box))
        finally:
            page.close()
    finally:
        document.close()


_Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points
_Line = tuple[float, float, float]  # a text object's origin x, y and its em, in points


def _take_text(page: pypdfium2.PdfPage) -> list[_Line] | None:
    """Remove the page's text objects (pdfium would draw them in a stand-in font) and say
    where each was; None if one is not upright (rotated or mirrored: not worth reasoning
    about) — then all of them are still removed."""
    lines: list[_Line] | None = []
    matrix = pdfium_c.FS_MATRIX()
    size = ctypes.c_float()
    text_type = pdfium_c.FPDF_PAGEOBJ_TEXT
    for index in reversed(range(pdfium_c.FPDFPage_CountObjects(page.raw))):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != text_type:
            continue
        if lines is not None and (
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
            and pdfium_c.FPDFTextObj_GetFontSize(obj, size)
            and matrix.a > 0
            and matrix.d > 0
            and abs(matrix.b) <= 1e-3 * matrix.a
            and abs(matrix.c) <= 1e-3 * matrix.d
        ):
            lines.append((matrix.e, matrix.f, size.value * math.sqrt(matrix.a * matrix.d)))
        else:
            lines = None
        if pdfium_c.FPDFPage_RemoveObject(page.raw, obj):
            pdfium_c.FPDFPageObj_Destroy(obj)
    return lines


def _read(page: pypdfium2.PdfPage, dpi: int, wanted: str) -> _Box | None:
    """Where on the page (points) the text-free raster reads `wanted` as Code128, if it does."""
    with grey_raster(page, dpi) as raster:
        found = read_code128(raster)
        width, height = raster.width, raster.height
    boxes = [_page_box(page, width, height, r.position) for r in found if r.text == wanted]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _page_box(page: pypdfium2.PdfPage, width: int, height: int, position: object) -> _Box:
    xs: list[float] = []
    ys: list[float] = []
    page_x, page_y = ctypes.c_double(), ctypes.c_double()
    for corner in ("top_left", "top_right", "bottom_left", "bottom_right"):
        point = getattr(position, corner)
        pdfium_c.FPDF_DeviceToPage(
            page.raw, 0, 0, width, height, 0, point.x, point.y, page_x, page_y
        )
        xs.append(page_x.value)
        ys.append(page_y.value)
    return (min(xs), min(ys), max(xs), max(ys))


def _text_near(lines: list[_Line], box: _Box) -> bool:
    """Could any text line draw over the middle rows of the barcode at `box`, or into its
    quiet zone on those rows?"""
    left, bottom, right, top = box
    right += max(_QUIET_MIN_PT, (right - left) * _QUIET_SHARE)
    quarter = (top - bottom) / 4
    bottom, top = bottom + quarter, top - quarter
    return any(
        y - _DESCENT_EM * em <= top
        and y + _ASCENT_EM * em >= bottom
        and x - _BEARING_EM * em <= right
        for x, y, em in lines
    )
