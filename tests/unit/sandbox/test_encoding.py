"""The sandbox answers compact UTF-8 JSON, also for what orjson alone cannot encode."""

from __future__ import annotations

import json

from app.sandbox.encoding import encode
from tests.unit.sandbox.support import Caller, orders


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
