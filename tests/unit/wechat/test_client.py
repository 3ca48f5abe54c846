"""WeChatClient over real loopback HTTP against the sandbox: splitting, matching, faults."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
import requests

from app.core.model import ApiItem, OrderRef
from app.sandbox.server import SandboxServer
from app.wechat.client import WeChatClient
from app.wechat.errors import (
    BAD_RESPONSE,
    CANCELLED,
    HTTP_ERROR,
    NO_ANSWER,
    TRANSPORT,
    ApiError,
    ConfigError,
    info_for,
)
from app.wechat.items import answers_by_key, item_from
from app.wechat.tokens import StableTokenSource, StaticTokenSource, Token, TokenCache

from .conftest import SleepRecorder

BATCHGET = "/cgi-bin/express/business/order/batchget"
GET_ORDER = "/cgi-bin/express/business/order/get"
STABLE = "/cgi-bin/stable_token"

MakeClient = Callable[..., WeChatClient]


def refs(n: int, prefix: str = "ORD", carrier: str = "TEST") -> list[OrderRef]:
    return [OrderRef(f"{prefix}{i:05d}", carrier) for i in range(n)]


def assert_one_per_ref(items: list[ApiItem], wanted: list[OrderRef]) -> None:
    assert [item.ref for item in items] == wanted


def test_250_refs_are_split_into_three_calls_with_one_token(
    server: SandboxServer, make_client: MakeClient
) -> None:
    wanted = refs(250, carrier="SF")
    items = make_client().batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    assert all(item.errcode == 0 and item.print_html for item in items)
    assert sorted(server.stats.batch_sizes) == [50, 100, 100]
    assert server.stats.calls(BATCHGET) == 3
    assert server.stats.calls(STABLE) == 1


def test_shuffled_answers_are_matched_to_their_refs(make_client: MakeClient) -> None:
    wanted = refs(30)
    items = make_client().batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    # TEST waybill ids are "<order_id>_<ts>_waybill_id": each item carries its own order's.
    for ref, item in zip(wanted, items, strict=True):
        assert item.waybill_id is not None and item.waybill_id.startswith(ref.order_id + "_")
        assert item.order_status == 0 and item.hint is None


def test_waybill_data_becomes_key_value_pairs(make_client: MakeClient) -> None:
    items = make_client().batch_get_orders(refs(5, carrier="SF"))
    for item in items:
        keys = [key for key, _ in item.waybill_data]
        assert keys == ["SF_bagAddr", "SF_mark"]
        assert all(isinstance(value, str) and value for _, value in item.waybill_data)


def test_the_same_order_is_asked_once_and_answered_for_each_occurrence(
    server: SandboxServer, make_client: MakeClient
) -> None:
    a, b = OrderRef("ORDA", "TEST"), OrderRef("ORDB", "TEST")
    wanted = [a, b, a, OrderRef("ORDA", "SF")]
    items = make_client().batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    assert items[0] == items[2]
    assert server.stats.batch_sizes == [3]


def test_an_omitted_order_gets_no_answer_and_only_that_one(
    make_client: MakeClient,
) -> None:
    wanted = [*refs(5), OrderRef("DROP-1", "TEST"), *refs(5, prefix="X")]
    items = make_client().batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    assert [item.errcode for item in items] == [0] * 5 + [NO_ANSWER] + [0] * 5
    assert items[5].hint == info_for(NO_ANSWER).hint
    assert "fetch it again" in items[5].hint.en


def test_drop_item_fault_costs_one_order_per_call(
    server: SandboxServer, make_client: MakeClient
) -> None:
    server.faults.drop_item = True
    items = make_client(batch_size=10).batch_get_orders(refs(30))
    missing = [item for item in items if item.errcode == NO_ANSWER]
    assert len(missing) == 3
    assert len({item.ref.order_id[:-1] for item in missing}) == 3  # one in each call of 10


def test_per_order_errors_and_cancelled_orders_pass_through(make_client: MakeClient) -> None:
    wanted = [OrderRef("MISSING1", "TEST"), OrderRef("CANCEL1", "TEST"), OrderRef("OK1", "TEST")]
    wanted += [OrderRef("OK2", "NOSUCHCARRIER"), OrderRef("CARRIERERR1", "SF")]
    items = make_client().batch_get_orders(wanted)
    assert [item.errcode for item in items] == [930563, 0, 0, 9300503, 9300501]
    assert "月结卡号" in items[4].errmsg  # the carrier's own reason is kept
    assert items[0].hint == info_for(930563).hint
    assert items[1].order_status == 1
    assert items[3].hint == info_for(9300503).hint


def test_system_busy_within_the_bound_succeeds_after_backoff(
    server: SandboxServer, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    server.faults.system_busy = 2
    items = make_client(max_api_retries=3, backoff=0.5).batch_get_orders(refs(3))
    assert all(item.errcode == 0 for item in items)
    assert sleeps.calls == [0.5, 1.0]
    assert server.stats.calls(BATCHGET) == 3


def test_system_busy_beyond_the_bound_fails_the_call_after_bounded_retries(
    server: SandboxServer, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    server.faults.system_busy = 100
    wanted = refs(3)
    items = make_client(max_api_retries=3, backoff=0.5).batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    assert {item.errcode for item in items} == {-1}
    assert items[0].hint == info_for(-1).hint
    assert server.stats.calls(BATCHGET) == 3 + 1
    assert sleeps.calls == [0.5, 1.0, 2.0]


def test_too_frequent_backs_off_and_retries(
    server: SandboxServer, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    server.faults.too_frequent = 1
    items = make_client(backoff=0.25).batch_get_orders(refs(2))
    assert all(item.errcode == 0 for item in items)
    assert sleeps.calls == [0.25]
    assert server.stats.calls(BATCHGET) == 2


def test_http_500_is_retried_by_the_session(
    server: SandboxServer, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    server.faults.http_500 = 2
    items = make_client().batch_get_orders(refs(2))
    assert all(item.errcode == 0 for item in items)
    assert server.stats.calls(BATCHGET) == 3
    assert sleeps.calls == []  # HTTP retries belong to urllib3, not the API backoff


def test_persistent_http_500_fails_the_call_after_the_session_retries(
    server: SandboxServer, make_client: MakeClient
) -> None:
    server.faults.http_500 = 100
    items = make_client().batch_get_orders(refs(2))
    assert {item.errcode for item in items} == {HTTP_ERROR}
    assert "500" in items[0].errmsg
    assert server.stats.calls(BATCHGET) == 1 + 3  # the session fixture retries 3 times


def test_a_slow_server_beyond_the_read_timeout_fails_the_call_bounded(
    server: SandboxServer, make_client: MakeClient
) -> None:
    server.faults.slow_seconds = 5.0
    items = make_client(timeout=(2.0, 0.3)).batch_get_orders(refs(2))
    assert {item.errcode for item in items} == {TRANSPORT}
    assert "in time" in items[0].errmsg
    assert server.stats.calls(BATCHGET) == 2  # one read retry, no more


def test_malformed_json_fails_only_its_own_call(
    server: SandboxServer, make_client: MakeClient
) -> None:
    server.faults.malformed_json = 1
    wanted = refs(15, carrier="SF")
    items = make_client(concurrency=1, batch_size=10).batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    assert {item.errcode for item in items[:10]} == {BAD_RESPONSE}
    assert {item.errcode for item in items[10:]} == {0}
    assert items[0].hint == info_for(BAD_RESPONSE).hint


def test_quota_exhausted_is_not_retried_and_stops_later_calls(
    server: SandboxServer, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    server.faults.quota_exhausted = True
    wanted = refs(250)
    items = make_client(concurrency=1).batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    assert {item.errcode for item in items} == {45009}
    assert items[0].hint == info_for(45009).hint
    assert server.stats.calls(BATCHGET) == 1
    assert sleeps.calls == []


def test_an_expired_token_mid_batch_is_refreshed_once(
    server: SandboxServer, make_client: MakeClient
) -> None:
    server.faults.expire_token_after = 1
    wanted = refs(30, carrier="SF")
    items = make_client(concurrency=1, batch_size=10).batch_get_orders(wanted)
    assert all(item.errcode == 0 for item in items)
    assert len(server.stats.tokens_issued) == 2
    assert server.stats.calls(BATCHGET) == 3 + 1
    assert server.stats.calls(STABLE) == 2


def test_parallel_calls_hit_by_one_expiry_share_one_new_token(
    server: SandboxServer, make_client: MakeClient
) -> None:
    server.faults.expire_token_after = 0  # the tokens expire as the first call arrives
    wanted = refs(40, carrier="SF")
    items = make_client(concurrency=4, batch_size=10).batch_get_orders(wanted)
    assert all(item.errcode == 0 for item in items)
    assert len(server.stats.tokens_issued) == 2
    assert server.stats.calls(STABLE) == 2
    assert 4 + 1 <= server.stats.calls(BATCHGET) <= 4 + 4


class SameTokenSource:
    """Always the same token, however often it is asked for a new one."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.fetches = 0

    def fetch(self, force: bool = False) -> Token:
        self.fetches += 1
        return Token(self.value, 1e12)

    def describe(self) -> str:
        return "same token"


