"""How an order id, carrier and waybill id steer the sandbox's answer (see app.sandbox.orders)."""

from __future__ import annotations

import base64
import binascii
import re

import pytest

from tests.unit.sandbox.support import Caller, decode_label, orders


def _one(caller: Caller, order_id: str, carrier: str = "SF", **extra: str) -> dict[str, object]:
    request = [{"order_id": order_id, "delivery_id": carrier, **extra}, *orders("PLAIN-1")]
    items = caller.items_by_key(request)
    assert items[("PLAIN-1", "SF")]["errcode"] == 0  # one bad order never fails the batch
    return items[(order_id, carrier)]


def test_plain_order_is_normal_with_a_label(caller: Caller) -> None:
    item = _one(caller, "ORD-20240601-0001")
    assert (item["errcode"], item["order_status"]) == (0, 0)
    assert "ORD-20240601-0001" in decode_label(item)


def test_cancel_prefix_gives_a_cancelled_order_with_a_label(caller: Caller) -> None:
    item = _one(caller, "CANCEL-7")
    assert (item["errcode"], item["order_status"]) == (0, 1)
    assert "<svg" in decode_label(item)


@pytest.mark.parametrize("order_id", ["MISSING-1", "NOTFOUND42"])
def test_missing_orders_do_not_exist(caller: Caller, order_id: str) -> None:
    item = _one(caller, order_id)
    assert item["errcode"] == 930563
    assert "print_html" not in item


def test_nolabel_gives_an_empty_print_html(caller: Caller) -> None:
    item = _one(caller, "NOLABEL-1")
    assert (item["errcode"], item["print_html"]) == (0, "")


def test_badb64_gives_a_print_html_that_is_not_base64(caller: Caller) -> None:
    item = _one(caller, "BADB64-1")
    assert item["errcode"] == 0
    with pytest.raises(binascii.Error):
        base64.b64decode(str(item["print_html"]), validate=True)


def test_drop_prefix_is_left_out_of_the_answer(caller: Caller) -> None:
    answer = caller.batchget(orders("DROP-1", "ORD1", "DROP-2"))
    assert [i["order_id"] for i in answer["order_list"]] == ["ORD1"]
    assert caller.get_order(orders("DROP-1")[0])["errcode"] == 930563


def test_carrier_error_has_carrier_details(caller: Caller) -> None:
    item = _one(caller, "CARRIERERR-1")
    assert item["errcode"] == 9300501
    assert isinstance(item["delivery_resultcode"], int)
    assert item["delivery_resultmsg"]


@pytest.mark.parametrize(("prefix", "errcode"), [("CARRIERSYS", 9300502), ("RENDERFAIL", 9300512)])
def test_other_carrier_side_errors(caller: Caller, prefix: str, errcode: int) -> None:
    assert _one(caller, f"{prefix}-1")["errcode"] == errcode


def test_unknown_carrier_is_9300503(caller: Caller) -> None:
    assert _one(caller, "ORD1", carrier="NOPE")["errcode"] == 9300503


def test_overlong_order_id_is_9300526(caller: Caller) -> None:
    assert _one(caller, "X" * 65)["errcode"] == 9300526
    assert _one(caller, "X" * 64)["errcode"] == 0


@pytest.mark.parametrize(
    ("carrier", "pattern"),
    [
        ("SF", r"SF\d{13}"),
        ("ZTO", r"7\d{11}"),
        ("YTO", r"YT\d{13}"),
        ("EMS", r"9\d{12}"),
        ("STO", r"77\d{11}"),
        ("YUNDA", r"43\d{11}"),
        ("JTSD", r"JT0\d{12}"),
        ("JD", r"JDVA\d{11}"),
        ("DB", r"DPK3\d{11}"),
        ("TEST", r"ORD-9_\d{10}_waybill_id"),
    ],
)
def test_waybill_ids_have_the_carrier_shape(caller: Caller, carrier: str, pattern: str) -> None:
    item = _one(caller, "ORD-9", carrier=carrier)
    assert re.fullmatch(pattern, str(item["waybill_id"]))


def test_different_orders_get_different_waybills(caller: Caller) -> None:
    items = caller.items_by_key(orders(*(f"ORD{n}" for n in range(100))))
    assert len({i["waybill_id"] for i in items.values()}) == 100


def test_fitting_waybill_id_is_echoed(caller: Caller) -> None:
    item = _one(caller, "ORD1", waybill_id="SF1000000000001")
    assert (item["errcode"], item["waybill_id"]) == (0, "SF1000000000001")
    assert "SF1000000000001" in decode_label(item)
    test_item = _one(caller, "T1", carrier="TEST", waybill_id="T1_1718000000_waybill_id")
    assert test_item["waybill_id"] == "T1_1718000000_waybill_id"


@pytest.mark.parametrize(
    ("carrier", "waybill_id"),
    [("SF", "YT1234567890123"), ("ZTO", "12345"), ("TEST", "OTHER_1718000000_waybill_id")],
)
def test_waybill_id_of_the_wrong_shape_is_40199(
    caller: Caller, carrier: str, waybill_id: str
) -> None:
    item = _one(caller, "ORD1", carrier=carrier, waybill_id=waybill_id)
    assert item["errcode"] == 40199
    assert item["waybill_id"] == waybill_id


def test_test_carrier_with_a_non_ascii_order_id_fails_to_render(caller: Caller) -> None:
    assert _one(caller, "订单-1", carrier="TEST")["errcode"] == 9300512
    assert _one(caller, "订单-1", carrier="SF")["errcode"] == 0
