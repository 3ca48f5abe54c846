"""Fixtures for the WeChat client tests: a sandbox per test, a fast session, a client factory."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from app.sandbox.server import SandboxServer
from app.wechat.client import WeChatClient
from app.wechat.http import make_session
from app.wechat.tokens import StableTokenSource, TokenCache


@pytest.fixture
def server(sandbox: SandboxServer) -> SandboxServer:
    """The shared per-test sandbox (tests/fixtures/sandbox.py), under a shorter name."""
    return sandbox


@pytest.fixture
def session() -> Iterator[requests.Session]:
    s = make_session(retries=3, backoff=0.0)
    try:
        yield s
    finally:
        s.close()


class SleepRecorder:
    """A `sleep` that returns at once and remembers what it was asked to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_client(
    server: SandboxServer, session: requests.Session, sleeps: SleepRecorder
) -> Iterator[Callable[..., WeChatClient]]:
    """`make_client(**overrides)`: a client on the sandbox with a stable-token cache."""
    clients: list[WeChatClient] = []

    def build(*, tokens: TokenCache | None = None, **overrides: Any) -> WeChatClient:
        if tokens is None:
            source = StableTokenSource(session, server.base_url, server.appid, server.secret)
            tokens = TokenCache(source)
        options: dict[str, Any] = {
            "timeout": (5.0, 60.0),
            "sleep": sleeps,
            "logger": logging.getLogger("test.wechat"),
        }
        options.update(overrides)
        client = WeChatClient(session, server.base_url, tokens, **options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