def test_a_second_token_failure_is_not_retried_again(
    server: SandboxServer, make_client: MakeClient
) -> None:
    source = SameTokenSource("NEVER_ISSUED_TOKEN")
    wanted = refs(3)
    items = make_client(tokens=TokenCache(source)).batch_get_orders(wanted)
    assert {item.errcode for item in items} == {40001}
    assert server.stats.calls(BATCHGET) == 2
    assert source.fetches == 2
    assert all("NEVER_ISSUED_TOKEN" not in item.errmsg for item in items)


def test_a_rejected_static_token_is_a_config_error(
    server: SandboxServer, make_client: MakeClient
) -> None:
    client = make_client(tokens=TokenCache(StaticTokenSource("STALE_PLATFORM_TOKEN")))
    with pytest.raises(ConfigError) as caught:
        client.batch_get_orders(refs(250))
    assert "rejected" in str(caught.value)
    assert "STALE_PLATFORM_TOKEN" not in str(caught.value)
    assert server.stats.calls(BATCHGET) >= 1


def test_a_valid_static_token_works(server: SandboxServer, make_client: MakeClient) -> None:
    token, _ = server._tokens.stable(force_refresh=False)
    client = make_client(tokens=TokenCache(StaticTokenSource(token)))
    assert client.get_order(OrderRef("ORD1", "TEST")).errcode == 0


