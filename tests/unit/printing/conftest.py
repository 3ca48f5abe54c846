"""Fixtures for the printing tests: a loopback HTTP server that counts every request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.printing.counting_server import CountingServer


@pytest.fixture
def counting_server() -> Iterator[CountingServer]:
    server = CountingServer()
    server.start()
    yield server
    server.stop()
