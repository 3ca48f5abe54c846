"""`long_run_collector`: start-up's objects frozen, a larger young generation, all restored."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from app.system.collector import long_run_collector


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _dropped_cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Start with nothing frozen (something in the test process may have frozen objects)."""
    frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    yield
    if frozen:
        gc.freeze()


def test_freezes_what_exists_and_restores_the_collector(unfrozen: None) -> None:
    before = gc.get_threshold()
    with long_run_collector(young=5_000):
        assert gc.get_freeze_count() > 1_000  # the modules and objects start-up made
        assert gc.get_threshold() == (5_000, *before[1:])
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_restores_even_when_the_run_fails(unfrozen: None) -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), long_run_collector(young=5_000):
        raise RuntimeError("the run broke")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_objects_frozen_by_someone_else_stay_frozen(unfrozen: None) -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with long_run_collector(young=5_000):
        assert gc.get_threshold()[0] == 5_000
    assert gc.get_freeze_count() == frozen
    gc.unfreeze()


def test_cycles_made_during_the_run_are_still_collected(unfrozen: None) -> None:
    kept: list[list[int]] = []
    with long_run_collector(young=3_000):
        gc.collect(0)  # the young generation starts empty
        dead = _dropped_cycle()
        kept.extend([0] for _ in range(2_000))  # new containers (the default collects at 700)
        assert dead() is not None  # a cycle: reference counting alone cannot free it
        kept.extend([0] for _ in range(1_500))  # past 3,000: the young generation is collected
        assert dead() is None