def test_wrong_secret_propagates_as_config_error(
    server: SandboxServer, session: requests.Session, make_client: MakeClient
) -> None:
    source = StableTokenSource(session, server.base_url, server.appid, "WRONG_SECRET_VALUE")
    client = make_client(tokens=TokenCache(source))
    with pytest.raises(ConfigError) as caught:
        client.batch_get_orders(refs(120))
    assert caught.value.code == 40125
    assert "WRONG_SECRET_VALUE" not in str(caught.value)
    assert server.stats.calls(BATCHGET) == 0


def test_ip_not_whitelisted_on_a_call_is_a_config_error(
    server: SandboxServer, make_client: MakeClient
) -> None:
    client = make_client()
    assert client.get_order(OrderRef("ORD1", "TEST")).errcode == 0
    server.faults.ip_not_whitelisted = True
    with pytest.raises(ConfigError) as caught:
        client.batch_get_orders(refs(5))
    assert caught.value.code == 40164
    assert "whitelist" in caught.value.hint.en


def test_eight_threads_share_one_token_fetch(
    server: SandboxServer, make_client: MakeClient
) -> None:
    client = make_client(concurrency=8)
    start = threading.Barrier(8)
    results: list[ApiItem] = []

    def work(i: int) -> None:
        start.wait(5)
        results.append(client.get_order(OrderRef(f"ORD{i}", "TEST")))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert [item.errcode for item in results] == [0] * 8
    assert server.stats.calls(STABLE) == 1
    assert len(server.stats.tokens_issued) == 1


