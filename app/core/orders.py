"""Parsing pasted or scanned text into order references.

One order a line: ``order_id[,delivery_id[,waybill_id]]``. Fields are separated by a comma,
a tab (a copied Excel range), a semicolon (full-width ``，`` and ``；`` from a Chinese input
method too) or a run of spaces; blanks around a field are trimmed. A missing or empty
carrier takes the default carrier; carrier ids are upper-cased. Blank lines and lines
starting with ``#`` are skipped; a header row (``order_id,delivery_id`` from a CSV export)
as the first content line is skipped and reported. Every other line becomes exactly one
`ParsedLine`: a reference, a duplicate of an earlier one, or a rejection with its reason.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from app.core.frozen import cheap_init
from app.core.model import Hint, OrderRef

MAX_FIELD_BYTES = 512
"""The longest field (UTF-8 bytes) accepted; longer values are surely not ids."""

MAX_FIELDS = 3

MAX_ORDER_ID_CHARS = 64
"""WeChat's limit on `order_id`: a longer id is refused at once (the API would answer
9300526 "field length wrong"); typically several scans run together by a scanner whose
line end the program did not see."""

_CARRIER_RE = re.compile(r"[A-Z0-9_]{1,32}")
# Space characters (Unicode category Zs) other than the tab, which is a field separator.
_BLANKS = (
    " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
_BLANK = f"[{_BLANKS}]"
_SEPARATOR_RE = re.compile(f"{_BLANK}*[,;\t，；]{_BLANK}*|{_BLANK}+")
_LINE_END_RE = re.compile(r"\r\n|\r|\n")
# Categories never allowed in a field: control, format (zero-width, BOM), lone surrogates,
# and the Unicode line/paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_HEADER_NOISE_RE = re.compile(r"[\s_\-.]")
# The common line, `A1001,SF` or `A1001`: plain ASCII, no blanks, quotes or other
# separators. Such a line needs none of the general parser's steps but the header-word
# and carrier checks (`_parse_fields` takes this path only where both agree).
_PLAIN_LINE_RE = re.compile(r"([0-9A-Za-z_.\-]{1,64})(?:,([0-9A-Za-z_]{1,32}))?")
_HEADER_WORDS = frozenset(
    {
        "order",
        "orders",
        "orderid",
        "orderno",
        "ordernumber",
        "ordercode",
        "outorderid",
        "merchantorderid",
        "订单",
        "订单号",
        "订单号码",
        "订单编号",
        "订单id",
        "订单代码",
        "商户订单号",
        "外部订单号",
        "平台订单号",
    }
)


class LineKind(enum.Enum):
    """What became of one input line."""

    REF = "ref"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@cheap_init
@dataclass(frozen=True)
class ParsedLine:
    """One content line of the input and what became of it.

    `ref` is set for `REF` and `DUPLICATE` lines; `reason` says why a line was rejected
    (or, for a duplicate, which line it repeats); `first_line` is the line number of the
    first occurrence of a duplicate (None for a scan, which has no line).
    """

    line_no: int
    text: str
    kind: LineKind
    ref: OrderRef | None = None
    reason: Hint | None = None
    first_line: int | None = None


@dataclass(frozen=True)
class ParseResult:
    """All content lines in input order, plus whether a header row was skipped."""

    lines: list[ParsedLine] = field(default_factory=list)
    header_line: int | None = None

    @property
    def header_skipped(self) -> bool:
        return self.header_line is not None

    @property
    def refs(self) -> list[OrderRef]:
        """The unique references, in first-seen order."""
        return [line.ref for line in self.lines if line.kind is LineKind.REF and line.ref]

    @property
    def duplicates(self) -> list[ParsedLine]:
        return [line for line in self.lines if line.kind is LineKind.DUPLICATE]

    @property
    def rejections(self) -> list[ParsedLine]:
        return [line for line in self.lines if line.kind is LineKind.REJECTED]


# --- reasons ---------------------------------------------------------------------------

EMPTY_ORDER_ID = Hint("empty order id", "订单号为空")
CONTROL_CHARACTERS = Hint("contains control or invisible characters", "含有控制字符或不可见字符")
TOO_MANY_FIELDS = Hint(
    "too many fields: expected order id, carrier, waybill id",
    "字段过多：应为 订单号,快递公司,运单号",
)
FIELD_TOO_LONG = Hint(
    f"a field is longer than {MAX_FIELD_BYTES} bytes", f"字段超过 {MAX_FIELD_BYTES} 字节"
)
NO_CARRIER = Hint(
    "no carrier given and no default carrier set", "未填写快递公司，且未设置默认快递公司"
)
INVALID_CARRIER = Hint(
    "invalid carrier id (letters, digits and _ only, at most 32)",
    "快递公司编码无效（仅限字母、数字和下划线，最多 32 位）",
)
UNBALANCED_QUOTES = Hint(
    "a quoted field is not closed, or text follows its closing quote",
    "引号内的字段未闭合，或右引号后还有其他字符",
)
ORDER_ID_TOO_LONG = Hint(
    f"order id longer than {MAX_ORDER_ID_CHARS} characters (WeChat's limit)"
    " — several scans run together?",
    f"订单号超过 {MAX_ORDER_ID_CHARS} 个字符（微信的上限）——是否多次扫描连在了一起？",
)
HEADER_ROW = Hint("a header row in the middle of the list", "列表中间出现了表头行")
ALREADY_SCANNED = Hint("already in the list", "已在列表中")


def _duplicate_reason(first_line: int) -> Hint:
    return Hint(f"duplicate of line {first_line}", f"与第 {first_line} 行重复")


# --- parsing ---------------------------------------------------------------------------


class SeenKeys(Protocol):
    """Where a parser remembers the references it has seen (a dict, or a disk-backed index)."""

    def first_line(self, key: tuple[str, str], line_no: int) -> int | None:
        """The line `key` was first seen on, or None (and remember `line_no` for it)."""
        ...


class DictSeenKeys:
    """`SeenKeys` in a dict: right for a paste or a file of a few thousand lines."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, str], int] = {}

    def first_line(self, key: tuple[str, str], line_no: int) -> int | None:
        first = self._first.get(key)
        if first is None:
            self._first[key] = line_no
        return first


