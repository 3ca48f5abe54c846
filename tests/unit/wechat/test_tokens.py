"""Token sources and the shared token cache (the endpoint sources against the sandbox)."""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from app.core.model import OrderRef
from app.sandbox.server import SandboxServer
from app.wechat.client import WeChatClient
from app.wechat.errors import NOT_CONFIGURED, ApiError, ConfigError, TransportError, info_for
from app.wechat.http import make_session
from app.wechat.tokens import (
    ClassicTokenSource,
    CommandTokenSource,
    StableTokenSource,
    StaticTokenSource,
    Token,
    TokenCache,
)


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class CountingSource:
    """Hands out tok1, tok2, ... each living `ttl` seconds; records each fetch's `force`."""

    def __init__(self, clock: FakeClock, ttl: float = 7200.0, delay: threading.Event | None = None):
        self.clock = clock
        self.ttl = ttl
        self.forces: list[bool] = []
        self.gate = delay
        self._lock = threading.Lock()

    def fetch(self, force: bool = False) -> Token:
        if self.gate is not None:
            self.gate.wait(5)
        with self._lock:
            self.forces.append(force)
            return Token(f"tok{len(self.forces)}", self.clock() + self.ttl)

    def describe(self) -> str:
        return "counting source"


def test_token_repr_and_str_hide_the_value() -> None:
    token = Token("VERYSECRETVALUE", 12.0)
    assert "VERYSECRETVALUE" not in repr(token)
    assert "VERYSECRETVALUE" not in str(token)
    assert "12.0" in repr(token)


def test_cache_fetches_once_and_reuses() -> None:
    clock = FakeClock()
    source = CountingSource(clock)
    cache = TokenCache(source, clock=clock)
    assert [cache.get() for _ in range(5)] == ["tok1"] * 5
    assert source.forces == [False]


def test_eight_threads_asking_at_once_cause_one_fetch() -> None:
    clock = FakeClock()
    gate = threading.Event()
    source = CountingSource(clock, delay=gate)
    cache = TokenCache(source, clock=clock)
    start = threading.Barrier(8)
    got: list[str] = []

    def ask() -> None:
        start.wait(5)
        got.append(cache.get())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert got == ["tok1"] * 8
    assert len(source.forces) == 1


def test_cache_renews_margin_seconds_before_expiry() -> None:
    clock = FakeClock()
    source = CountingSource(clock, ttl=7200)
    cache = TokenCache(source, clock=clock, margin=300)
    assert cache.get() == "tok1"
    clock.now += 7200 - 301
    assert cache.get() == "tok1"
    clock.now += 1
    assert cache.get() == "tok2"
    assert source.forces == [False, False]


def test_short_lived_tokens_are_used_for_half_their_life() -> None:
    clock = FakeClock()
    source = CountingSource(clock, ttl=100)
    cache = TokenCache(source, clock=clock, margin=300)
    assert cache.get() == "tok1"
    assert cache.get() == "tok1"  # not refetched on every call although ttl < margin
    clock.now += 50
    assert cache.get() == "tok2"


def test_invalidate_drops_only_the_token_that_failed() -> None:
    clock = FakeClock()
    source = CountingSource(clock)
    cache = TokenCache(source, clock=clock)
    assert cache.get() == "tok1"
    cache.invalidate("tok1")
    assert cache.get() == "tok2"
    cache.invalidate("tok1")  # a slower thread reporting the old failure
    assert cache.get() == "tok2"
    assert source.forces == [False, True]


def test_a_failed_fetch_caches_nothing() -> None:
    clock = FakeClock()

    class Failing:
        calls = 0

        def fetch(self, force: bool = False) -> Token:
            self.calls += 1
            if self.calls == 1:
                raise ConfigError(40125, "invalid appsecret")
            return Token("good", clock() + 7200)

        def describe(self) -> str:
            return "failing"

    cache = TokenCache(Failing(), clock=clock)
    with pytest.raises(ConfigError):
        cache.get()
    assert cache.get() == "good"
    assert "good" not in repr(cache)


def test_static_source_returns_the_token_and_reports_a_rejection() -> None:
    source = StaticTokenSource("  AUTHORIZER_TOKEN\n")
    assert source.fetch().value == "AUTHORIZER_TOKEN"
    assert "AUTHORIZER_TOKEN" not in repr(source)
    with pytest.raises(ConfigError) as caught:
        source.fetch(force=True)
    assert "rejected" in str(caught.value)
    assert "AUTHORIZER_TOKEN" not in str(caught.value)
    assert caught.value.hint.zh


def test_static_source_refuses_an_empty_token() -> None:
    with pytest.raises(ConfigError):
        StaticTokenSource("   ")


