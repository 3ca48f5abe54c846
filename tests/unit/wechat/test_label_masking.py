"""The client decodes each label once and masks every secret the server echoed inside it."""

from __future__ import annotations

import base64

from app.core.engine import to_waybill
from app.core.model import OrderRef
from app.wechat.items import LabelCache, Masker, item_from

TOKEN = "80_TOKEN-abcdefghijklmnop"
SECRET = "APPSECRET-0123456789abcdef"


def b64(html: str) -> str:
    return base64.b64encode(html.encode()).decode()


def answer(html: str) -> dict[str, object]:
    return {
        "errcode": 0,
        "order_id": "A1",
        "delivery_id": "SF",
        "waybill_id": "W1",
        "print_html": b64(html),
        "order_status": 0,
    }


def test_a_secret_inside_the_label_is_masked_before_anything_stores_it() -> None:
    raw = answer(f"<html><body>{TOKEN} and {SECRET}</body></html>")
    item = item_from(raw, OrderRef("A1", "SF"), Masker([TOKEN, SECRET]))
    assert item.html == "<html><body>*** and ***</body></html>"
    waybill = to_waybill(item)
    assert waybill.printable and waybill.html == item.html


def test_the_cache_never_hands_out_a_label_masked_for_other_secrets() -> None:
    cache = LabelCache(size=2)
    raw = answer(f"<html><body>{TOKEN}</body></html>")
    ref = OrderRef("A1", "SF")
    first = item_from(raw, ref, Masker([], labels=cache))
    assert first.html == f"<html><body>{TOKEN}</body></html>"  # nothing known to hide yet
    second = item_from(raw, ref, Masker([TOKEN], labels=cache))
    assert second.html == "<html><body>***</body></html>"
    third = item_from(raw, ref, Masker([TOKEN], labels=cache))
    assert third.html is second.html  # the same text is decoded once


def test_a_label_that_does_not_decode_is_left_to_the_engine_to_report() -> None:
    raw = {**answer("<html></html>"), "print_html": "@@not base64@@"}
    item = item_from(raw, OrderRef("A1", "SF"), Masker([TOKEN], labels=LabelCache()))
    assert item.html is None
    assert to_waybill(item).errmsg == "label corrupt"


def test_texts_of_an_item_are_masked_wherever_the_secret_is_echoed() -> None:
    odd = "SECRET\x00WITH-NUL"  # a secret that could span two joined texts
    for secrets, echoed in (([TOKEN, SECRET], TOKEN), ([odd], odd), ([SECRET], SECRET)):
        masker = Masker(secrets)
        for field in ("errmsg", "key", "value"):
            raw: dict[str, object] = {
                "errcode": 0,
                "errmsg": f"ok {echoed}" if field == "errmsg" else "ok",
                "waybill_data": [
                    {
                        "key": f"k{echoed}" if field == "key" else "k",
                        "value": f"v{echoed}" if field == "value" else "v",
                    }
                ],
            }
            item = item_from(raw, OrderRef("A1", "SF"), masker)
            shown = [item.errmsg, *item.waybill_data[0]]
            assert not any(echoed in text for text in shown), (secrets, field)
            assert any("***" in text for text in shown)
    # texts that merely meet across the joint are left alone
    plain = item_from(
        {"errcode": 0, "errmsg": "SECRET", "waybill_data": [{"key": "WITH-NUL", "value": "v"}]},
        OrderRef("A1", "SF"),
        Masker([odd]),
    )
    assert (plain.errmsg, plain.waybill_data) == ("SECRET", (("WITH-NUL", "v"),))


def test_a_long_waybill_data_value_is_shortened_even_without_a_secret() -> None:
    item = item_from(
        {"errcode": 0, "errmsg": "ok", "waybill_data": [{"key": "k", "value": "x" * 5000}]},
        OrderRef("A1", "SF"),
        Masker([TOKEN]),
    )
    assert item.errmsg == "ok"
    assert len(item.waybill_data[0][1]) < 400 and "5000 characters" in item.waybill_data[0][1]