def test_connection_refused_answers_every_ref_with_transport(
    server: SandboxServer, make_client: MakeClient
) -> None:
    client = make_client(batch_size=10)
    assert client.get_order(OrderRef("ORD1", "TEST")).errcode == 0  # token is cached now
    server.stop()
    wanted = refs(25)
    items = client.batch_get_orders(wanted)
    assert_one_per_ref(items, wanted)
    assert {item.errcode for item in items} == {TRANSPORT}
    assert "connect" in items[0].errmsg
    assert items[0].hint is not None and "proxy" in items[0].hint.en


def test_an_unreachable_token_endpoint_answers_every_ref_with_transport(
    server: SandboxServer, make_client: MakeClient
) -> None:
    client = make_client()
    server.stop()
    items = client.batch_get_orders(refs(3))
    assert {item.errcode for item in items} == {TRANSPORT}


def test_cancel_before_start_answers_cancelled_without_calls(
    server: SandboxServer, make_client: MakeClient
) -> None:
    cancel = threading.Event()
    cancel.set()
    wanted = refs(120)
    items = make_client().batch_get_orders(wanted, cancel=cancel)
    assert_one_per_ref(items, wanted)
    assert {item.errcode for item in items} == {CANCELLED}
    assert items[0].hint == info_for(CANCELLED).hint
    assert server.stats.calls(BATCHGET) == 0


def test_cancel_during_a_fetch_stops_the_calls_not_yet_made(
    server: SandboxServer, make_client: MakeClient
) -> None:
    cancel = threading.Event()
    batches: list[list[ApiItem]] = []

    def on_batch(items: list[ApiItem]) -> None:
        batches.append(items)
        cancel.set()

    wanted = refs(30)
    items = make_client(concurrency=1, batch_size=10).batch_get_orders(
        wanted, on_batch=on_batch, cancel=cancel
    )
    assert_one_per_ref(items, wanted)
    assert [item.errcode for item in items] == [0] * 10 + [CANCELLED] * 20
    assert server.stats.calls(BATCHGET) == 1
    assert len(batches) == 3  # cancelled calls are reported too, so progress adds up


def test_on_batch_gets_each_calls_items_from_a_worker_thread(make_client: MakeClient) -> None:
    seen: list[tuple[str, list[ApiItem]]] = []
    lock = threading.Lock()

    def on_batch(items: list[ApiItem]) -> None:
        with lock:
            seen.append((threading.current_thread().name, items))

    wanted = refs(25)
    items = make_client(batch_size=10).batch_get_orders(wanted, on_batch=on_batch)
    assert sorted(len(batch) for _, batch in seen) == [5, 10, 10]
    assert sorted(item.ref.order_id for _, batch in seen for item in batch) == [
        ref.order_id for ref in wanted
    ]
    assert all(name != threading.current_thread().name for name, _ in seen)
    assert {item.ref for _, batch in seen for item in batch} == {item.ref for item in items}


def test_empty_input_makes_no_call(server: SandboxServer, make_client: MakeClient) -> None:
    assert make_client().batch_get_orders([]) == []
    assert server.stats.calls(BATCHGET) == 0


def test_get_order_answers_ok_and_per_order_errors(
    server: SandboxServer, make_client: MakeClient
) -> None:
    client = make_client()
    ok = client.get_order(OrderRef("ORD1", "TEST"), print_type=1)
    assert ok.errcode == 0 and ok.print_html and ok.waybill_id
    missing = client.get_order(OrderRef("MISSING9", "TEST"))
    assert missing.errcode == 930563 and missing.hint == info_for(930563).hint
    assert missing.ref == OrderRef("MISSING9", "TEST")
    bad = client.get_order(OrderRef("ORD1", "TEST"), print_type=7)
    assert bad.errcode == 930561
    assert server.stats.calls(GET_ORDER) == 3


