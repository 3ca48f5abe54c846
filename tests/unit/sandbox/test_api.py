"""The logistics endpoints over real HTTP: batchget, getOrder, getAllDelivery, 404s."""

from __future__ import annotations

import json

from app.sandbox.server import SandboxServer
from tests.unit.sandbox.support import BATCHGET, GET_ORDER, GETALL, Caller, decode_label, orders

CARRIER_NAMES = {
    "TEST": "测试快递",
    "SF": "顺丰速运",
    "ZTO": "中通快递",
    "YTO": "圆通速递",
    "STO": "申通快递",
    "YUNDA": "韵达快递",
    "JTSD": "极兔速递",
    "EMS": "中国邮政速递物流",
    "JD": "京东物流",
    "DB": "德邦快递",
}


def test_batchget_answers_every_order_with_all_item_fields(caller: Caller) -> None:
    answer = caller.batchget(orders("ORD1", "ORD2", "ORD3"))
    assert (answer["errcode"], answer["errmsg"]) == (0, "ok")
    assert sorted(i["order_id"] for i in answer["order_list"]) == ["ORD1", "ORD2", "ORD3"]
    for item in answer["order_list"]:
        assert (item["errcode"], item["errmsg"], item["order_status"]) == (0, "ok", 0)
        assert item["delivery_id"] == "SF"
        assert item["waybill_id"].startswith("SF")
        assert decode_label(item).startswith("<!DOCTYPE html>")
        assert {d["key"] for d in item["waybill_data"]} == {"SF_bagAddr", "SF_mark"}


def test_batchget_is_utf8_json(caller: Caller) -> None:
    response = caller.batchget_raw(orders("ORD1"))
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    bag = json.loads(response.content.decode("utf-8"))["order_list"][0]["waybill_data"][0]
    assert bag["key"] == "SF_bagAddr"
    assert bag["value"].encode("utf-8") in response.content  # raw UTF-8, not \\u escapes


def test_batchget_answers_in_a_shuffled_but_deterministic_order(caller: Caller) -> None:
    request = orders(*(f"ORD{n:03d}" for n in range(20)))
    first = [i["order_id"] for i in caller.batchget(request)["order_list"]]
    second = [i["order_id"] for i in caller.batchget(request)["order_list"]]
    assert first == second
    assert first != [o["order_id"] for o in request]
    assert sorted(first) == [o["order_id"] for o in request]


def test_two_items_never_come_back_in_request_order(caller: Caller) -> None:
    for n in range(10):
        request = orders(f"A{n}", f"B{n}")
        answer = [i["order_id"] for i in caller.batchget(request)["order_list"]]
        assert answer == [f"B{n}", f"A{n}"]


def test_same_request_twice_gives_same_waybills_and_labels(caller: Caller) -> None:
    request = [{"order_id": f"ORD{n}", "delivery_id": c} for n, c in enumerate(CARRIER_NAMES)]
    first = caller.items_by_key(request)
    second = caller.items_by_key(request)
    assert first == second
    with SandboxServer() as other:
        third = Caller(other, caller.http).items_by_key(request)
    assert third == first  # not even a fresh server changes them


def test_more_than_100_orders_is_a_call_error(caller: Caller) -> None:
    answer = caller.batchget(orders(*(f"ORD{n}" for n in range(101))))
    assert answer["errcode"] == 930561
    assert "order_list" not in answer
    assert caller.batchget(orders(*(f"ORD{n}" for n in range(100))))["errcode"] == 0
    assert caller.server.stats.batch_sizes == [101, 100]


def test_empty_order_list_is_an_argument_error(caller: Caller) -> None:
    assert caller.batchget([])["errcode"] == 930561


def test_non_json_body_is_47001(caller: Caller) -> None:
    response = caller.http.post(
        caller.url(BATCHGET),
        params={"access_token": caller.token()},
        data={"order_list": "ORD1"},
        timeout=5,
    )
    assert response.json()["errcode"] == 47001
    response = caller.http.post(
        caller.url(BATCHGET),
        params={"access_token": caller.token()},
        json={"order_list": ["ORD1"]},
        timeout=5,
    )
    assert response.json()["errcode"] == 47001


