"""SecretRegistry: remembered values, live sources held weakly, and a bounded memory."""

from __future__ import annotations

import gc
import threading

from app.core.logsetup import RedactingFilter
from app.core.secret_registry import SecretRegistry


class Holder:
    def __init__(self, value: str | None) -> None:
        self.value = value

    def peek(self) -> str | None:
        return self.value


def test_values_are_remembered_in_order_without_empties() -> None:
    registry = SecretRegistry()
    registry.add("alpha")
    registry.add_all(["", None, "  ", "beta", "alpha"])
    assert registry() == ["beta", "alpha"]


def test_live_sources_are_asked_every_time() -> None:
    registry = SecretRegistry()
    holder = Holder(None)
    registry.add_source(holder.peek)
    assert registry() == []
    holder.value = "token-1"
    assert registry() == ["token-1"]
    holder.value = "token-2"
    assert registry() == ["token-2"]


def test_a_bound_method_source_does_not_keep_its_object_alive() -> None:
    registry = SecretRegistry()
    holder = Holder("token")
    registry.add_source(holder.peek)
    del holder
    gc.collect()
    assert registry() == []


def test_a_broken_source_is_skipped() -> None:
    registry = SecretRegistry()

    def broken() -> str | None:
        raise RuntimeError("boom")

    registry.add_source(broken)
    registry.add("kept")
    assert registry() == ["kept"]


def test_memory_is_bounded_oldest_first() -> None:
    registry = SecretRegistry(max_values=3)
    registry.add_all(["a", "b", "c", "d"])
    assert registry() == ["b", "c", "d"]


def test_repr_shows_no_value() -> None:
    registry = SecretRegistry()
    registry.add("hidden-value")
    assert "hidden-value" not in repr(registry)


def test_it_feeds_the_redacting_filter_across_threads() -> None:
    import logging

    registry = SecretRegistry()
    record_filter = RedactingFilter(registry)
    threads = [threading.Thread(target=registry.add, args=(f"tok{n:03d}",)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "got tok007 and tok042", (), None)
    record_filter.filter(record)
    assert record.getMessage() == "got *** and ***"
