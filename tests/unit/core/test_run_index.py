"""`RunIndex`: the first line of each reference and the first owner of each waybill id,
against a plain dict, across buffer flushes and with a filter small enough to be wrong."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.run_index import RunIndex

KEYS = st.tuples(
    st.sampled_from(["A1", "A2", "B7", "7", "订单1", ""]), st.sampled_from(["SF", "ZTO"])
)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(KEYS, max_size=60),
    st.sampled_from([8, 64, 1 << 20]),  # 8 bits: nearly every new key looks seen
    st.sampled_from([1, 3, 4096]),
)
def test_first_line_is_the_first_line_of_each_key(
    keys: list[tuple[str, str]], bloom_bits: int, flush_rows: int
) -> None:
    model: dict[tuple[str, str], int] = {}
    with RunIndex(bloom_bits=bloom_bits, flush_rows=flush_rows) as index:
        for line_no, key in enumerate(keys, start=1):
            expected = model.get(key)
            model.setdefault(key, line_no)
            assert index.first_line(key, line_no) == expected


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(st.tuples(st.sampled_from(["W1", "W2", "W3", "SF123"]), KEYS), max_size=60),
    st.sampled_from([8, 1 << 20]),
    st.sampled_from([1, 2, 4096]),
)
def test_a_waybill_id_belongs_to_the_first_order_it_was_answered_for(
    claims: list[tuple[str, tuple[str, str]]], bloom_bits: int, flush_rows: int
) -> None:
    owners: dict[str, tuple[str, str]] = {}
    with RunIndex(bloom_bits=bloom_bits, flush_rows=flush_rows) as index:
        for waybill_id, key in claims:
            assert index.claim(waybill_id, key) == owners.setdefault(waybill_id, key)


def test_a_hundred_thousand_keys_keep_their_first_line() -> None:
    with RunIndex() as index:
        for n in range(100_000):
            assert index.first_line((f"M{n:07d}", "SF"), n + 1) is None
        assert index.first_line(("M0000000", "SF"), 200_001) == 1
        assert index.first_line(("M0099999", "SF"), 200_002) == 100_000
        assert index.first_line(("M0050000", "ZTO"), 200_003) is None


def test_the_index_refuses_a_filter_size_that_is_not_a_power_of_two() -> None:
    with pytest.raises(ValueError, match="power of two"):
        RunIndex(bloom_bits=1000)
