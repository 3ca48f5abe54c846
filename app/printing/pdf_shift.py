"""The calibration offset, applied to a rendered label PDF: every page's drawing moved.

`shifted_pdf(pdf, (x, y))` moves the content of every page `x` mm right and `y` mm down
(negative: left / up) and keeps the page as it is: what moves past an edge is cut off,
as on a printer whose paper sits elsewhere. The label renders at its own size first, so
the shift cannot change its layout or scale (moving the HTML instead made the document
wider than the page, and Chromium shrank the whole label to fit it back).

PDFium (`FPDFPage_TransFormWithClip`) wraps each page's content in `q <shift> cm … Q`
and re-expresses the page's patterns for it, and the document is saved as an incremental
update (ISO 32000-1, 7.5.6): the rendered bytes stay as they are, followed by the new
and changed objects — about a millisecond a label, where rebuilding it costs half a
second. (pdfium is not thread-safe: calls hold `verify.PDFIUM_LOCK`.)
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.printing.verify import PDFIUM_LOCK

#: PDF user space is 1/72 inch, y pointing up.
_POINTS_PER_MM = 72 / 25.4


class PdfShiftError(ValueError):
    """The PDF could not be shifted (PDFium refused it)."""


def shifted_pdf(pdf: bytes, offset_mm: tuple[float, float]) -> bytes:
    """`pdf` with every page's content moved by `offset_mm` (x right, y down); unchanged
    for (0, 0). Raises `PdfShiftError` for a PDF PDFium cannot read or change."""
    x_mm, y_mm = offset_mm
    if not x_mm and not y_mm:
        return pdf
    matrix = pdfium_c.FS_MATRIX(1, 0, 0, 1, x_mm * _POINTS_PER_MM, -y_mm * _POINTS_PER_MM)
    with PDFIUM_LOCK:
        return _shifted(pdf, matrix)


def _shifted(pdf: bytes, matrix: pdfium_c.FS_MATRIX) -> bytes:
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise PdfShiftError(f"the rendered PDF cannot be read: {exc}") from exc
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                if not pdfium_c.FPDFPage_TransFormWithClip(page.raw, ctypes.byref(matrix), None):
                    raise PdfShiftError(f"page {index + 1} of the rendered PDF cannot be moved")
            finally:
                page.close()
        out = _Sink()
        document.save(out, flags=pdfium_c.FPDF_INCREMENTAL)
        return out.data()
    finally:
        document.close()


class _Sink:
    """A write-only buffer for `PdfDocument.save`."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def data(self) -> bytes:
        return b"".join(self._parts)
