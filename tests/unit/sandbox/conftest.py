"""Fixtures for the sandbox tests: a requests session and a `Caller` bound to the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from app.sandbox.server import SandboxServer
from tests.unit.sandbox.support import Caller


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def caller(sandbox: SandboxServer, http: requests.Session) -> Caller:
    return Caller(sandbox, http)


@pytest.fixture
def clocked_caller(clocked_sandbox: SandboxServer, http: requests.Session) -> Caller:
    return Caller(clocked_sandbox, http)