def test_a_body_nested_deeper_than_python_can_read_is_47001_not_a_dropped_connection(
    caller: Caller,
) -> None:
    for path in (BATCHGET, "/cgi-bin/stable_token"):
        response = caller.http.post(
            caller.url(path),
            params={"access_token": caller.token()},
            data=b"[" * 200_000 + b"]" * 200_000,
            headers={"Content-Type": "application/json"},
            timeout=5,
        )
        assert response.json()["errcode"] == 47001, path


def test_items_missing_fields_get_their_own_argument_error(caller: Caller) -> None:
    answer = caller.batchget([{"order_id": "ORD1"}, {"order_id": "ORD2", "delivery_id": "SF"}])
    by_id = {i["order_id"]: i for i in answer["order_list"]}
    assert by_id["ORD1"]["errcode"] == 930561
    assert by_id["ORD2"]["errcode"] == 0


def test_get_order_answers_one_order_at_top_level(caller: Caller) -> None:
    answer = caller.get_order({"order_id": "ORD1", "delivery_id": "ZTO", "print_type": 1})
    batch = caller.items_by_key(orders("ORD1", carrier="ZTO"))[("ORD1", "ZTO")]
    assert answer == batch
    assert caller.server.stats.calls(GET_ORDER) == 1


def test_get_order_rejects_a_bad_print_type_and_non_json(caller: Caller) -> None:
    answer = caller.get_order({"order_id": "ORD1", "delivery_id": "SF", "print_type": 7})
    assert answer["errcode"] == 930561
    response = caller.http.post(
        caller.url(GET_ORDER), params={"access_token": caller.token()}, data="x", timeout=5
    )
    assert response.json()["errcode"] == 47001


def test_get_order_checks_the_token(caller: Caller) -> None:
    assert caller.get_order(orders("ORD1")[0], token="")["errcode"] == 41001
    assert caller.get_order(orders("ORD1")[0], token="nope")["errcode"] == 40001


def test_getall_lists_the_carriers(caller: Caller) -> None:
    answer = caller.http.get(
        caller.url(GETALL), params={"access_token": caller.token()}, timeout=5
    ).json()
    assert answer["errcode"] == 0
    assert answer["count"] == len(answer["data"]) == len(CARRIER_NAMES)
    names = {c["delivery_id"]: c["delivery_name"] for c in answer["data"]}
    assert names == CARRIER_NAMES
    for carrier in answer["data"]:
        assert carrier["can_use_cash"] in (0, 1)
        assert carrier["can_get_quota"] in (0, 1)
        assert carrier["service_type"]
        assert all({"service_type", "service_name"} <= set(s) for s in carrier["service_type"])


def test_getall_needs_a_token_and_get(caller: Caller) -> None:
    assert caller.http.get(caller.url(GETALL), timeout=5).json()["errcode"] == 41001
    response = caller.http.post(
        caller.url(GETALL), params={"access_token": caller.token()}, timeout=5
    )
    assert response.json()["errcode"] == 43001


def test_batchget_wants_post(caller: Caller) -> None:
    response = caller.http.get(
        caller.url(BATCHGET), params={"access_token": caller.token()}, timeout=5
    )
    assert response.json()["errcode"] == 43002


def test_unknown_paths_are_json_404s(caller: Caller) -> None:
    for path in ("/", "/cgi-bin/express/business/order/add", "/favicon.ico"):
        response = caller.http.get(caller.url(path), timeout=5)
        assert response.status_code == 404
        assert response.json()["errcode"] == 40066


def test_stats_count_calls_per_path_and_reset(caller: Caller) -> None:
    token = caller.token()
    caller.batchget(orders("A", "B", "C"), token=token)
    caller.batchget(orders("D"), token=token)
    stats = caller.server.stats
    assert stats.calls(BATCHGET) == 2
    assert stats.calls("/cgi-bin/stable_token") == 1
    assert stats.batch_sizes == [3, 1]
    assert stats.tokens_issued == [token]
    stats.reset()
    assert (stats.calls(BATCHGET), stats.batch_sizes, stats.tokens_issued) == (0, [], [])