class OrderParser:
    """Parses lines one at a time (for streams of any length): `feed(line_no, raw)`."""

    def __init__(self, default_delivery: str, seen: SeenKeys | None = None) -> None:
        self._default = _normalise_carrier(default_delivery)
        self._seen: SeenKeys = seen if seen is not None else DictSeenKeys()
        self._seen_content = False
        self.header_line: int | None = None

    def feed(self, line_no: int, raw: str) -> ParsedLine | None:
        """What became of one line; None for a blank line, a comment or the header row."""
        if line_no == 1 and raw.startswith("\ufeff"):
            raw = raw[1:]
        stripped = raw.strip(_BLANKS + "\t")
        if not stripped or stripped.startswith("#"):
            return None
        if not self._seen_content:
            self._seen_content = True
            if _is_header(raw):
                self.header_line = line_no
                return None
        ref, reason = _parse_fields(raw, self._default)
        if ref is None:
            return ParsedLine(line_no, raw, LineKind.REJECTED, reason=reason)
        first = self._seen.first_line(ref.key, line_no)
        if first is not None:
            return ParsedLine(
                line_no,
                raw,
                LineKind.DUPLICATE,
                ref=ref,
                reason=_duplicate_reason(first),
                first_line=first,
            )
        return ParsedLine(line_no, raw, LineKind.REF, ref=ref)


def parse_orders(text: str, default_delivery: str) -> ParseResult:
    """Parse pasted text, one order a line, into references, duplicates and rejections."""
    parser = OrderParser(default_delivery)
    lines = [
        parsed
        for line_no, raw in enumerate(_LINE_END_RE.split(text), start=1)
        if (parsed := parser.feed(line_no, raw)) is not None
    ]
    return ParseResult(lines=lines, header_line=parser.header_line)


def parse_scan(
    text: str, default_delivery: str, seen: Collection[tuple[str, str]] = ()
) -> ParsedLine:
    """Parse one code from a keyboard-wedge scanner (`line_no` 1, `text` the cleaned code).

    Whitespace and stray control characters at the ends (Enter, Tab, NUL or GS prefixes)
    are dropped; the rest is validated like a pasted line (there are no comments or
    header rows in a scan; a header word is rejected). A key already in `seen`
    (`(order_id, delivery_id)` pairs) makes the result a `DUPLICATE`.
    """
    cleaned = _strip_scan_noise(text)
    ref, reason = _parse_fields(cleaned, _normalise_carrier(default_delivery))
    if ref is None:
        return ParsedLine(1, cleaned, LineKind.REJECTED, reason=reason)
    if ref.key in seen:
        return ParsedLine(1, cleaned, LineKind.DUPLICATE, ref=ref, reason=ALREADY_SCANNED)
    return ParsedLine(1, cleaned, LineKind.REF, ref=ref)


