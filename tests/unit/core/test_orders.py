"""Tests for app.core.orders: pasted lists and scanned codes into order references."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import orders
from app.core.model import Hint, OrderRef
from app.core.orders import LineKind, parse_orders, parse_scan


def only_ref(text: str, default: str = "SF") -> OrderRef:
    result = parse_orders(text, default)
    assert [line.kind for line in result.lines] == [LineKind.REF]
    assert len(result.refs) == 1
    return result.refs[0]


# --- separators and fields -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A1,ZTO,W9",
        "A1\tZTO\tW9",
        "A1;ZTO;W9",
        "A1   ZTO  W9",
        "A1 , ZTO ,W9",
        "  A1\tZTO\tW9  ",
        "A1，ZTO；W9",
        "A1\u3000ZTO\u3000W9",
    ],
)
def test_each_separator_gives_the_same_ref(text: str) -> None:
    assert only_ref(text) == OrderRef("A1", "ZTO", "W9")


def test_a_single_field_takes_the_default_carrier() -> None:
    assert only_ref("A1", default="yto") == OrderRef("A1", "YTO")


def test_an_empty_carrier_field_takes_the_default_carrier() -> None:
    assert only_ref("A1,,W9", default="EMS") == OrderRef("A1", "EMS", "W9")
    assert only_ref("A1\t\tW9", default="EMS") == OrderRef("A1", "EMS", "W9")


def test_the_carrier_is_upper_cased() -> None:
    assert only_ref("A1,zto") == OrderRef("A1", "ZTO")


def test_an_empty_waybill_field_is_none() -> None:
    assert only_ref("A1,SF,") == OrderRef("A1", "SF", None)


def test_trailing_separators_from_a_csv_export_are_ignored() -> None:
    assert only_ref("A1,SF,W9,,") == OrderRef("A1", "SF", "W9")


def test_chinese_order_ids_are_kept() -> None:
    assert only_ref("订单甲123,SF") == OrderRef("订单甲123", "SF")


# --- lines, comments, line ends --------------------------------------------------------


def test_blank_and_comment_lines_are_skipped_but_counted() -> None:
    result = parse_orders("\n# a comment\n   \n  # indented comment\nA1\n\t\nA2,ZTO\n", "SF")
    assert [(line.line_no, line.text) for line in result.lines] == [(5, "A1"), (7, "A2,ZTO")]
    assert result.refs == [OrderRef("A1", "SF"), OrderRef("A2", "ZTO")]


@pytest.mark.parametrize("end", ["\r\n", "\r", "\n"])
def test_every_line_end_is_accepted(end: str) -> None:
    result = parse_orders(end.join(["A1", "", "A2"]) + end, "SF")
    assert [(line.line_no, line.text) for line in result.lines] == [(1, "A1"), (3, "A2")]


def test_mixed_line_ends_number_lines_like_an_editor() -> None:
    result = parse_orders("A1\r\nA2\rA3\nA4", "SF")
    assert [line.line_no for line in result.lines] == [1, 2, 3, 4]


def test_a_leading_bom_is_dropped() -> None:
    result = parse_orders("\ufeffA1,SF\r\nA2", "SF")
    assert result.refs == [OrderRef("A1", "SF"), OrderRef("A2", "SF")]
    assert result.rejections == []


def test_a_bom_inside_the_text_is_rejected() -> None:
    result = parse_orders("A1\n\ufeffA2", "SF")
    assert [line.kind for line in result.lines] == [LineKind.REF, LineKind.REJECTED]


# --- header rows -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "order_id,delivery_id,waybill_id",
        "OrderId\tDeliveryId",
        "Order ID, Carrier",
        "订单号,快递公司",
        "订单编号\t快递\t运单号",
        "ORDER-NO;CARRIER",
    ],
)
def test_a_header_row_first_is_skipped_and_reported(header: str) -> None:
    result = parse_orders(f"\n# export\n{header}\nA1,ZTO\n", "SF")
    assert result.header_skipped
    assert result.header_line == 3
    assert result.refs == [OrderRef("A1", "ZTO")]
    assert len(result.lines) == 1


def test_no_header_is_reported_when_there_is_none() -> None:
    result = parse_orders("A1\n", "SF")
    assert not result.header_skipped
    assert result.header_line is None


def test_a_header_row_later_is_rejected_not_taken_as_an_order() -> None:
    result = parse_orders("A1\norder_id,delivery_id\nA2", "SF")
    assert not result.header_skipped
    assert [line.kind for line in result.lines] == [
        LineKind.REF,
        LineKind.REJECTED,
        LineKind.REF,
    ]
    assert result.rejections[0].reason == orders.HEADER_ROW


# --- duplicates ------------------------------------------------------------------------


def test_duplicates_collapse_by_order_and_carrier_keeping_the_first() -> None:
    result = parse_orders("A1,SF,W1\nA2\nA1,sf,W2\nA1,ZTO\nA1", "SF")
    assert result.refs == [OrderRef("A1", "SF", "W1"), OrderRef("A2", "SF"), OrderRef("A1", "ZTO")]
    assert [(d.line_no, d.first_line) for d in result.duplicates] == [(3, 1), (5, 1)]
    assert result.duplicates[0].ref == OrderRef("A1", "SF", "W2")
    assert result.duplicates[0].reason is not None
    assert "1" in result.duplicates[0].reason.en
    assert "1" in result.duplicates[0].reason.zh


def test_a_default_carrier_line_duplicates_an_explicit_one() -> None:
    result = parse_orders("A1,SF\nA1", "sf")
    assert [line.kind for line in result.lines] == [LineKind.REF, LineKind.DUPLICATE]


# --- rejections ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (",SF", orders.EMPTY_ORDER_ID),
        ("\tSF\tW1", orders.EMPTY_ORDER_ID),
        ("A" * 513, orders.FIELD_TOO_LONG),
        ("A1,SF," + "W" * 513, orders.FIELD_TOO_LONG),
        ("A" * 65, orders.ORDER_ID_TOO_LONG),
        ("单" * 65 + ",SF", orders.ORDER_ID_TOO_LONG),  # characters, not bytes
        ("".join(f"9305{n:04d}" for n in range(30)), orders.ORDER_ID_TOO_LONG),
        ("单" * 171, orders.FIELD_TOO_LONG),  # 513 bytes of UTF-8
        ("A1\x00", orders.CONTROL_CHARACTERS),
        ("A\x1d1,SF", orders.CONTROL_CHARACTERS),
        ("A1\u200b", orders.CONTROL_CHARACTERS),
        ("A1,SF\x0b", orders.CONTROL_CHARACTERS),
        ("A1\u2028", orders.CONTROL_CHARACTERS),
        ("A1,SF,W1,X", orders.TOO_MANY_FIELDS),
        ("A1 SF W1 X", orders.TOO_MANY_FIELDS),
        ("A1,S-F", orders.INVALID_CARRIER),
        ("A1,顺丰", orders.INVALID_CARRIER),
        ("A1," + "X" * 33, orders.INVALID_CARRIER),
    ],
)
def test_each_rejection_has_its_reason(line: str, reason: Hint) -> None:
    result = parse_orders(f"OK1\n{line}\nOK2", "SF")
    assert [entry.kind for entry in result.lines] == [
        LineKind.REF,
        LineKind.REJECTED,
        LineKind.REF,
    ]
    rejected = result.rejections[0]
    assert (rejected.line_no, rejected.text, rejected.reason, rejected.ref) == (
        2,
        line,
        reason,
        None,
    )


def test_every_reason_speaks_both_languages() -> None:
    reasons = [value for value in vars(orders).values() if isinstance(value, Hint)]
    assert len(reasons) >= 7
    for reason in reasons:
        assert reason.en and reason.zh and reason.en != reason.zh


def test_a_field_of_exactly_512_bytes_is_accepted() -> None:
    assert only_ref("A1,SF," + "W" * 512).waybill_id == "W" * 512


def test_an_order_id_of_exactly_64_characters_is_accepted() -> None:
    assert only_ref("单" * 64).order_id == "单" * 64
    assert parse_scan("A" * 64 + "\r", "SF").kind is LineKind.REF


def test_a_32_character_carrier_is_accepted() -> None:
    assert only_ref("A1," + "X_9" * 10 + "ZZ").delivery_id == "X_9" * 10 + "ZZ"


def test_no_default_carrier_rejects_lines_without_one() -> None:
    result = parse_orders("A1\nA2,ZTO", "")
    assert [line.reason for line in result.lines] == [orders.NO_CARRIER, None]


def test_an_invalid_default_carrier_rejects_lines_that_need_it() -> None:
    result = parse_orders("A1\nA2,ZTO", "S F")
    assert [line.reason for line in result.lines] == [orders.INVALID_CARRIER, None]


# --- scans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scanned",
    ["A1", "A1\r", "A1\n", "A1\r\n", "\tA1\t", "\x00A1", "\x1dA1\r", "  A1  ", "\x02A1\x03"],
)
def test_a_scan_drops_noise_at_the_ends(scanned: str) -> None:
    line = parse_scan(scanned, "zto")
    assert (line.kind, line.ref, line.text, line.line_no) == (
        LineKind.REF,
        OrderRef("A1", "ZTO"),
        "A1",
        1,
    )


def test_a_scan_may_carry_a_carrier_and_waybill() -> None:
    assert parse_scan("A1,ems,W1\r", "SF").ref == OrderRef("A1", "EMS", "W1")
    assert parse_scan("A1\tYTO\n", "SF").ref == OrderRef("A1", "YTO")


def test_a_seen_scan_is_a_duplicate() -> None:
    line = parse_scan("A1\r", "SF", seen={("A1", "SF")})
    assert line.kind is LineKind.DUPLICATE
    assert line.ref == OrderRef("A1", "SF")
    assert line.reason == orders.ALREADY_SCANNED
    assert parse_scan("A1\r", "SF", seen={("A1", "ZTO")}).kind is LineKind.REF


@pytest.mark.parametrize(
    ("scanned", "reason"),
    [
        ("", orders.EMPTY_ORDER_ID),
        ("\r\n", orders.EMPTY_ORDER_ID),
        ("A\x001", orders.CONTROL_CHARACTERS),
        ("A" * 600, orders.FIELD_TOO_LONG),
        ("A" * 65 + "\r", orders.ORDER_ID_TOO_LONG),
        ("".join(f"ORD{n:05d}" for n in range(30)) + "\n", orders.ORDER_ID_TOO_LONG),
        ("A1,S-F", orders.INVALID_CARRIER),
    ],
)
def test_a_bad_scan_is_rejected_with_its_reason(scanned: str, reason: Hint) -> None:
    line = parse_scan(scanned, "SF")
    assert (line.kind, line.reason, line.ref) == (LineKind.REJECTED, reason, None)


# --- properties ------------------------------------------------------------------------

_LINE_ALPHABET = st.sampled_from(
    [*"AZaz09-_#,;\t ，；订单", "\x00", "\u200b", "\u3000", "\ufeff", "\r", "\n"]
)
_texts = st.one_of(
    st.text(),
    st.text(alphabet=_LINE_ALPHABET, max_size=200),
    st.lists(
        st.sampled_from(["A1", "a2,zto", "A1,SF,W", "# c", "", "order_id", "A3 ems", ",SF"]),
        max_size=20,
    ).map("\n".join),
)


def _is_blank(char: str) -> bool:
    return char == "\t" or unicodedata.category(char) == "Zs"


def _content_line_numbers(text: str) -> list[int]:
    """Line numbers of non-blank, non-comment lines, computed independently of the parser."""
    text = text.removeprefix("\ufeff")
    numbers = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        content = "".join(char for char in line if not _is_blank(char))
        if content and not content.startswith("#"):
            numbers.append(number)
    return numbers


@given(_texts, st.sampled_from(["SF", "zto", "", "bad carrier"]))
def test_parse_orders_accounts_for_every_content_line(text: str, default: str) -> None:
    result = parse_orders(text, default)
    numbers = [line.line_no for line in result.lines]
    assert numbers == sorted(set(numbers))  # strictly increasing
    expected = _content_line_numbers(text)
    if result.header_line is not None:
        assert result.header_line == expected[0]
        expected = expected[1:]
    assert numbers == expected
    for line in result.lines:
        if line.kind is LineKind.REF:
            assert line.ref is not None and line.reason is None
        elif line.kind is LineKind.DUPLICATE:
            assert line.ref is not None and line.first_line is not None
            assert line.first_line < line.line_no
        else:
            assert line.kind is LineKind.REJECTED
            assert line.ref is None and line.reason is not None
    keys = [ref.key for ref in result.refs]
    assert len(keys) == len(set(keys))
    assert {line.ref.key for line in result.duplicates if line.ref} <= set(keys)
    assert len(result.refs) + len(result.duplicates) + len(result.rejections) == len(result.lines)


@given(_texts, st.sampled_from(["SF", "EMS", ""]))
def test_reparsing_the_joined_refs_gives_the_same_refs(text: str, default: str) -> None:
    refs = parse_orders(text, default).refs
    joined = "\n".join(
        ",".join(value for value in (ref.order_id, ref.delivery_id, ref.waybill_id) if value)
        for ref in refs
    )
    again = parse_orders(joined, "NOT_USED")
    assert again.refs == refs
    assert again.rejections == [] and again.duplicates == []
    assert not again.header_skipped


@given(st.text(), st.sampled_from(["SF", ""]), st.sets(st.tuples(st.text(), st.text())))
def test_parse_scan_never_raises_and_is_consistent(
    text: str, default: str, seen: set[tuple[str, str]]
) -> None:
    line = parse_scan(text, default, seen)
    assert (line.ref is None) == (line.kind is LineKind.REJECTED)
    if line.ref is not None:
        assert (line.kind is LineKind.DUPLICATE) == (line.ref.key in seen)


@settings(max_examples=3000, deadline=None, database=None)
@given(
    st.text(alphabet='Aa0_.-,;\t "#zZ9订，', max_size=12)
    | st.sampled_from(["Order_ID,SF", "orders", "A1,sf", "A1,", ",SF", "A" * 65, "A1," + "S" * 33]),
    st.sampled_from(["SF", "", "S F"]),
)
def test_the_plain_line_path_agrees_with_the_general_parser(line: str, default: str) -> None:
    assert orders._parse_fields(line, default) == orders._parse_any_fields(line, default)
