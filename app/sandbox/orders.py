"""The sandbox's deterministic answer for one requested order.

How an order id steers the answer (prefixes are case-sensitive; checked in this order):

1. `DROP…`        the item is left out of the batchget answer (getOrder answers 930563).
2. an unknown `delivery_id` (not in getAllDelivery)     → errcode 9300503.
3. an order id longer than 64 characters                → errcode 9300526.
4. a `waybill_id` that does not fit the carrier's shape → errcode 40199. A fitting one is
   echoed back. TEST waybills fit only as `<order_id>_<unix ts>_waybill_id`.
5. `MISSING…` or `NOTFOUND…` → errcode 930563 (order does not exist).
6. `CARRIERERR…`  → errcode 9300501 with `delivery_resultcode` / `delivery_resultmsg`.
7. `CARRIERSYS…`  → errcode 9300502 (carrier system error, retry later).
8. `RENDERFAIL…`  → errcode 9300512 (template render failed); also any TEST order whose
   waybill id cannot be a Code128 barcode (non-ASCII order id).
9. `CANCEL…`      → ok with a label, but `order_status` 1 (cancelled).
10. `NOLABEL…`    → ok, `print_html` "".
11. `BADB64…`     → ok, `print_html` that is not valid Base64.
12. an order id in `Faults.templates` → ok, that label HTML (a carrier's own template).
13. anything else → ok, `order_status` 0, a full label.

Waybill ids are derived from a hash of the order id (see `app.sandbox.carriers`): TEST
gives `<order_id>_<unix ts>_waybill_id` with the timestamp fixed per order, the others a
carrier-shaped number (SF `SF`+13 digits, ZTO 12 digits starting 7, YTO `YT`+13 digits,
EMS 13 digits starting 9, …). The same request always gets the same answer.
"""

from __future__ import annotations

import base64
import functools
import re
from typing import Any

import orjson

from app.sandbox.barcodes import BarcodeError
from app.sandbox.carriers import CARRIERS
from app.sandbox.encoding import pre_encoded
from app.sandbox.faults import Faults
from app.sandbox.labels import label_base64, waybill_data_for

MAX_ORDER_ID = 64
_STEERING = re.compile("MISSING|NOTFOUND|CARRIERERR|CARRIERSYS|RENDERFAIL|NOLABEL|BADB64|CANCEL")
"""The order-id prefixes of steps 5–11 (none is a prefix of another): one match an order."""
BAD_BASE64 = "PGh0bWw+!!not*base64**PC9odG1sPg"
"""What a corrupt `print_html` looks like: characters outside the Base64 alphabet."""


def _error(base: dict[str, Any], errcode: int, errmsg: str, **extra: Any) -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": errmsg, **base, **extra}


@functools.cache
def _sample_label(delivery_id: str) -> orjson.Fragment:
    """The one label every order of a carrier gets with `Faults.shared_labels`, its JSON
    made once."""
    waybill_id = CARRIERS[delivery_id].make_waybill("SAMPLE")
    return pre_encoded(label_base64(delivery_id, "SAMPLE", waybill_id))


def is_dropped(order: dict[str, Any]) -> bool:
    """Whether batchget leaves this order out of its answer."""
    order_id = order.get("order_id")
    return isinstance(order_id, str) and order_id.startswith("DROP")


def _is_text(value: str) -> bool:
    """Whether `value` is text UTF-8 can carry (JSON's `\\ud800` escape is not)."""
    if value.isascii():  # most ids, and a flag lookup rather than an encoding
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def answer_order(order: dict[str, Any], faults: Faults) -> dict[str, Any]:
    """The answer item for one requested `{order_id, delivery_id, waybill_id?}`."""
    order_id = order.get("order_id")
    delivery_id = order.get("delivery_id")
    wanted = order.get("waybill_id")
    base: dict[str, Any] = {"order_id": order_id, "delivery_id": delivery_id}
    if wanted is not None:
        base["waybill_id"] = wanted
    if not isinstance(order_id, str) or not order_id:
        return _error(base, 930561, "argument error: order_id missing")
    if not isinstance(delivery_id, str) or not delivery_id:
        return _error(base, 930561, "argument error: delivery_id missing")
    if wanted is not None and not isinstance(wanted, str):
        return _error(base, 930561, "argument error: waybill_id must be a string")
    if not _is_text(order_id + delivery_id + (wanted or "")):
        return _error(base, 47001, "data format error: ids must be UTF-8 text")
    carrier = CARRIERS.get(delivery_id)
    if carrier is None:
        return _error(base, 9300503, "delivery id not exist")
    if len(order_id) > MAX_ORDER_ID:
        return _error(base, 9300526, "field length error: order_id")
    if wanted and not carrier.fits(order_id, wanted):
        return _error(base, 40199, "waybill id not found")
    steered = _STEERING.match(order_id)
    prefix = steered[0] if steered else ""
    if prefix in ("MISSING", "NOTFOUND"):
        return _error(base, 930563, "order not exists")
    if prefix == "CARRIERERR":
        return _error(
            base,
            9300501,
            "delivery logic fail",
            delivery_resultcode=10002,
            delivery_resultmsg="月结卡号不存在或已停用",
        )
    if prefix == "CARRIERSYS":
        return _error(base, 9300502, "delivery system error")
    waybill_id = wanted or carrier.make_waybill(order_id)
    if prefix == "RENDERFAIL":
        base["waybill_id"] = waybill_id
        return _error(base, 9300512, "template render failed")
    print_html: str | orjson.Fragment
    if faults.empty_label or prefix == "NOLABEL":
        print_html = ""
    elif faults.corrupt_base64 or prefix == "BADB64":
        print_html = BAD_BASE64
    elif faults.templates and order_id in faults.templates:
        template = faults.templates[order_id].replace("{{WAYBILL}}", waybill_id)
        print_html = base64.b64encode(template.encode("utf-8")).decode("ascii")
    elif faults.shared_labels:
        print_html = _sample_label(delivery_id)
    else:
        try:
            print_html = label_base64(delivery_id, order_id, waybill_id)
        except BarcodeError:
            base["waybill_id"] = waybill_id
            return _error(base, 9300512, "template render failed")
    cancelled = faults.cancel_all or prefix == "CANCEL"
    return {
        "errcode": 0,
        "errmsg": "ok",
        "order_id": order_id,
        "delivery_id": delivery_id,
        "waybill_id": waybill_id,
        "print_html": print_html,
        "waybill_data": waybill_data_for(carrier, order_id),
        "order_status": 1 if cancelled else 0,
    }