def test_static_token_rejection_surfaces_through_the_cache() -> None:
    cache = TokenCache(StaticTokenSource("T1"))
    assert cache.get() == "T1"
    cache.invalidate("T1")
    with pytest.raises(ConfigError, match="rejected"):
        cache.get()


def _counter_command(tmp_path: Path, extra: str = "") -> list[str]:
    counter = tmp_path / "count.txt"
    script = (
        "import pathlib, sys\n"
        f"p = pathlib.Path({str(counter)!r})\n"
        "n = int(p.read_text()) + 1 if p.exists() else 1\n"
        "p.write_text(str(n))\n"
        f"print(f'CMDTOKEN{{n}} {extra}')\n"
    )
    return [sys.executable, "-c", script]


def test_command_source_runs_the_command_each_fetch(tmp_path: Path) -> None:
    clock = FakeClock()
    source = CommandTokenSource(_counter_command(tmp_path), timeout=30, ttl=600, clock=clock)
    first = source.fetch()
    assert first.value == "CMDTOKEN1"
    assert first.expires_at == clock.now + 600
    assert source.fetch(force=True).value == "CMDTOKEN2"
    assert (tmp_path / "count.txt").read_text() == "2"


def test_command_source_reads_an_optional_expires_in(tmp_path: Path) -> None:
    clock = FakeClock()
    source = CommandTokenSource(_counter_command(tmp_path, "120"), timeout=30, clock=clock)
    assert source.fetch().expires_at == clock.now + 120


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([sys.executable, "-c", "import sys; print('PRINTED'); sys.exit(3)"], "status 3"),
        ([sys.executable, "-c", "print('')"], "no usable token"),
        (["/nonexistent/token-helper"], "not found"),
        ([sys.executable, "-c", "print('PRINTED soon')"], "expires_in"),
    ],
)
def test_command_source_failures_are_config_errors_without_output(
    argv: list[str], words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        CommandTokenSource(argv, timeout=30).fetch()
    assert caught.value.code == NOT_CONFIGURED
    assert words in str(caught.value)
    assert "PRINTED" not in str(caught.value)


def test_command_source_timeout_is_bounded() -> None:
    argv = [sys.executable, "-c", "import time; time.sleep(30)"]
    with pytest.raises(ConfigError, match="did not finish"):
        CommandTokenSource(argv, timeout=0.5).fetch()


def test_command_source_refuses_an_empty_command() -> None:
    with pytest.raises(ConfigError):
        CommandTokenSource([])


# ---- the endpoint sources against the sandbox -----------------------------------------


def _sources(
    server: SandboxServer, session: requests.Session, secret: str | None = None, **kw: Any
) -> list[StableTokenSource | ClassicTokenSource]:
    args = (session, server.base_url, server.appid, secret or server.secret)
    return [StableTokenSource(*args, **kw), ClassicTokenSource(*args, **kw)]


def test_stable_source_shares_one_token_classic_issues_a_new_one_each_time(
    server: SandboxServer, session: requests.Session
) -> None:
    stable, classic = _sources(server, session)
    first, second = stable.fetch(), stable.fetch()
    assert first.value == second.value
    assert first.value in server.stats.tokens_issued
    assert first.expires_at > time.time() + 7000
    c1, c2 = classic.fetch(), classic.fetch()
    assert c1.value != c2.value
    assert server.stats.calls("/cgi-bin/stable_token") == 2
    assert server.stats.calls("/cgi-bin/token") == 2
    assert len(server.stats.tokens_issued) == 3


def test_stable_source_forces_a_refresh_only_when_needed_and_not_too_often() -> None:
    clock = FakeClock(1_700_000_000.0)
    with SandboxServer(port=0, clock=clock) as server:
        session = make_session(retries=0, backoff=0.0)
        sleeps: list[float] = []
        source = StableTokenSource(
            session, server.base_url, server.appid, server.secret,
            clock=clock, sleep=sleeps.append, max_retries=2, backoff=1.0,
        )  # fmt: skip
        first = source.fetch()
        renewed = source.fetch(force=True)  # the normal answer repeats the token: force
        assert renewed.value != first.value
        assert source.fetch(force=True).value == renewed.value  # within 30 s: no forcing
        assert server.stats.calls("/cgi-bin/stable_token") == 4
        clock.now += 31
        assert source.fetch(force=True).value not in (first.value, renewed.value)
        assert len(server.stats.tokens_issued) == 3
        assert sleeps == []
        session.close()


def test_a_forced_refresh_the_server_throttles_is_retried_a_bounded_number_of_times() -> None:
    server_clock = FakeClock(1_700_000_000.0)
    source_clock = FakeClock(1_700_000_000.0)
    with SandboxServer(port=0, clock=server_clock) as server:
        session = make_session(retries=0, backoff=0.0)
        sleeps: list[float] = []
        source = StableTokenSource(
            session, server.base_url, server.appid, server.secret,
            clock=source_clock, sleep=sleeps.append, max_retries=2, backoff=1.0,
        )  # fmt: skip
        source.fetch()
        source.fetch(force=True)
        source_clock.now += 60  # this station thinks 30 s have passed; WeChat does not
        with pytest.raises(ApiError) as caught:
            source.fetch(force=True)
        assert caught.value.code == 45011
        assert sleeps == [1.0, 2.0]
        assert (
            server.stats.calls("/cgi-bin/stable_token") == 1 + 2 + 1 + 3
        )  # fetch, forced fetch, normal + throttled
        session.close()


@pytest.mark.parametrize("kind", [0, 1], ids=["stable", "classic"])
def test_a_wrong_secret_is_a_config_error_without_the_secret(
    server: SandboxServer,
    session: requests.Session,
    caplog: pytest.LogCaptureFixture,
    kind: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    source = _sources(server, session, secret="WRONGSECRET123")[kind]
    with pytest.raises(ConfigError) as caught:
        source.fetch()
    assert caught.value.code == 40125
    assert "AppSecret" in str(caught.value)
    assert caught.value.hint == info_for(40125).hint
    assert "WRONGSECRET123" not in str(caught.value) + repr(caught.value) + repr(source)
    assert "WRONGSECRET123" not in caplog.text


@pytest.mark.parametrize("kind", [0, 1], ids=["stable", "classic"])
def test_a_wrong_appid_is_a_config_error(
    server: SandboxServer, session: requests.Session, kind: int
) -> None:
    args = (session, server.base_url, "wx0000000000000000", server.secret)
    source = [StableTokenSource, ClassicTokenSource][kind](*args)
    with pytest.raises(ConfigError) as caught:
        source.fetch()
    assert caught.value.code == 40013
    assert "AppID" in str(caught.value)


@pytest.mark.parametrize("kind", [0, 1], ids=["stable", "classic"])
def test_a_caller_outside_the_ip_whitelist_gets_the_whitelist_hint(
    server: SandboxServer, session: requests.Session, kind: int
) -> None:
    server.faults.ip_not_whitelisted = True
    with pytest.raises(ConfigError) as caught:
        _sources(server, session)[kind].fetch()
    assert caught.value.code == 40164
    assert "public IP" in caught.value.hint.en


def test_classic_source_never_logs_or_raises_its_secret(
    server: SandboxServer, session: requests.Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    classic = _sources(server, session)[1]
    classic.fetch()
    server.stop()
    with pytest.raises(TransportError) as caught:
        classic.fetch()
    assert "connect" in str(caught.value)
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert "secret=***" in caplog.text  # urllib3's own request log line, redacted
    assert server.secret not in caplog.text
    assert server.secret not in str(caught.value) + repr(caught.value)
    assert all(token not in caplog.text for token in server.stats.tokens_issued)


def test_command_source_is_run_again_when_its_token_is_rejected(
    server: SandboxServer, session: requests.Session, tmp_path: Path
) -> None:
    counter = tmp_path / "runs.txt"
    script = (
        "import json, pathlib, sys, urllib.request\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "n = int(p.read_text()) + 1 if p.exists() else 1\n"
        "p.write_text(str(n))\n"
        "if n == 1:\n"
        "    print('NOT_A_VALID_TOKEN')\n"
        "else:\n"
        "    body = json.dumps({'grant_type': 'client_credential', 'appid': sys.argv[3],\n"
        "                       'secret': sys.argv[4]}).encode()\n"
        "    req = urllib.request.Request(sys.argv[2] + '/cgi-bin/stable_token', data=body)\n"
        "    answer = json.load(urllib.request.urlopen(req, timeout=30))\n"
        "    print(answer['access_token'], answer['expires_in'])\n"
    )
    argv = [sys.executable, "-c", script, str(counter), server.base_url, server.appid]
    argv.append(server.secret)
    tokens = TokenCache(CommandTokenSource(argv, timeout=60))
    client = WeChatClient(session, server.base_url, tokens, sleep=lambda _s: None)
    try:
        item = client.get_order(OrderRef("ORD1", "TEST"))
    finally:
        client.close()
    assert item.errcode == 0
    assert counter.read_text() == "2"
    assert server.stats.calls("/cgi-bin/express/business/order/get") == 2