def _strip_scan_noise(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_noise(text[start]):
        start += 1
    while end > start and _is_noise(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_noise(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _FORBIDDEN_CATEGORIES


def _normalise_carrier(value: str) -> str:
    return value.strip(_BLANKS + "\t").upper()


def _split(line: str) -> list[str] | None:
    """The fields of a line; None when a quoted field is not closed or is followed by text."""
    text = line.strip(_BLANKS)
    fields = _split_quoted(text) if '"' in text else _SEPARATOR_RE.split(text)
    if fields is None:
        return None
    while len(fields) > 1 and not fields[-1]:
        fields.pop()  # trailing separators, e.g. "A,SF,," from a CSV export
    return fields


def _split_quoted(text: str) -> list[str] | None:
    """Split as `_SEPARATOR_RE` does, honouring CSV quotes: `"A,1","SF"` and `""` inside."""
    fields: list[str] = []
    pos, end = 0, len(text)
    while True:
        if pos < end and text[pos] == '"':
            close = pos + 1
            parts = []
            while True:
                quote = text.find('"', close)
                if quote < 0:
                    return None  # unclosed quote
                parts.append(text[close:quote])
                if text.startswith('""', quote):
                    parts.append('"')
                    close = quote + 2
                    continue
                break
            fields.append("".join(parts))
            pos = quote + 1
            if pos >= end:
                return fields
            separator = _SEPARATOR_RE.match(text, pos)
            if separator is None:
                return None  # text right after a closing quote
            pos = separator.end()
            if pos >= end:
                fields.append("")
                return fields
            continue
        separator = _SEPARATOR_RE.search(text, pos)
        if separator is None:
            fields.append(text[pos:])
            return fields
        fields.append(text[pos : separator.start()])
        pos = separator.end()
        if pos >= end:
            fields.append("")
            return fields


def _is_header(line: str) -> bool:
    fields = _split(line)
    return fields is not None and _is_header_word(fields[0])


def _is_header_word(first_field: str) -> bool:
    return _HEADER_NOISE_RE.sub("", first_field).casefold() in _HEADER_WORDS


def _has_forbidden_characters(value: str) -> bool:
    if value.isprintable():  # fast path: no Cc/Cf/Cs/Zl/Zp (nor other Zs than " ")
        return False
    return any(
        unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in value if char != "\t"
    )


def _parse_fields(line: str, default_delivery: str) -> tuple[OrderRef | None, Hint | None]:
    """The reference a content line names, or None and the reason it is rejected."""
    plain = _PLAIN_LINE_RE.fullmatch(line)
    if plain is not None:
        order_id, carrier = plain.groups()
        delivery_id = carrier.upper() if carrier else default_delivery
        if delivery_id and _CARRIER_RE.fullmatch(delivery_id) and not _is_header_word(order_id):
            return OrderRef(order_id, delivery_id, None), None
    return _parse_any_fields(line, default_delivery)


def _parse_any_fields(line: str, default_delivery: str) -> tuple[OrderRef | None, Hint | None]:
    """`_parse_fields` for any line (quotes, blanks, full-width separators, waybill ids)."""
    if _has_forbidden_characters(line):
        return None, CONTROL_CHARACTERS
    fields = _split(line)
    if fields is None:
        return None, UNBALANCED_QUOTES
    if len(fields) > MAX_FIELDS:
        return None, TOO_MANY_FIELDS
    order_id = fields[0]
    if not order_id:
        return None, EMPTY_ORDER_ID
    if any(len(value.encode("utf-8", "surrogatepass")) > MAX_FIELD_BYTES for value in fields):
        return None, FIELD_TOO_LONG
    if len(order_id) > MAX_ORDER_ID_CHARS:
        return None, ORDER_ID_TOO_LONG
    if _is_header_word(order_id):
        return None, HEADER_ROW
    delivery_id = fields[1].upper() if len(fields) > 1 and fields[1] else default_delivery
    if not delivery_id:
        return None, NO_CARRIER
    if not _CARRIER_RE.fullmatch(delivery_id):
        return None, INVALID_CARRIER
    waybill_id = fields[2] if len(fields) > 2 and fields[2] else None
    return OrderRef(order_id, delivery_id, waybill_id), None
