"""Which order each waybill id belongs to: a second order answered with it is an error.

A carrier's waybill id names one parcel. When WeChat answers two different orders with
the same waybill id, the second answer must not become a printable label (two parcels
under one waybill, or one PDF overwriting another). `vet_waybill` is that rule, and the
engine applies it to every answer it converts (`app.core.engine.fetch_waybills`), so the
window and the command line behave alike.

Who remembers the owners is handed in as `WaybillOwners`: `MemoryOwners` for the window
(the orders of one window session) and `app.core.run_index.RunIndex` for a long
command-line run (on disk, so memory stays flat).
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Protocol

from app.core.codes import WAYBILL_REUSED
from app.core.model import Hint, Waybill, WaybillStatus

Key = tuple[str, str]

WAYBILL_REUSED_HINT = Hint(
    "WeChat answered this order with a waybill id it already gave another order, so its "
    "label is not put out. Check both orders with the carrier before shipping.",
    "微信为该订单返回的运单号已用于另一订单，因此不输出该面单。发货前请与快递公司核对这两个订单。",
)


class WaybillOwners(Protocol):
    """Remembers the first order each waybill id was answered for (thread-safe)."""

    def claim(self, waybill_id: str, key: Key) -> Key:
        """The order `waybill_id` belongs to: `key` if it is new (now remembered), else
        the order it was first answered for."""
        ...


class MemoryOwners:
    """`WaybillOwners` in a dict, for the orders of one window session or one fetch."""

    def __init__(self) -> None:
        self._owners: dict[str, Key] = {}
        self._lock = threading.Lock()

    def claim(self, waybill_id: str, key: Key) -> Key:
        with self._lock:
            return self._owners.setdefault(waybill_id, key)


def vet_waybill(waybill: Waybill, owners: WaybillOwners) -> Waybill:
    """`waybill`, or a `WAYBILL_REUSED` error when its waybill id belongs to another order."""
    if not waybill.printable or not waybill.waybill_id:
        return waybill
    owner = owners.claim(waybill.waybill_id, waybill.ref.key)
    if owner == waybill.ref.key:
        return waybill
    return dataclasses.replace(
        waybill,
        status=WaybillStatus.ERROR,
        errcode=WAYBILL_REUSED,
        errmsg=f"waybill id {waybill.waybill_id} was already answered for order {owner[0]}",
        html=None,
        hint=WAYBILL_REUSED_HINT,
    )
