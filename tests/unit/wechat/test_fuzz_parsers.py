"""Property fuzz of the two parsers that read untrusted text: WeChat answers and order input.

Each property runs a counted number of generated cases (`EXAMPLES` in all, at least
10,000) and checks what must hold for every one: no exception other than the documented
one, exactly one final state per order, and no secret in anything shown.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.engine import to_waybill
from app.core.model import OrderRef, WaybillStatus
from app.core.order_input import OrderInputError, decode_order_bytes, iter_lines
from app.core.orders import LineKind, parse_orders
from app.wechat.answer import AnswerProblem, parse_json
from app.wechat.items import Masker, items_for_chunk

TOKEN = "TOKEN-abc123"
SECRET = "SECRET-xyz789"
PER_PROPERTY = {
    "answer_shapes": 1500,
    "almost_valid_answers": 1500,
    "answer_bytes": 2000,
    "input_bytes": 2500,
    "input_text": 2500,
}
EXAMPLES = sum(PER_PROPERTY.values())
assert EXAMPLES >= 10_000

FAST = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def counted(name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None]) -> int:
    """Run `check` on `PER_PROPERTY[name]` generated cases; returns how many ran."""
    ran = 0

    @settings(FAST, max_examples=PER_PROPERTY[name])
    @given(strategy)
    def prop(value: Any) -> None:
        nonlocal ran
        ran += 1
        check(value)

    prop()
    assert ran >= PER_PROPERTY[name]
    print(f"{name}: {ran} generated cases")
    return ran


# ---- strategies ------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**63, 2**63 - 1, -(2**63), 9300501, 40001]),
    st.floats(allow_nan=False, allow_infinity=False),
)
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "ok", TOKEN, SECRET, f"x{TOKEN}y", "收件人地址超区", "A0", "SF"]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=6,
)
small_json = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=2), st.dictionaries(texts, inner, max_size=2)),
    max_leaves=3,
)
refs_strategy = st.lists(
    st.builds(OrderRef, st.sampled_from(["A0", "A1", "A2", "7"]), st.sampled_from(["SF", "ZTO"])),
    min_size=1,
    max_size=5,
    unique_by=lambda ref: ref.key,
)
FIELD_VALUES = {
    "order_id": st.one_of(st.sampled_from(["A0", "A1", "A2", 7, "7"]), small_json),
    "delivery_id": st.one_of(st.sampled_from(["SF", "ZTO", "", None]), small_json),
    "errcode": st.one_of(st.sampled_from([0, 0, 9300501, -1]), small_json),
    "errmsg": small_json,
    "waybill_id": st.one_of(st.sampled_from(["W1", "W1", 12, TOKEN]), small_json),
    "print_html": st.one_of(
        st.sampled_from(["", "PGh0bWw+PC9odG1sPg==", "!!", "PGh0bWw+"]), small_json
    ),
    "order_status": st.one_of(st.sampled_from([0, 1, None]), small_json),
    "waybill_data": st.one_of(
        st.lists(
            st.fixed_dictionaries({}, optional={"key": small_json, "value": small_json}),
            max_size=3,
        ),
        small_json,
    ),
    "delivery_resultmsg": small_json,
    "delivery_resultcode": small_json,
}
almost_valid_item = st.fixed_dictionaries({}, optional=FIELD_VALUES)
almost_valid_answer = st.fixed_dictionaries(
    {"order_list": st.lists(st.one_of(almost_valid_item, scalars), max_size=5)},
    optional={"errcode": small_json, "errmsg": small_json},
)


# ---- the answer parser ---------------------------------------------------------------


def check_items(data: Any, refs: list[OrderRef]) -> None:
    masker = Masker([TOKEN, SECRET])
    items = items_for_chunk(data if isinstance(data, dict) else {"order_list": data}, refs, masker)
    assert [item.ref for item in items] == refs  # exactly one item per order, in order
    for item in items:
        assert isinstance(item.errcode, int) and -(2**63) <= item.errcode < 2**63
        waybill = to_waybill(item)  # exactly one final state, never an exception
        assert waybill.ref == item.ref
        assert waybill.status in (WaybillStatus.OK, WaybillStatus.CANCELLED, WaybillStatus.ERROR)
        assert (waybill.status is WaybillStatus.ERROR) == (waybill.errcode != 0)
        shown = [waybill.errmsg, waybill.waybill_id or "", *map(str, waybill.waybill_data)]
        assert not any(TOKEN in text or SECRET in text for text in shown)
        assert len(waybill.errmsg) < 1000
        json.dumps([waybill.errcode, waybill.errmsg, waybill.waybill_data])  # storable


def test_fuzz_answers_of_any_shape() -> None:
    counted("answer_shapes", st.tuples(json_values, refs_strategy), lambda v: check_items(*v))


def test_fuzz_answers_that_are_almost_valid() -> None:
    counted(
        "almost_valid_answers",
        st.tuples(almost_valid_answer, refs_strategy),
        lambda v: check_items(*v),
    )


def standard_library_json(body: bytes) -> Any:
    """What the standard library makes of `body` (the reference `parse_json` must match:
    it parses with orjson only where the result is the same); None when it refuses it."""

    def no_constant(name: str) -> Any:
        raise ValueError(name)

    try:
        return json.loads(body.decode("utf-8-sig"), parse_constant=no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def check_bytes(body: bytes) -> None:
    expected = standard_library_json(body)
    try:
        parsed = parse_json(body)
    except AnswerProblem as problem:
        assert len(str(problem)) < 100
        assert expected is None
        return
    assert parsed == expected
    assert type(parsed) is type(expected)


def test_fuzz_answer_bytes() -> None:
    bodies = st.one_of(
        st.binary(max_size=200),
        st.builds(lambda v: json.dumps(v).encode(), json_values),
        st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 3000).map(lambda n: b'{"errcode": ' + b"9" * n + b"}"),
        # integers just past 64 bits (orjson would make them floats), BOMs, lone surrogates
        st.builds(
            lambda n, bom: bom + json.dumps({"errcode": n, "errmsg": n}).encode(),
            st.integers(-(2**66), 2**66) | st.sampled_from([2**63, 2**64, -(2**63) - 1]),
            st.sampled_from([b"", b"\xef\xbb\xbf"]),
        ),
        st.builds(lambda text: json.dumps({"errmsg": text}).encode(), st.text(max_size=20)),
        st.sampled_from([b'{"errmsg": "\\ud800"}', b'{"e": 1e400}', b'{"e": 1, "e": 2}']),
    )
    counted("answer_bytes", bodies, check_bytes)


# ---- the input reader -----------------------------------------------------------------


def check_input_bytes(data: bytes) -> None:
    try:
        text = decode_order_bytes(data)
    except OrderInputError:
        text = None
    try:
        streamed: list[str] | None = list(iter_lines(io.BytesIO(data)))
    except OrderInputError:
        streamed = None
    if text is not None and streamed is not None:
        check_text(text)


def test_fuzz_input_bytes() -> None:
    encoded = st.builds(
        lambda text, encoding: text.encode(encoding, "replace"),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    )
    counted("input_bytes", st.one_of(st.binary(max_size=120), encoded), check_input_bytes)


def check_text(text: str) -> None:
    result = parse_orders(text, "SF")
    numbers = [line.line_no for line in result.lines]
    assert numbers == sorted(set(numbers))  # each content line ends exactly once, in order
    keys = [line.ref.key for line in result.lines if line.kind is LineKind.REF and line.ref]
    assert len(keys) == len(set(keys))
    for line in result.lines:
        assert line.kind in (LineKind.REF, LineKind.DUPLICATE, LineKind.REJECTED)
        assert (line.ref is None) == (line.kind is LineKind.REJECTED)
        if line.kind is LineKind.DUPLICATE:
            assert line.first_line is not None and line.first_line < line.line_no
        if line.ref is not None:
            assert (line.ref.order_id and line.ref.delivery_id.isupper()) or line.ref.delivery_id


def test_fuzz_input_text() -> None:
    pieces = st.sampled_from(
        [
            '"',
            ",",
            "\t",
            ";",
            "，",
            " ",
            "\n",
            "\r\n",
            "#",
            "A1",
            "SF",
            "订单号",
            '""',
            "zto",
            "\u3000",
        ]
    )
    texts_ = st.one_of(st.text(max_size=80), st.lists(pieces, max_size=30).map("".join))
    counted("input_text", texts_, check_text)