def test_get_all_delivery_lists_the_carriers(make_client: MakeClient) -> None:
    carriers = make_client().get_all_delivery()
    ids = {carrier.delivery_id for carrier in carriers}
    assert {"TEST", "SF"} <= ids
    assert all(carrier.delivery_name for carrier in carriers)


def test_get_all_delivery_raises_when_the_call_fails(
    server: SandboxServer, make_client: MakeClient
) -> None:
    server.faults.quota_exhausted = True
    with pytest.raises(ApiError) as caught:
        make_client().get_all_delivery()
    assert caught.value.code == 45009


def test_constructor_refuses_bad_settings(server: SandboxServer, session: requests.Session) -> None:
    tokens = TokenCache(StaticTokenSource("x"))
    with pytest.raises(ValueError, match="plain http"):
        WeChatClient(session, "http://api.example.com", tokens)
    with pytest.raises(ValueError, match="batch_size"):
        WeChatClient(session, server.base_url, tokens, batch_size=101)
    with pytest.raises(ValueError, match="concurrency"):
        WeChatClient(session, server.base_url, tokens, concurrency=0)


def test_a_closed_client_refuses_work(make_client: MakeClient) -> None:
    client = make_client()
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.batch_get_orders(refs(1))


def test_no_token_or_secret_in_logs_errors_or_results(
    server: SandboxServer,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(concurrency=1, batch_size=20)
    server.faults.expire_token_after = 1
    server.faults.system_busy = 1
    server.faults.http_500 = 1
    items = client.batch_get_orders([*refs(50), OrderRef("MISSING1", "TEST")])
    server.faults.slow_seconds = 5.0
    impatient = make_client(tokens=client._tokens, timeout=(2.0, 0.2))
    items += impatient.batch_get_orders(refs(2, prefix="S"))
    assert {item.errcode for item in items[-2:]} == {TRANSPORT}
    server.faults.slow_seconds = 0.0
    server.stop()
    items += client.batch_get_orders(refs(2, prefix="R"))
    texts = [caplog.text, *(r.getMessage() for r in caplog.records)]
    texts += [str(item) for item in items] + [repr(item) for item in items]
    texts.append(repr(client))
    issued = server.stats.tokens_issued
    assert len(issued) == 2
    assert any("/order/batchget -> HTTP 200" in r.getMessage() for r in caplog.records)
    for secret in [*issued, server.secret]:
        assert all(secret not in text for text in texts)


def test_item_parsing_is_defensive() -> None:
    ref = OrderRef("A", "TEST")
    good = item_from(
        {
            "errcode": 0,
            "order_id": "A",
            "delivery_id": "TEST",
            "waybill_id": 12345,
            "waybill_data": [{"key": "k", "value": 1}, "junk", {"value": "no key"}],
        },
        ref,
    )
    assert good.errcode == 0 and good.waybill_id == "12345" and good.print_html == ""
    assert good.waybill_data == (("k", "1"),)
    for broken in (
        {"errcode": "0"},
        {"errcode": True},
        {"print_html": 5},
        {"order_status": "1"},
        {"waybill_data": {"k": "v"}},
        {"waybill_id": ["x"]},
    ):
        item = item_from(broken, ref)
        assert item.errcode == BAD_RESPONSE, broken
        assert item.hint == info_for(BAD_RESPONSE).hint


def test_answers_are_keyed_by_order_and_carrier_ignoring_junk() -> None:
    answered = answers_by_key(
        {"order_list": [{"order_id": 1, "delivery_id": "SF"}, "junk", {"order_id": "x"}]}, []
    )
    assert answered is not None and list(answered) == [("1", "SF")]
    assert answers_by_key({"order_list": {"a": 1}}, []) is None
