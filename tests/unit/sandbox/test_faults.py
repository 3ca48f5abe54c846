"""Each fault switch, flipped at runtime between real HTTP calls."""

from __future__ import annotations

import base64
import binascii
import json

import pytest
import requests

from app.sandbox.faults import Faults
from app.sandbox.server import SandboxServer
from tests.unit.sandbox.support import BATCHGET, GET_ORDER, GETALL, Caller, orders


@pytest.mark.parametrize(("counter", "errcode"), [("system_busy", -1), ("too_frequent", 45011)])
def test_error_counters_fail_exactly_the_next_n_calls(
    caller: Caller, counter: str, errcode: int
) -> None:
    token = caller.token()
    setattr(caller.server.faults, counter, 2)
    assert caller.batchget(orders("A"), token=token)["errcode"] == errcode
    assert caller.get_order(orders("A")[0], token=token)["errcode"] == errcode
    assert caller.batchget(orders("A"), token=token)["errcode"] == 0
    assert getattr(caller.server.faults, counter) == 0


def test_system_busy_message(caller: Caller) -> None:
    token = caller.token()
    caller.server.faults.system_busy = 1
    assert caller.batchget(orders("A"), token=token) == {"errcode": -1, "errmsg": "system error"}


def test_token_endpoints_do_not_consume_api_faults(caller: Caller) -> None:
    caller.server.faults.system_busy = 1
    caller.server.faults.http_500 = 1
    assert "access_token" in caller.classic()
    assert "access_token" in caller.stable()
    assert (caller.server.faults.system_busy, caller.server.faults.http_500) == (1, 1)


def test_http_500(caller: Caller) -> None:
    token = caller.token()
    caller.server.faults.http_500 = 1
    response = caller.batchget_raw(orders("A"), token=token)
    assert response.status_code == 500
    assert caller.batchget_raw(orders("A"), token=token).status_code == 200


def test_malformed_json_is_a_truncated_body_with_http_200(caller: Caller) -> None:
    token = caller.token()
    caller.server.faults.malformed_json = 1
    response = caller.batchget_raw(orders("A"), token=token)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert caller.batchget(orders("A"), token=token)["errcode"] == 0


def test_quota_exhausted_stays_until_switched_off(caller: Caller) -> None:
    token = caller.token()
    caller.server.faults.quota_exhausted = True
    for _ in range(3):
        assert caller.batchget(orders("A"), token=token)["errcode"] == 45009
    response = caller.http.get(caller.url(GETALL), params={"access_token": token}, timeout=5)
    assert response.json()["errcode"] == 45009
    caller.server.faults.quota_exhausted = False
    assert caller.batchget(orders("A"), token=token)["errcode"] == 0


def test_ip_not_whitelisted_hits_tokens_and_calls(caller: Caller) -> None:
    token = caller.token()
    caller.server.faults.ip_not_whitelisted = True
    assert caller.classic()["errcode"] == 40164
    answer = caller.batchget(orders("A"), token=token)
    assert answer["errcode"] == 40164
    assert "127.0.0.1" in answer["errmsg"]


def test_expire_token_after_n_successful_batches(caller: Caller) -> None:
    caller.server.faults.expire_token_after = 2
    token = caller.token()
    assert caller.batchget(orders("A"), token=token)["errcode"] == 0
    assert caller.batchget(orders("B"), token=token)["errcode"] == 0
    assert caller.batchget(orders("C"), token=token)["errcode"] == 42001
    fresh = caller.token()
    assert fresh != token
    assert caller.batchget(orders("C"), token=fresh)["errcode"] == 0
    assert caller.server.faults.expire_token_after is None


def test_expire_token_after_zero_expires_before_the_next_batch(caller: Caller) -> None:
    token = caller.token()
    caller.server.faults.expire_token_after = 0
    assert caller.batchget(orders("A"), token=token)["errcode"] == 42001


def test_slow_seconds_outlasts_a_client_timeout(caller: Caller) -> None:
    token = caller.token()
    caller.server.faults.slow_seconds = 2.0
    with pytest.raises(requests.ReadTimeout):
        caller.batchget_raw(orders("A"), token=token, timeout=0.2)
    caller.server.faults.slow_seconds = 0.0
    assert caller.batchget(orders("A"), token=token)["errcode"] == 0


def test_drop_item_omits_the_last_in_request_order(caller: Caller) -> None:
    caller.server.faults.drop_item = True
    answer = caller.batchget(orders("A", "B", "C"))
    assert sorted(i["order_id"] for i in answer["order_list"]) == ["A", "B"]


def test_corrupt_base64_and_empty_label(caller: Caller) -> None:
    caller.server.faults.corrupt_base64 = True
    items = caller.items_by_key(orders("A", "B")).values()
    for item in items:
        with pytest.raises(binascii.Error):
            base64.b64decode(item["print_html"], validate=True)
    caller.server.faults.corrupt_base64 = False
    caller.server.faults.empty_label = True
    assert {i["print_html"] for i in caller.items_by_key(orders("A", "B")).values()} == {""}


def test_cancel_all(caller: Caller) -> None:
    caller.server.faults.cancel_all = True
    items = caller.items_by_key(orders("A", "B"))
    assert {i["order_status"] for i in items.values()} == {1}
    assert caller.get_order(orders("C")[0])["order_status"] == 1


def test_faults_can_be_handed_in_or_replaced() -> None:
    with SandboxServer(faults=Faults(system_busy=1)) as server, requests.Session() as http:
        caller = Caller(server, http)
        token = caller.token()
        assert caller.batchget(orders("A"), token=token)["errcode"] == -1
        server.faults = Faults(too_frequent=1)
        assert caller.batchget(orders("A"), token=token)["errcode"] == 45011
        assert server.stats.calls(BATCHGET) == 2
        assert server.stats.calls(GET_ORDER) == 0


def test_counters_fire_once_each_in_order() -> None:
    faults = Faults(system_busy=1, too_frequent=1)
    assert faults.take("system_busy")
    assert not faults.take("system_busy")
    assert faults.take("too_frequent")
    assert (faults.system_busy, faults.too_frequent) == (0, 0)


def test_latency_is_settable(caller: Caller) -> None:
    caller.server.latency = 2.0
    with pytest.raises(requests.ReadTimeout):
        caller.http.get(caller.url(GETALL), timeout=0.1)
    caller.server.latency = 0.0
    assert caller.http.get(caller.url(GETALL), timeout=5).json()["errcode"] == 41001
