"""The carrier list on disk: round trip, staleness after a day, atomic and tolerant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.carrier_cache import ONE_DAY, CarrierCache
from tests.fixtures.sandbox import FakeClock

CARRIERS = [("SF", "顺丰速运"), ("ZTO", "中通快递")]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(tmp_path: Path, clock: FakeClock) -> CarrierCache:
    return CarrierCache(tmp_path / "data" / "carriers.json", clock=clock)


def test_nothing_cached_is_stale(cache: CarrierCache) -> None:
    assert cache.load() is None
    assert cache.needs_refresh()
    assert cache.carriers_or([("EMS", "EMS")]) == [("EMS", "EMS")]


def test_saved_carriers_come_back_with_their_time(cache: CarrierCache, clock: FakeClock) -> None:
    cache.save(CARRIERS)
    loaded = cache.load()
    assert loaded is not None
    assert loaded.carriers == CARRIERS
    assert loaded.fetched_at == clock.now
    data = json.loads(cache.path.read_text(encoding="utf-8"))
    assert data["carriers"][0] == {"delivery_id": "SF", "name": "顺丰速运"}
    assert list(cache.path.parent.iterdir()) == [cache.path]  # no temp file left over


def test_the_list_is_fresh_for_a_day(cache: CarrierCache, clock: FakeClock) -> None:
    cache.save(CARRIERS)
    assert not cache.needs_refresh()
    clock.advance(ONE_DAY - 1)
    assert not cache.needs_refresh()
    clock.advance(1)
    assert cache.needs_refresh()
    assert cache.carriers_or([]) == CARRIERS  # a stale list is still shown


def test_a_clock_set_back_makes_the_list_stale(cache: CarrierCache, clock: FakeClock) -> None:
    cache.save(CARRIERS)
    clock.advance(-3600)
    assert cache.needs_refresh()


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"fetched_at": 1}',
        '{"fetched_at": "x", "carriers": []}',
        '{"fetched_at": 1, "carriers": [{"name": "no id"}]}',
        '{"fetched_at": 1, "carriers": []}',
    ],
)
def test_a_broken_file_counts_as_nothing_cached(cache: CarrierCache, content: str) -> None:
    cache.path.parent.mkdir(parents=True)
    cache.path.write_text(content, encoding="utf-8")
    assert cache.load() is None
    assert cache.needs_refresh()


def test_saving_replaces_the_whole_file(cache: CarrierCache, clock: FakeClock) -> None:
    cache.save(CARRIERS)
    clock.advance(ONE_DAY * 2)
    cache.save([("YTO", "圆通速递")])
    loaded = cache.load()
    assert loaded is not None and loaded.carriers == [("YTO", "圆通速递")]
    assert not cache.needs_refresh()
