"""The ledger's SQLite schema and its migrations.

The schema version lives in `PRAGMA user_version`. `MIGRATIONS[i]` takes a database from
version i to version i + 1; `migrate` applies every missing step and the new version in one
transaction, so a database is either fully migrated or untouched. SQLite DDL is
transactional; statements run one by one because `executescript` would commit first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from app.core.ledger_records import LedgerError

_V1 = (
    """CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        waybill_id_requested TEXT,
        queued_at REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN
            ('queued', 'fetching', 'fetched', 'printed', 'done', 'failed', 'cancelled')),
        session_id TEXT
    )""",
    "CREATE INDEX orders_key ON orders (order_id, delivery_id)",
    """CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        order_row INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        started_at REAL NOT NULL,
        finished_at REAL,
        status TEXT CHECK (status IN ('ok', 'cancelled', 'error')),
        errcode INTEGER,
        errmsg TEXT NOT NULL DEFAULT '',
        waybill_id TEXT,
        label_html TEXT,
        page_w_mm REAL,
        page_h_mm REAL,
        waybill_data TEXT NOT NULL DEFAULT '[]'
    )""",
    "CREATE INDEX fetches_order ON fetches (order_row)",
    """CREATE TABLE prints (
        id INTEGER PRIMARY KEY,
        order_row INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        waybill_id TEXT NOT NULL,
        printer TEXT NOT NULL,
        copies INTEGER NOT NULL CHECK (copies >= 1),
        started_at REAL NOT NULL,
        finished_at REAL,
        outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'spooled',
            'failed', 'unknown', 'confirmed_printed', 'confirmed_not_printed')),
        message TEXT NOT NULL DEFAULT '',
        is_reprint INTEGER NOT NULL DEFAULT 0,
        target TEXT NOT NULL DEFAULT 'printer' CHECK (target IN ('printer', 'pdf')),
        pdf_path TEXT
    )""",
    "CREATE INDEX prints_order ON prints (order_row)",
    "CREATE INDEX prints_waybill ON prints (waybill_id)",
)

# v2: runs (which program start wrote a row, so recovery can tell earlier runs from this
# one), a last-activity time per order for history and retention, and the waybill's hint
# and extra fields so a stored label rebuilds into the same Waybill.
_V2 = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        pid INTEGER NOT NULL,
        started_at REAL NOT NULL,
        ended_at REAL
    )""",
    "ALTER TABLE orders ADD COLUMN run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL",
    "ALTER TABLE orders ADD COLUMN updated_at REAL NOT NULL DEFAULT 0",
    """UPDATE orders SET updated_at = max(
        queued_at,
        coalesce((SELECT max(coalesce(f.finished_at, f.started_at)) FROM fetches f
                  WHERE f.order_row = orders.id), 0),
        coalesce((SELECT max(coalesce(p.finished_at, p.started_at)) FROM prints p
                  WHERE p.order_row = orders.id), 0))""",
    "CREATE INDEX orders_updated ON orders (updated_at)",
    "CREATE INDEX orders_state ON orders (state)",
    "ALTER TABLE fetches ADD COLUMN hint_en TEXT",
    "ALTER TABLE fetches ADD COLUMN hint_zh TEXT",
    "ALTER TABLE fetches ADD COLUMN extra TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE prints ADD COLUMN run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL",
)


def _script(statements: Sequence[str]) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_script(_V1), _script(_V2))
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to `SCHEMA_VERSION` in one transaction; returns the old version.

    `conn` must be in autocommit mode (`isolation_level=None`). A database from a newer
    program is refused rather than touched.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = schema_version(conn)  # read under the write lock: another process may migrate
        if old > SCHEMA_VERSION:
            raise LedgerError(
                f"the ledger has schema version {old}, newer than this program's "
                f"{SCHEMA_VERSION}; use a newer program or another ledger file"
            )
        for step in MIGRATIONS[old:]:
            step(conn)
        if old != SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return old
