"""The sandbox answers compact UTF-8 JSON, also for what orjson alone cannot encode, and
reads every request body as `json` would, also where orjson alone would read it otherwise."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sandbox.encoding import decode, encode
from tests.unit.sandbox.support import Caller, decode_label, orders


def test_answers_are_compact_utf8_json() -> None:
    payload = {"errcode": 0, "errmsg": "ok", "list": [{"value": "广州"}, None, 1.5]}
    assert (
        encode(payload) == '{"errcode":0,"errmsg":"ok","list":[{"value":"广州"},null,1.5]}'.encode()
    )


def test_what_orjson_refuses_is_encoded_by_json() -> None:
    payload = {"order_id": 2**70, "delivery_id": "\ud800"}
    body = encode(payload)
    assert body == b'{"order_id":1180591620717411303424,"delivery_id":"\\ud800"}'
    assert json.loads(body) == payload


def test_an_echoed_integer_beyond_64_bits_gets_its_item_error(caller: Caller) -> None:
    request = [{"order_id": 2**70, "delivery_id": "SF"}, *orders("PLAIN-1")]
    answer = caller.batchget(request)
    items = {str(item["order_id"]): item for item in answer["order_list"]}
    assert answer["errcode"] == 0
    assert items[str(2**70)]["errcode"] == 930561
    assert items["PLAIN-1"]["errcode"] == 0


def test_an_order_id_with_a_lone_surrogate_gets_its_item_error(caller: Caller) -> None:
    request = [{"order_id": "BAD-\ud800", "delivery_id": "SF"}, *orders("PLAIN-1")]
    answer = caller.batchget(request)
    items = {item["order_id"]: item for item in answer["order_list"]}
    assert answer["errcode"] == 0
    assert items["BAD-\ud800"]["errcode"] == 47001
    assert items["PLAIN-1"]["errcode"] == 0


def _same(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (1 is not 1.0), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


@pytest.mark.parametrize(
    "body",
    [
        b'{"order_id": 9223372036854775807, "n": -9223372036854775808}',
        b'{"order_id": 9999999999999999999, "n": -9999999999999999999}',
        b'{"order_id": 18446744073709551616, "n": 123456789012345678901234567890}',
        b'{"order_id": "M12345678901234567890", "n": 1e400, "m": NaN, "k": -Infinity}',
        b'{"order_id": "\\ud800", "delivery_id": "\\udc00SF"}',
        b'{"a": 1, "a": 2.5, "b": [1.0, -0, 0.1, 1E2, "\\u5e7f"]}',
        b' {"order_list": []}\n',
    ],
)
def test_a_body_is_read_as_json_reads_it(body: bytes) -> None:
    assert _same(decode(body), json.loads(body.decode("utf-8")))


def test_nesting_deeper_than_orjson_reads_is_read_by_json() -> None:
    body = b"[" * 1100 + b"]" * 1100
    assert decode(body) == json.loads(body)


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b'{"a": 1} x', b"\xef\xbb\xbf{}", b'{"a": "\xff"}', b"{'a': 1}", b"[1,]"],
)
def test_a_body_json_refuses_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        json.loads(body.decode("utf-8"))
    with pytest.raises(ValueError):
        decode(body)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_any_json_value_is_read_as_json_reads_it(value: object) -> None:
    body = json.dumps(value).encode("utf-8")
    assert _same(decode(body), json.loads(body.decode("utf-8")))


@pytest.mark.parametrize("encoder", ["orjson", "json"])
def test_shared_labels_are_one_sample_label_per_carrier(caller: Caller, encoder: str) -> None:
    caller.server.faults.shared_labels = True
    odd = [{"order_id": 2**70, "delivery_id": "SF"}] if encoder == "json" else []
    answer = caller.batchget([*orders("S-1", "S-2"), *odd, *orders("Z-1", carrier="ZTO")])
    items = {str(item["order_id"]): item for item in answer["order_list"]}
    assert items["S-1"]["print_html"] == items["S-2"]["print_html"] != items["Z-1"]["print_html"]
    assert "SAMPLE" in decode_label(items["S-1"]) and "中通快递" in decode_label(items["Z-1"])
    assert items["S-1"]["waybill_id"] != items["S-2"]["waybill_id"]  # each order its own
