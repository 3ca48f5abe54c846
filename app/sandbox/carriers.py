"""The carriers the sandbox knows: names, label page sizes and waybill-id shapes.

`CARRIERS` is a read-only table keyed by `delivery_id`, answered by getAllDelivery and
used by the order logic to invent (and check) carrier-shaped waybill ids. Everything is
derived from a hash of the order id, so the same order always gets the same waybill.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

TEST_TS_BASE = 1_700_000_000
"""TEST waybill timestamps fall in the 30 million seconds after this (late 2023 – 2024)."""


_sha256 = hashlib.sha256


def order_hash(*parts: str) -> int:
    """A stable 256-bit integer for the given strings (never Python's salted `hash`)."""
    return int.from_bytes(_sha256("\x1f".join(parts).encode("utf-8")).digest(), "big")


@dataclass(frozen=True)
class Carrier:
    """One carrier: how its labels look and what its waybill ids look like.

    A waybill id is `prefix` followed by `digits` decimal digits, the first of which are
    `lead` (e.g. ZTO: no prefix, 12 digits, leading "7"). TEST is special-cased.
    """

    delivery_id: str
    name: str
    page_mm: tuple[int, int]
    prefix: str = ""
    lead: str = ""
    digits: int = 12
    service: tuple[tuple[int, str], ...] = ((0, "标准快递"),)
    can_use_cash: int = 0
    can_get_quota: int = 1

    @property
    def waybill_pattern(self) -> re.Pattern[str]:
        """The shape of this carrier's waybill ids (not used for TEST)."""
        rest = self.digits - len(self.lead)
        return re.compile(rf"{re.escape(self.prefix)}{re.escape(self.lead)}\d{{{rest}}}")

    @functools.cached_property
    def _number_shape(self) -> tuple[str, int, int]:
        """What `make_waybill` puts before the hashed number, its modulus and its width."""
        rest = self.digits - len(self.lead)
        return self.prefix + self.lead, 10**rest, rest

    def make_waybill(self, order_id: str) -> str:
        """The waybill id this carrier assigns to `order_id` (deterministic)."""
        h = order_hash(self.delivery_id, order_id)
        if self.delivery_id == "TEST":
            return f"{order_id}_{TEST_TS_BASE + h % 30_000_000}_waybill_id"
        start, modulus, width = self._number_shape
        return start + str(h % modulus).zfill(width)  # zfill: a third of `:0{width}d`'s CPU

    def fits(self, order_id: str, waybill_id: str) -> bool:
        """Whether `waybill_id` has this carrier's shape (for TEST: belongs to `order_id`)."""
        if self.delivery_id == "TEST":
            pattern = re.compile(rf"{re.escape(order_id)}_\d{{9,11}}_waybill_id")
            return pattern.fullmatch(waybill_id) is not None
        return self.waybill_pattern.fullmatch(waybill_id) is not None


_ALL = (
    Carrier("TEST", "测试快递", (100, 150), service=((1, "test_service_type"),)),
    Carrier(
        "SF",
        "顺丰速运",
        (100, 150),
        prefix="SF",
        digits=13,
        service=((0, "标准快递"), (1, "顺丰即日"), (2, "顺丰次晨"), (3, "顺丰标快")),
        can_use_cash=1,
    ),
    Carrier("ZTO", "中通快递", (76, 130), lead="7", digits=12),
    Carrier("YTO", "圆通速递", (100, 180), prefix="YT", digits=13),
    Carrier("STO", "申通快递", (100, 180), lead="77", digits=13),
    Carrier("YUNDA", "韵达快递", (100, 180), lead="43", digits=13),
    Carrier("JTSD", "极兔速递", (100, 180), prefix="JT", lead="0", digits=13),
    Carrier(
        "EMS",
        "中国邮政速递物流",
        (100, 150),
        lead="9",
        digits=13,
        service=((6, "标准快递"), (9, "快递包裹")),
    ),
    Carrier("JD", "京东物流", (100, 150), prefix="JDVA", digits=11, can_use_cash=1),
    Carrier("DB", "德邦快递", (100, 180), prefix="DPK", lead="3", digits=12),
)

CARRIERS: Mapping[str, Carrier] = MappingProxyType({c.delivery_id: c for c in _ALL})
"""Every carrier the sandbox serves, by `delivery_id`, in getAllDelivery order."""
