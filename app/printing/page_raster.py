"""A label page as a barcode scanner sees it: pdfium's grey raster of the page at the
printer's resolution, and zxing-cpp's fast read of the Code128 barcodes on it.

Shared by the verifier (`app.printing.verify`) and its text-free quick look
(`app.printing.quick_look`), so both look at a page the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2
import zxingcpp


@dataclass(frozen=True)
class Raster:
    """One rendered page: 8-bit grey, `stride` bytes a row."""

    buffer: memoryview
    view: zxingcpp.ImageView
    width: int
    height: int
    stride: int


@contextmanager
def grey_raster(page: pypdfium2.PdfPage, dpi: int) -> Iterator[Raster]:
    """The page rendered in grey at `dpi`, without smoothing (a printer's dots are hard);
    the bitmap is freed when the block ends."""
    bitmap = page.render(
        scale=dpi / 72,
        grayscale=True,
        no_smoothtext=True,
        no_smoothpath=True,
        no_smoothimage=True,
    )
    try:
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        buffer = memoryview(bitmap.buffer).cast("B")
        view = zxingcpp.ImageView(
            buffer.cast("B", (height, stride)), width, height, zxingcpp.ImageFormat.Lum
        )
        yield Raster(buffer, view, width, height, stride)
    finally:
        bitmap.close()


def read_code128(raster: Raster) -> list[zxingcpp.Barcode]:
    """The upright Code128 barcodes on the raster: the waybill's usual symbology, read
    without zxing's slower tries (rotation, downscaling, inverted colours)."""
    return list(
        zxingcpp.read_barcodes(
            raster.view,
            formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.Code128),
            try_rotate=False,
            try_downscale=False,
            try_invert=False,
        )
    )
