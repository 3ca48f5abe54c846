"""Decoding a waybill's `print_html` (Base64 of an HTML label) and reading its page size.

`decode_print_html` turns the Base64 text into the HTML document or raises `LabelError`
saying whether the label is missing (nothing there) or corrupt (not Base64, not UTF-8, or
no HTML at all; a fragment without `<html>`/`<body>` is fine). `page_size_from_css`
reads the label's CSS ``@page { size: … }``.
"""

from __future__ import annotations

import binascii
import functools
import re
from typing import Literal

from app.core.model import Hint, PageSizeMm

LabelErrorKind = Literal["missing", "corrupt"]

_HTML_SNIFF_CHARS = 4096
"""How far into the document the first tag (or `<!doctype`) must appear."""

# A document's marker, or any element tag: fragments (no <html>/<body>, as PHP libraries
# write for PDF engines) are labels too, every browser renders them.
_HTML_MARKER_RE = re.compile(r"<(?:!doctype|[a-z][a-z0-9-]*)(?=[\s>/])", re.IGNORECASE)


class LabelError(Exception):
    """A `print_html` that cannot become a printable label."""

    def __init__(self, kind: LabelErrorKind, message: Hint) -> None:
        super().__init__(message.en)
        self.kind: LabelErrorKind = kind
        self.message = message


LABEL_EMPTY = Hint("the label is empty", "面单内容为空")
NOT_BASE64 = Hint("the label is not valid Base64", "面单内容不是有效的 Base64")
NOT_UTF8 = Hint("the label is not UTF-8 text", "面单内容不是 UTF-8 文本")
NOT_HTML = Hint("the label is not an HTML document", "面单内容不是 HTML 文档")


def decode_print_html(b64: str) -> str:
    """The HTML document inside `print_html`.

    Accepts the standard and the URL-safe alphabet (even mixed), missing padding and
    embedded line breaks or spaces; a UTF-8 BOM in the document is dropped.
    """
    compact = "".join(b64.split())
    if not compact:
        raise LabelError("missing", LABEL_EMPTY)
    data = compact.rstrip("=")
    if len(compact) - len(data) > 2 or len(data) % 4 == 1:
        raise LabelError("corrupt", NOT_BASE64)
    if "-" in data or "_" in data:  # (str.translate costs ~0.1 ms a label: only when needed)
        data = data.replace("-", "+").replace("_", "/")
    try:
        # strict: only the alphabet, and '=' only as the padding added here
        raw = binascii.a2b_base64(data + "=" * (-len(data) % 4), strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise LabelError("corrupt", NOT_BASE64) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        html = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LabelError("corrupt", NOT_UTF8) from exc
    if not html.strip():
        raise LabelError("missing", LABEL_EMPTY)
    if not _HTML_MARKER_RE.search(html, 0, _HTML_SNIFF_CHARS):
        raise LabelError("corrupt", NOT_HTML)
    return html


# --- @page size ------------------------------------------------------------------------

_MM_PER_UNIT = {
    "mm": 1.0,
    "cm": 10.0,
    "q": 0.25,
    "in": 25.4,
    "pt": 25.4 / 72,
    "pc": 25.4 / 6,
    "px": 25.4 / 96,
}
# Portrait (width, height) in millimetres, as CSS Paged Media names them.
_NAMED_SIZES = {
    "a3": (297.0, 420.0),
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "a6": (105.0, 148.0),
    "b4": (250.0, 353.0),
    "b5": (176.0, 250.0),
    "jis-b4": (257.0, 364.0),
    "jis-b5": (182.0, 257.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
    "ledger": (279.4, 431.8),
}
_STYLE_OPEN_RE = re.compile(r"<style\b[^>]*>", re.IGNORECASE)
_STYLE_CLOSE_RE = re.compile(r"</style\s*>", re.IGNORECASE)
_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_PAGE_RE = re.compile(r"@page\b([^{;]*)\{", re.IGNORECASE)
_LENGTH_RE = re.compile(r"([0-9]*\.?[0-9]+)(mm|cm|q|in|pt|pc|px)")


@functools.lru_cache(maxsize=32)  # orders that share one label text (a carrier's sample)
def page_size_from_css(html: str) -> PageSizeMm | None:
    """The label's page size from ``@page { size: … }`` in its <style> blocks, or None.

    Understands one or two lengths (mm, cm, Q, in, pt, pc, px at 96 per inch), the named
    sizes A3–A6, B4/B5, JIS-B4/B5, letter, legal and ledger, and ``portrait`` /
    ``landscape`` (which turn the page so its long side runs the named way). ``auto``,
    an orientation alone and anything unparseable give None. An ``@page`` rule without a
    page selector wins over ``@page :first`` and the like; within those, the last one.
    """
    return _page_size_of_styles(tuple(_styles(html)))


def _styles(html: str) -> list[str]:
    """The text of every <style> block (an unclosed one runs to the end of the document)."""
    found = []
    pos = 0
    while (start := _STYLE_OPEN_RE.search(html, pos)) is not None:
        end = _STYLE_CLOSE_RE.search(html, start.end())
        if end is None:
            break  # as the pattern before: an unclosed block is no style
        found.append(html[start.end() : end.start()])
        pos = end.end()
    return found


@functools.lru_cache(maxsize=256)  # labels of one carrier template share their styles
def _page_size_of_styles(styles: tuple[str, ...]) -> PageSizeMm | None:
    general: PageSizeMm | None = None
    selected: PageSizeMm | None = None
    for style in styles:
        css = _COMMENT_RE.sub(" ", style)
        for match in _PAGE_RE.finditer(css):
            body = _block_body(css, match.end())
            size = _size_in(body)
            if size is None:
                continue
            if match.group(1).strip():
                selected = size
            else:
                general = size
    return general or selected


def _block_body(css: str, start: int) -> str:
    """The top-level text of the block opened just before `start` (nested blocks removed)."""
    depth = 1
    out: list[str] = []
    for index in range(start, len(css)):
        char = css[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                break
            continue
        if depth == 1 and char != "{":
            out.append(char)
        elif depth == 2 and char == "{":
            out.append(";")  # a nested block like @top-center { … } ends a declaration
    return "".join(out)


def _size_in(body: str) -> PageSizeMm | None:
    size: PageSizeMm | None = None
    for declaration in body.split(";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip().lower() == "size":
            size = _parse_size(value)  # the last declaration wins, as in CSS
    return size


def _parse_size(value: str) -> PageSizeMm | None:
    tokens = value.lower().replace("!important", " ").split()
    orientation = None
    named: tuple[float, float] | None = None
    lengths: list[float] = []
    for token in tokens:
        if token in ("portrait", "landscape"):
            if orientation is not None:
                return None
            orientation = token
        elif token in _NAMED_SIZES:
            if named is not None:
                return None
            named = _NAMED_SIZES[token]
        else:
            length = _parse_length(token)
            if length is None:
                return None
            lengths.append(length)
    if named is not None and lengths:
        return None
    if named is not None:
        width, height = named
    elif len(lengths) == 1:
        width = height = lengths[0]
    elif len(lengths) == 2:
        width, height = lengths
    else:
        return None  # auto, an orientation alone, nothing, or too many lengths
    if width <= 0 or height <= 0:
        return None
    if (orientation == "landscape" and width < height) or (
        orientation == "portrait" and width > height
    ):
        width, height = height, width
    return PageSizeMm(round(width, 3), round(height, 3))


def _parse_length(token: str) -> float | None:
    match = _LENGTH_RE.fullmatch(token)
    if not match:
        return None
    return float(match.group(1)) * _MM_PER_UNIT[match.group(2)]
