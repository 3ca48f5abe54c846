"""The one input reader: encodings chosen from the bytes, streamed line by line, quoted CSV."""

from __future__ import annotations

import io

import pytest

from app.core.order_input import (
    SNIFF_BYTES,
    OrderInputError,
    decode_order_bytes,
    detect_encoding,
    iter_lines,
)
from app.core.orders import LineKind, OrderParser, parse_orders

TEXT = '订单号,快递公司\r\n4200001,SF\r\n"4200002","ZTO"\n'


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with its BOM, as Excel's "Unicode text"
        (TEXT.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "gb18030", "gbk"],
)
def test_every_encoding_a_spreadsheet_saves_is_read_alike(data: bytes, encoding: str) -> None:
    assert detect_encoding(data) == encoding
    assert decode_order_bytes(data).replace("\r\n", "\n") == TEXT.replace("\r\n", "\n")
    assert list(iter_lines(io.BytesIO(data))) == [
        "订单号,快递公司",
        "4200001,SF",
        '"4200002","ZTO"',
    ]
    parsed = parse_orders(decode_order_bytes(data), "")
    assert parsed.header_line == 1
    assert [(line.ref.order_id, line.ref.delivery_id) for line in parsed.lines if line.ref] == [
        ("4200001", "SF"),
        ("4200002", "ZTO"),
    ]


def test_a_stream_cut_in_the_middle_of_a_character_is_still_utf8() -> None:
    line = "订单号\n"
    data = (line * (SNIFF_BYTES // len(line.encode()) + 7)).encode()
    assert data[SNIFF_BYTES - 1 : SNIFF_BYTES + 1].decode("utf-8", "replace") != "订"
    lines = list(iter_lines(io.BytesIO(data)))
    assert set(lines) == {"订单号"} and len(lines) == SNIFF_BYTES // len(line.encode()) + 7


def test_text_that_turns_invalid_later_names_the_line() -> None:
    data = b"A1,SF\n" * (SNIFF_BYTES // 6 + 10) + b"\xff\xfe\xfd\n"
    with pytest.raises(OrderInputError, match=r"not valid UTF-8 after line \d+"):
        list(iter_lines(io.BytesIO(data)))


def test_bytes_that_are_no_text_at_all_are_refused() -> None:
    with pytest.raises(OrderInputError):
        decode_order_bytes(b"\x81\x30\x81")  # an incomplete GB18030 four-byte sequence


def test_the_caller_s_stream_stays_open() -> None:
    stream = io.BytesIO(b"A1\n")
    assert list(iter_lines(stream)) == ["A1"]
    assert not stream.closed


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ('"A1001","SF"', ("A1001", "SF", None)),
        ('"A1001" , "sf" , "W1"', ("A1001", "SF", "W1")),
        ('"A,1";SF', ("A,1", "SF", None)),
        ('"A ""1""",SF', ('A "1"', "SF", None)),
        ('"A1"\t"SF"', ("A1", "SF", None)),
        ('A1,"SF",', ("A1", "SF", None)),
        ('"A1"，"SF"', ("A1", "SF", None)),
    ],
)
def test_quoted_csv_fields_are_unquoted(line: str, fields: tuple[str, str, str | None]) -> None:
    parsed = parse_orders(line, "")
    assert [line.kind for line in parsed.lines] == [LineKind.REF]
    ref = parsed.lines[0].ref
    assert ref is not None and (ref.order_id, ref.delivery_id, ref.waybill_id) == fields


@pytest.mark.parametrize("line", ['"A1', '"A1"x,SF', 'A1,"SF'])
def test_a_broken_quote_is_refused_with_its_reason(line: str) -> None:
    parsed = parse_orders(line, "SF")
    assert parsed.lines[0].kind is LineKind.REJECTED
    reason = parsed.lines[0].reason
    assert reason is not None and "quote" in reason.en and "引号" in reason.zh


@pytest.mark.parametrize(
    "header",
    [
        "order_id,delivery_id",
        '"Order ID","Carrier"',
        "Order No.\tCarrier",
        "订单号,快递公司,运单号",
        '"订单编号","快递"',
        "商户订单号；快递公司",
        "外部订单号",
    ],
)
def test_a_header_row_in_chinese_or_english_is_recognised(header: str) -> None:
    parsed = parse_orders(f"{header}\nA1,SF\n", "")
    assert parsed.header_line == 1
    assert [line.kind for line in parsed.lines] == [LineKind.REF]


def test_the_stream_parser_reports_duplicates_through_its_seen_store() -> None:
    asked: list[tuple[tuple[str, str], int]] = []

    class Recording:
        def __init__(self) -> None:
            self.first: dict[tuple[str, str], int] = {}

        def first_line(self, key: tuple[str, str], line_no: int) -> int | None:
            asked.append((key, line_no))
            return (
                self.first.setdefault(key, line_no)
                if key in self.first
                else self._add(key, line_no)
            )

        def _add(self, key: tuple[str, str], line_no: int) -> None:
            self.first[key] = line_no

    parser = OrderParser("SF", seen=Recording())
    results = [parser.feed(n, raw) for n, raw in enumerate(["A1", "", "A1,sf", "B2"], start=1)]
    assert results[1] is None
    assert [r.kind for r in results if r] == [LineKind.REF, LineKind.DUPLICATE, LineKind.REF]
    assert results[2] is not None and results[2].first_line == 1
    assert [line for _, line in asked] == [1, 3, 4]
