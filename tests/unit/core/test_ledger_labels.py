"""Labels stored once per distinct text (schema v5), on SQLite and on PostgreSQL alike:
what a fetch reads back, how many label rows a run writes, and what `prune` keeps."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.core.ledger import Ledger
from app.core.ledger_labels import digest_of
from app.core.model import OrderRef
from tests.unit.core.ledger_support import StepClock, error_waybill, ok_waybill


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite3")
    url: str = request.getfixturevalue("pg_url")
    return url


def rows(location: str, sql: str) -> list[Any]:
    if location.startswith("postgresql://"):
        with psycopg.connect(location) as conn:
            return conn.execute(sql).fetchall()
    raw = sqlite3.connect(location)
    try:
        return raw.execute(sql).fetchall()
    finally:
        raw.close()


def test_a_label_shared_by_many_orders_is_written_once(location: str) -> None:
    sample = ok_waybill(OrderRef("X", "SF"), "SAMPLE")
    refs = [OrderRef(f"A{n}", "SF") for n in range(5)]
    with Ledger(location, clock=StepClock()) as ledger:
        ids = ledger.record_queued([*refs, OrderRef("B", "SF"), OrderRef("E", "SF")])
        ledger.record_fetch_started(ids)
        answers = [
            dataclasses.replace(sample, ref=ref, waybill_id=f"W{n}") for n, ref in enumerate(refs)
        ]
        other = ok_waybill(OrderRef("B", "SF"), "WB")
        failed = error_waybill(OrderRef("E", "SF"))
        ledger.record_fetch_results(list(zip(ids, [*answers, other, failed], strict=True)))
        for row, answer in zip(ids, [*answers, other, failed], strict=True):
            assert ledger.stored_waybill(row) == answer
        assert ledger.stored_waybill("W3") == answers[3]
        # fetched again: still the same two labels
        ledger.record_fetch_started(ids[:1])
        ledger.record_fetch_result(ids[0], answers[0])
    assert sorted(rows(location, "SELECT digest FROM labels")) == sorted(
        [(digest_of(sample.html or ""),), (digest_of(other.html or ""),)]
    )
    assert rows(location, "SELECT count(*) FROM fetches WHERE label_html IS NOT NULL") == [(0,)]


def test_prune_drops_the_labels_only_pruned_orders_named(location: str) -> None:
    clock = StepClock()
    old, kept = (
        ok_waybill(OrderRef("OLD", "SF"), "W-OLD"),
        ok_waybill(OrderRef("NEW", "SF"), "W-NEW"),
    )
    shared = dataclasses.replace(kept, ref=OrderRef("OLD2", "SF"), waybill_id="W-OLD2")
    with Ledger(location, clock=clock) as ledger:
        old_rows = ledger.record_queued([old.ref, shared.ref])
        ledger.record_fetch_started(old_rows)
        ledger.record_fetch_results(list(zip(old_rows, [old, shared], strict=True)))
        clock.advance_days(40)
        (new_row,) = ledger.record_queued([kept.ref])
        ledger.record_fetch_started([new_row])
        ledger.record_fetch_result(new_row, kept)
        assert ledger.prune(30) == 2
        assert (
            ledger.stored_waybill(new_row) == kept
        )  # its label, shared with a pruned order, stays
        assert ledger.stored_waybill("W-OLD") is None
    assert rows(location, "SELECT digest FROM labels") == [(digest_of(kept.html or ""),)]
