"""Schema versions: a hand-built version-1 file migrates with its data; newer files are refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted, HistoryFilter, LedgerError, PrintOutcome
from app.core.ledger_schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from app.core.model import OrderRef, PageSizeMm
from tests.unit.core.ledger_support import StepClock

# Version 1 as the first release wrote it, spelled out here instead of taken from the code.
V1_SCRIPT = """
CREATE TABLE orders (id INTEGER PRIMARY KEY, order_id TEXT NOT NULL, delivery_id TEXT NOT NULL,
    waybill_id_requested TEXT, queued_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN
        ('queued', 'fetching', 'fetched', 'printed', 'done', 'failed', 'cancelled')),
    session_id TEXT);
CREATE INDEX orders_key ON orders (order_id, delivery_id);
CREATE TABLE fetches (id INTEGER PRIMARY KEY,
    order_row INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    started_at REAL NOT NULL, finished_at REAL,
    status TEXT CHECK (status IN ('ok', 'cancelled', 'error')), errcode INTEGER,
    errmsg TEXT NOT NULL DEFAULT '', waybill_id TEXT, label_html TEXT,
    page_w_mm REAL, page_h_mm REAL, waybill_data TEXT NOT NULL DEFAULT '[]');
CREATE INDEX fetches_order ON fetches (order_row);
CREATE TABLE prints (id INTEGER PRIMARY KEY,
    order_row INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    waybill_id TEXT NOT NULL, printer TEXT NOT NULL, copies INTEGER NOT NULL CHECK (copies >= 1),
    started_at REAL NOT NULL, finished_at REAL,
    outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'spooled',
        'failed', 'unknown', 'confirmed_printed', 'confirmed_not_printed')),
    message TEXT NOT NULL DEFAULT '', is_reprint INTEGER NOT NULL DEFAULT 0,
    target TEXT NOT NULL DEFAULT 'printer' CHECK (target IN ('printer', 'pdf')), pdf_path TEXT);
CREATE INDEX prints_order ON prints (order_row);
CREATE INDEX prints_waybill ON prints (waybill_id);
INSERT INTO orders VALUES (1, 'V1-ORDER', 'SF', NULL, 1000.0, 'printed', 'old-session');
INSERT INTO orders VALUES (2, 'V1-WAITING', 'SF', NULL, 1100.0, 'fetched', NULL);
INSERT INTO fetches VALUES (1, 1, 1001.0, 1002.0, 'ok', 0, 'ok', 'SF-V1', '<html>旧标签</html>',
    100, 150, '[["SF_bagAddr", "深圳"]]');
INSERT INTO fetches VALUES (2, 2, 1101.0, 1102.0, 'ok', 0, 'ok', 'SF-V1B', '<html>b</html>',
    NULL, NULL, '[]');
INSERT INTO prints VALUES (1, 1, 'SF-V1', 'Label-1', 1, 1003.0, 1004.0, 'spooled', '', 0,
    'printer', NULL);
INSERT INTO prints VALUES (2, 2, 'SF-V1B', 'Label-1', 1, 1103.0, NULL, 'pending', '', 0,
    'printer', NULL);
PRAGMA user_version = 1;
"""


def build_v1(path: Path) -> None:
    raw = sqlite3.connect(path)
    try:
        raw.executescript(V1_SCRIPT)
    finally:
        raw.close()


def test_a_v1_file_migrates_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    build_v1(path)
    with Ledger(path, clock=StepClock()) as ledger:
        assert ledger.migrated_from == 1
        [old] = ledger.search(HistoryFilter(order_id="V1-ORDER"))
        assert (old.time, old.waybill_id, old.prints, old.session_id) == (
            1004.0,
            "SF-V1",
            1,
            "old-session",
        )
        stored = ledger.stored_waybill("SF-V1")
        assert stored is not None
        assert stored.ref == OrderRef("V1-ORDER", "SF")
        assert stored.html == "<html>旧标签</html>"
        assert stored.page_size == PageSizeMm(100, 150)
        assert stored.waybill_data == (("SF_bagAddr", "深圳"),)
        assert stored.hint is None and stored.extra == {}
        with pytest.raises(AlreadyPrinted):
            ledger.begin_print(1, waybill_id="SF-V1", printer="P", copies=1)
        # rows from before runs were recorded belong to an earlier run
        recovery = ledger.recover()
        [unknown] = recovery.unknown_prints
        assert (unknown.id, unknown.outcome) == (2, PrintOutcome.UNKNOWN)
    raw = sqlite3.connect(path)
    try:
        assert schema_version(raw) == SCHEMA_VERSION
    finally:
        raw.close()


def test_an_older_file_finds_its_active_orders_by_key_in_the_active_index(
    tmp_path: Path,
) -> None:
    """v6: the key index holds only active orders, and the look-up by key uses it."""
    path = tmp_path / "v1.sqlite3"
    build_v1(path)
    with Ledger(path, clock=StepClock()) as ledger:
        waiting, printed = ledger.record_queued(
            [OrderRef("V1-WAITING", "SF"), OrderRef("V1-ORDER", "SF")]
        )
        assert waiting == 2  # still active: the same order, found by its key
        assert printed not in (1, 2)  # over: a new row
        [active] = ledger.record_queued([OrderRef("V1-ORDER", "SF")])
        assert active == printed
        ledger.mark_done(printed)
        assert ledger.record_queued([OrderRef("V1-ORDER", "SF")])[0] not in (1, 2, printed)
    raw = sqlite3.connect(path)
    try:
        [sql] = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'orders_key'").fetchone()
        assert sql.endswith("WHERE state IN ('queued', 'fetching', 'fetched')")
        in_index = raw.execute(
            "SELECT count(*) FROM orders INDEXED BY orders_key"
            " WHERE state IN ('queued', 'fetching', 'fetched')"
        ).fetchone()[0]
        active = raw.execute(
            "SELECT count(*) FROM orders WHERE state IN ('queued', 'fetching', 'fetched')"
        ).fetchone()[0]
        total = raw.execute("SELECT count(*) FROM orders").fetchone()[0]
        assert (in_index, active, total) == (2, 2, 4)
        plan = raw.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM orders WHERE order_id IN (?, ?)"
            " AND state IN ('queued', 'fetching', 'fetched')",
            ("a", "b"),
        ).fetchall()
        assert any("USING INDEX orders_key" in row[3] for row in plan)
    finally:
        raw.close()


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    Ledger(path).close()
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        assert migrate(raw) == SCHEMA_VERSION
        assert schema_version(raw) == SCHEMA_VERSION == len(MIGRATIONS)
    finally:
        raw.close()


def test_a_failed_migration_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    build_v1(path)
    raw = sqlite3.connect(path)
    try:
        raw.execute("CREATE TABLE runs (x)")  # v2 cannot create its table
        raw.commit()
    finally:
        raw.close()
    with pytest.raises(LedgerError, match="runs"):
        Ledger(path)
    raw = sqlite3.connect(path)
    try:
        assert schema_version(raw) == 1
        columns = [row[1] for row in raw.execute("PRAGMA table_info(orders)")]
    finally:
        raw.close()
    assert "updated_at" not in columns


def test_a_file_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    raw = sqlite3.connect(path)
    try:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    finally:
        raw.close()
    with pytest.raises(LedgerError, match="newer"):
        Ledger(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database, just some text " * 100)
    with pytest.raises(LedgerError, match="cannot open"):
        Ledger(path)
