"""Label verification: is this PDF a label a carrier's scanner can read?

A PDF is not a label. `verify_label` checks a rendered label the way the printer will see
it: the page count (one, unless multi-page labels are allowed), each page's real size in
the PDF (20–300 mm a side — Chromium honours an `@page` of 5000 mm or 1e400 mm that the
program's own CSS reader ignores, so only the PDF tells), and then, at the resolution it
will print at, that the page is not blank and carries a barcode (1D or QR) that decodes to
the waybill id. Hosts the renderer had to block are reasons too: the label wanted
something it did not get. The result is a `Verification` with one `Problem` per reason.

pdfium (pypdfium2) rasterises the page in-process, in a few milliseconds and without a
temporary file; zxing-cpp reads the barcodes. A quick first look at the page without its
text (`app.printing.quick_look`: most of the cost is pdfium loading Chromium's Type3 CJK
fonts) confirms most labels; whatever it cannot confirm is rendered whole.

Pure functions, no Qt: callable from any thread. pdfium itself is not thread-safe, so every
use of it here holds one lock (one label at a time).
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2
import zxingcpp

from app.printing.page_raster import grey_raster, read_code128
from app.printing.quick_look import quick_look

MM_PER_PT = 25.4 / 72
MIN_SIDE_MM = 20.0
MAX_SIDE_MM = 300.0
DEFAULT_DPI = 203
#: A page with fewer dark pixels than this share is blank (a 0.1 mm hairline border of a
#: 100 × 150 mm label is already ~0.5 %).
BLANK_DARK_SHARE = 0.0005
_DARK_BELOW = 128
_LIGHT_BYTES = bytes(range(_DARK_BELOW, 256))
# (zxing-cpp's format sets are made per call: a nanobind object kept in a module global
# outlives the library at exit, which then prints "leaked instances" on stderr.)
_ALL = (zxingcpp.BarcodeFormat.AllLinear, zxingcpp.BarcodeFormat.QRCode)
# pdfium keeps global state: one document open at a time in this process.
_PDFIUM = threading.Lock()
#: The same lock, for every other module of the program that calls pdfium.
PDFIUM_LOCK = _PDFIUM


class ProblemKind(enum.StrEnum):
    """Why a label is not verified."""

    UNREADABLE = "unreadable"  # not a PDF pdfium can open
    PAGES = "pages"
    PAGE_SIZE = "page_size"
    BLANK = "blank"
    NO_BARCODE = "no_barcode"
    WRONG_BARCODE = "wrong_barcode"
    BLOCKED_HOSTS = "blocked_hosts"


@dataclass(frozen=True)
class Problem:
    """One reason a label is not verified, with the text said about it."""

    kind: ProblemKind
    text: str


@dataclass(frozen=True)
class VerifyPolicy:
    """What a label must satisfy: its print resolution and whether it may have pages."""

    dpi: int = DEFAULT_DPI
    allow_multi_page: bool = False
    min_side_mm: float = MIN_SIDE_MM
    max_side_mm: float = MAX_SIDE_MM
    quick_look: bool = True
    """Try the text-free look first (`app.printing.quick_look`); it never fails a label."""


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying one label."""

    problems: tuple[Problem, ...] = ()
    pages: tuple[tuple[float, float], ...] = ()
    """Each page's (width, height) in millimetres, as the PDF says."""
    barcodes: tuple[str, ...] = ()
    """Every barcode text read, in page order."""
    blocked_hosts: tuple[str, ...] = ()
    checked_dpi: int = 0
    quick: bool = False
    """Confirmed by the quick, text-free look (the whole page was not rendered)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """The problems in one line ("" when verified)."""
        return "; ".join(problem.text for problem in self.problems)

    def has(self, kind: ProblemKind) -> bool:
        return any(problem.kind is kind for problem in self.problems)


def _mm(value: float) -> str:
    if value >= 1e6:
        return f"{value:.3g}"
    # PDF points are 1/72 in: a 5000 mm page comes back as 4999.9 mm
    return f"{value:.0f}" if value >= 100 or abs(value - round(value)) < 0.15 else f"{value:.1f}"


def _open(pdf: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as exc:
        raise ValueError(f"not a readable PDF: {exc}") from exc


def _sizes(document: pypdfium2.PdfDocument) -> tuple[tuple[float, float], ...]:
    return tuple(
        (width * MM_PER_PT, height * MM_PER_PT)
        for width, height in (document.get_page_size(i) for i in range(len(document)))
    )


def page_sizes_mm(pdf: bytes) -> tuple[tuple[float, float], ...]:
    """Each page's (width, height) in millimetres, read from the PDF itself.

    Raises `ValueError` for data pdfium cannot open as a PDF.
    """
    with _PDFIUM:
        document = _open(pdf)
        try:
            return _sizes(document)
        finally:
            document.close()


def size_problem(
    sizes: Sequence[tuple[float, float]], policy: VerifyPolicy = VerifyPolicy()
) -> Problem | None:
    """Why pages of `sizes` must not go to a printer (None: every page is a label's size)."""
    for width, height in sizes:
        if not (
            policy.min_side_mm <= width <= policy.max_side_mm
            and policy.min_side_mm <= height <= policy.max_side_mm
        ):
            return Problem(
                ProblemKind.PAGE_SIZE,
                f"page {_mm(width)} × {_mm(height)} mm (a label is "
                f"{policy.min_side_mm:g}–{policy.max_side_mm:g} mm a side)",
            )
    return None


def check_spoolable(pdf: bytes, policy: VerifyPolicy = VerifyPolicy()) -> Problem | None:
    """The reason this PDF must be refused before spooling, or None.

    Unlike a full `verify_label` this only looks at the PDF's structure (no raster): a
    page of absurd size, or more pages than allowed, never reaches CUPS.
    """
    try:
        sizes = page_sizes_mm(pdf)
    except ValueError as exc:
        return Problem(ProblemKind.UNREADABLE, str(exc))
    return _structure_problem(sizes, policy)


def _structure_problem(
    sizes: Sequence[tuple[float, float]], policy: VerifyPolicy
) -> Problem | None:
    if not sizes:
        return Problem(ProblemKind.PAGES, "the label has no page")
    problem = size_problem(sizes, policy)
    if problem is not None:
        return problem
    if len(sizes) > 1 and not policy.allow_multi_page:
        return Problem(ProblemKind.PAGES, f"{len(sizes)} pages (a label is one page)")
    return None


@dataclass(frozen=True)
class _PageScan:
    blank: bool
    texts: tuple[str, ...]


def _dark_pixels(buffer: memoryview, width: int, height: int, stride: int) -> int:
    data = bytes(buffer)
    if stride == width:
        return len(data.translate(None, _LIGHT_BYTES))
    return sum(
        len(data[row * stride : row * stride + width].translate(None, _LIGHT_BYTES))
        for row in range(height)
    )


def _scan_page(
    document: pypdfium2.PdfDocument, index: int, dpi: int, wanted: str | None
) -> _PageScan:
    """Rasterise one page at `dpi` and read it.

    Without anti-aliasing, as a thermal head prints (whole dots, black or white). zxing
    first looks the quick way (Code128 — what Chinese carriers print — upright, full
    size, dark on light: ~1 ms); only if that does not find `wanted` does it look again
    for every 1D code and QR, in every direction, scale and polarity (~12 ms). Only a
    page without a barcode is checked for being blank (a page with one is not).
    """
    page = document[index]
    try:
        with grey_raster(page, dpi) as raster:
            texts = [result.text for result in read_code128(raster)]
            if (wanted is None and not texts) or (wanted is not None and wanted not in texts):
                texts += [
                    r.text
                    for r in zxingcpp.read_barcodes(
                        raster.view, formats=zxingcpp.BarcodeFormats(_ALL)
                    )
                ]
            blank = False
            if not texts:
                dark = _dark_pixels(raster.buffer, raster.width, raster.height, raster.stride)
                blank = dark / max(1, raster.width * raster.height) < BLANK_DARK_SHARE
    finally:
        page.close()
    return _PageScan(blank, tuple(dict.fromkeys(texts)))


def verify_label(
    pdf: bytes,
    waybill_id: str | None,
    *,
    policy: VerifyPolicy = VerifyPolicy(),
    blocked_hosts: Sequence[str] = (),
) -> Verification:
    """Verify one rendered label (see the module docstring).

    `waybill_id` is the id the API gave (None: any readable barcode will do).
    """
    problems: list[Problem] = []
    blocked = tuple(dict.fromkeys(blocked_hosts))
    if blocked:
        problems.append(Problem(ProblemKind.BLOCKED_HOSTS, "blocked hosts: " + ", ".join(blocked)))
    scans: list[_PageScan] = []
    with _PDFIUM:
        try:
            document = _open(pdf)
        except ValueError as exc:
            problems.append(Problem(ProblemKind.UNREADABLE, str(exc)))
            return Verification(tuple(problems), (), (), blocked, 0)
        try:
            sizes = _sizes(document)
            structure = _structure_problem(sizes, policy)
            if structure is not None:
                problems.append(structure)
                if structure.kind is not ProblemKind.PAGES or not sizes:
                    # An absurd page is never drawn (1e400 mm is 10^8 pixels a side).
                    return Verification(tuple(problems), sizes, (), blocked, 0)
            pages_to_read = len(sizes) if policy.allow_multi_page else 1
            if waybill_id and policy.quick_look:
                for index in range(pages_to_read):
                    if quick_look(pdf, index, policy.dpi, waybill_id).confirmed:
                        barcodes = (waybill_id,)
                        return Verification(
                            tuple(problems), sizes, barcodes, blocked, policy.dpi, quick=True
                        )
            for index in range(pages_to_read):
                scans.append(_scan_page(document, index, policy.dpi, waybill_id or None))
        finally:
            document.close()
    texts = tuple(text for scan in scans for text in scan.texts)
    if all(scan.blank for scan in scans):
        problems.append(Problem(ProblemKind.BLANK, "the label is blank"))
    elif not texts:
        problems.append(Problem(ProblemKind.NO_BARCODE, f"no barcode found at {policy.dpi} dpi"))
    elif waybill_id and waybill_id not in texts:
        problems.append(
            Problem(
                ProblemKind.WRONG_BARCODE,
                f"barcode reads {', '.join(texts)}, not the waybill {waybill_id}",
            )
        )
    return Verification(tuple(problems), sizes, texts, blocked, policy.dpi)
