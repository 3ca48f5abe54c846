"""Fixtures for the printing tests: a loopback HTTP server that counts every request, and
a recording stand-in for the `lp` command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.printing.counting_server import CountingServer
from tests.unit.printing.fake_lp import FakeLp


@pytest.fixture
def counting_server() -> Iterator[CountingServer]:
    server = CountingServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_lp(tmp_path: Path) -> FakeLp:
    return FakeLp(tmp_path / "fake-lp")
