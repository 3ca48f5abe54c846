"""A rendered label PDF drawn onto a `QPrinter` as an image at the printer's resolution.

This is what the raster route and the print preview put on paper: each page rasterised by
pdfium at `printer.resolution()` and drawn from the page's top-left corner (the printer
is set to full page), as Qt's own `QWebEngineView.print` does — but from a PDF the
program has in hand, so the calibration offset (`pdf_shift`) is already in it. Copies are
repeated here when the printer cannot make them itself (a PDF file), as Qt does.

`paint_pdf` blocks (rasterising and, at `QPainter.end`, spooling): the raster route calls
it from a worker thread (Qt allows painting on a `QPrinter` from any thread); the preview
draws into memory. pdfium is not thread-safe: rasterising holds `verify.PDFIUM_LOCK`.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.printing.verify import PDFIUM_LOCK


class PaintError(RuntimeError):
    """The label could not be drawn on the printer."""


def rasterise(pdf: bytes, dpi: int) -> list[QImage]:
    """Every page of `pdf` as an RGB image at `dpi`; raises `PaintError`."""
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise PaintError(f"the rendered PDF cannot be read: {exc}") from exc
        try:
            images = []
            for index in range(len(document)):
                page = document[index]
                bitmap = page.render(scale=dpi / 72, force_bitmap_format=pdfium_c.FPDFBitmap_BGRx)
                image = QImage(
                    bitmap.buffer,
                    bitmap.width,
                    bitmap.height,
                    bitmap.stride,
                    QImage.Format.Format_RGB32,
                )
                images.append(image.copy())  # off pdfium's buffer before it is freed
                bitmap.close()
                page.close()
            return images
        finally:
            document.close()


def paint_pdf(pdf: bytes, printer: QPrinter) -> None:
    """Draw every page of `pdf` on `printer` (see the module docstring); raises
    `PaintError` when it cannot."""
    images = rasterise(pdf, printer.resolution())
    if not images:
        raise PaintError("the rendered PDF has no pages")
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    painter = QPainter()
    if not painter.begin(printer):
        raise PaintError("the printer could not be opened for painting")
    try:
        for copy in range(copies):
            for index, image in enumerate(images):
                if (copy or index) and not printer.newPage():
                    raise PaintError("the printer refused a new page")
                painter.drawImage(0, 0, image)
    except BaseException:
        painter.end()
        raise
    if not painter.end():
        raise PaintError("the printer could not finish the job")
