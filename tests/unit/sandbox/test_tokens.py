"""Token issuance and invalidation, classic and stable, over real HTTP with a fake clock."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from app.sandbox.server import SandboxServer
from tests.fixtures.sandbox import FakeClock
from tests.unit.sandbox.support import Caller, orders


def _errcode(caller: Caller, token: str) -> int:
    return int(caller.batchget(orders("ORD1"), token=token)["errcode"])


def test_classic_token_is_issued_with_its_lifetime(caller: Caller) -> None:
    answer = caller.classic()
    assert answer["expires_in"] == 7200
    assert 16 <= len(answer["access_token"]) <= 512
    assert caller.server.issued_tokens() == [answer["access_token"]]
    assert caller.server.stats.tokens_issued == [answer["access_token"]]


def test_each_classic_call_supersedes_the_previous_after_five_minutes(
    clocked_caller: Caller, sandbox_clock: FakeClock
) -> None:
    first = clocked_caller.classic()["access_token"]
    second = clocked_caller.classic()["access_token"]
    assert first != second
    assert _errcode(clocked_caller, first) == 0  # the 5-minute overlap
    sandbox_clock.advance(299)
    assert _errcode(clocked_caller, first) == 0
    sandbox_clock.advance(1)
    assert _errcode(clocked_caller, first) == 40001
    assert _errcode(clocked_caller, second) == 0


def test_classic_token_expires_with_42001(clocked_caller: Caller, sandbox_clock: FakeClock) -> None:
    token = clocked_caller.classic()["access_token"]
    sandbox_clock.advance(7199)
    assert _errcode(clocked_caller, token) == 0
    sandbox_clock.advance(1)
    assert _errcode(clocked_caller, token) == 42001


def test_stable_token_is_shared_and_counts_down(
    clocked_caller: Caller, sandbox_clock: FakeClock
) -> None:
    first = clocked_caller.stable()
    sandbox_clock.advance(1000)
    second = clocked_caller.stable()
    assert second["access_token"] == first["access_token"]
    assert first["expires_in"] == 7200
    assert second["expires_in"] == 6200
    assert len(clocked_caller.server.issued_tokens()) == 1


def test_stable_token_rolls_over_five_minutes_before_expiry(
    clocked_caller: Caller, sandbox_clock: FakeClock
) -> None:
    old = clocked_caller.stable()["access_token"]
    sandbox_clock.advance(7200 - 300)
    new = clocked_caller.stable()
    assert new["access_token"] != old
    assert new["expires_in"] == 7200
    assert _errcode(clocked_caller, old) == 0  # lives out its own time
    sandbox_clock.advance(300)
    assert _errcode(clocked_caller, old) == 42001
    assert _errcode(clocked_caller, new["access_token"]) == 0


def test_stable_and_classic_tokens_are_independent(clocked_caller: Caller) -> None:
    stable = clocked_caller.stable()["access_token"]
    classic = clocked_caller.classic()["access_token"]
    clocked_caller.classic()
    assert stable != classic
    assert clocked_caller.stable()["access_token"] == stable
    assert _errcode(clocked_caller, stable) == 0


def test_force_refresh_invalidates_the_old_stable_token_at_once(
    clocked_caller: Caller, sandbox_clock: FakeClock
) -> None:
    old = clocked_caller.stable()["access_token"]
    new = clocked_caller.stable(force_refresh=True)["access_token"]
    assert new != old
    assert _errcode(clocked_caller, old) == 40001
    assert _errcode(clocked_caller, new) == 0
    assert clocked_caller.stable()["access_token"] == new


def test_force_refresh_is_limited_to_every_30_seconds_and_20_a_day(
    clocked_caller: Caller, sandbox_clock: FakeClock
) -> None:
    sandbox_clock.now = 86400 * 20000  # the start of a day
    assert "access_token" in clocked_caller.stable(force_refresh=True)
    sandbox_clock.advance(29)
    assert clocked_caller.stable(force_refresh=True)["errcode"] == 45011
    for _ in range(19):
        sandbox_clock.advance(30)
        assert "access_token" in clocked_caller.stable(force_refresh=True)
    sandbox_clock.advance(30)
    assert clocked_caller.stable(force_refresh=True)["errcode"] == 45009
    sandbox_clock.advance(86400)
    assert "access_token" in clocked_caller.stable(force_refresh=True)


@pytest.mark.parametrize(
    ("overrides", "errcode"),
    [
        ({"grant_type": "password"}, 40002),
        ({"appid": "wx0000000000000000"}, 40013),
        ({"appid": ""}, 41002),
        ({"secret": "0" * 32}, 40125),
        ({"secret": ""}, 41004),
    ],
)
def test_credential_errors_at_both_token_endpoints(
    caller: Caller, overrides: dict[str, Any], errcode: int
) -> None:
    assert caller.classic(**overrides)["errcode"] == errcode
    assert caller.stable(**overrides)["errcode"] == errcode
    assert caller.server.issued_tokens() == []


def test_stable_token_body_must_be_json(caller: Caller) -> None:
    answer = caller.http.post(
        caller.url("/cgi-bin/stable_token"), data={"grant_type": "client_credential"}, timeout=5
    ).json()
    assert answer["errcode"] == 47001


def test_token_endpoints_want_their_methods(caller: Caller) -> None:
    assert caller.http.post(caller.url("/cgi-bin/token"), timeout=5).json()["errcode"] == 43001
    assert (
        caller.http.get(caller.url("/cgi-bin/stable_token"), timeout=5).json()["errcode"] == 43002
    )


def test_token_lifetime_follows_the_constructor(sandbox_clock: FakeClock) -> None:
    server = SandboxServer(token_ttl=600, clock=sandbox_clock)
    with server, requests.Session() as session:
        caller = Caller(server, session)
        assert caller.classic()["expires_in"] == 600
        token = caller.stable()["access_token"]
        sandbox_clock.advance(600)
        assert _errcode(caller, token) == 42001


def test_missing_and_unknown_tokens(caller: Caller) -> None:
    assert _errcode(caller, "") == 41001
    assert _errcode(caller, "80_not-a-token-this-sandbox-issued") == 40001
    answer = caller.http.post(
        caller.url("/cgi-bin/express/business/order/batchget"),
        json={"order_list": orders("ORD1")},
        timeout=5,
    ).json()
    assert answer["errcode"] == 41001
