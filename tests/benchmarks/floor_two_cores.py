"""The second alternative of the `million` benchmark: the floor of `fetch` on both cores.

The same least job as `floor_fetch` (read and match each line, drop repeats with a set,
one keep-alive call of 100 at a time, orjson, each order's ledger row written before its
call and after it, a label stored once by its SHA-256, one output line per order), with
the ledger's SQLite work moved into a writer process of its own, so that the two
processes and the sandbox share the machine's cores. The main process sends the writer
plain tuples over a pipe and never waits for a commit it does not need yet: an 800-order
window is recorded as fetching one window ahead, each call's answers are sent as they
arrive, and an order's line is written once the writer has acknowledged the commit of its
answer (as the program promises: nothing reported before it is on disk).

It shows what the fastest sensible Python design of the job takes on this machine, with
none of the program's safety (see `floor_fetch`): if even this is over the target, no
Python program that also does what the program must do can be under it here.

    python -m tests.benchmarks.floor_two_cores API_BASE APPID SECRET INPUT LEDGER
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import sys
from collections import deque
from collections.abc import Iterator
from multiprocessing import get_context
from multiprocessing.connection import Connection

from tests.benchmarks.floor_fetch import Api, batches

WINDOW = 8  # calls per window recorded ahead, as the program's 800-order windows
_SCHEMA = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "CREATE TABLE IF NOT EXISTS labels (sha TEXT PRIMARY KEY, html BLOB) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, order_id TEXT, "
    "delivery_id TEXT, state TEXT, waybill_id TEXT, label TEXT REFERENCES labels, "
    "errcode INTEGER, UNIQUE (order_id, delivery_id))",
    "CREATE INDEX IF NOT EXISTS orders_waybill ON orders (waybill_id)",
)
_FETCHING = (
    "INSERT INTO orders (order_id, delivery_id, state) VALUES (?, ?, 'fetching') "
    "ON CONFLICT DO UPDATE SET state = 'fetching'"
)
_FETCHED = (
    "UPDATE orders SET state = 'fetched', waybill_id = ?, label = ?, errcode = ? "
    "WHERE order_id = ? AND delivery_id = ?"
)

Rows = list[tuple[object, ...]]


def writer(pipe: Connection, ledger: str) -> None:
    """The writer process: each request one transaction, acknowledged once committed."""
    db = sqlite3.connect(ledger, isolation_level=None)
    for statement in _SCHEMA:
        db.execute(statement)
    while (request := pipe.recv()) is not None:
        labels, sql, rows = request
        db.execute("BEGIN")
        if labels:
            db.executemany("INSERT OR IGNORE INTO labels (sha, html) VALUES (?, ?)", labels)
        db.executemany(sql, rows)
        db.execute("COMMIT")
        pipe.send(None)
    db.close()


def windows(path: str) -> Iterator[list[list[tuple[str, str]]]]:
    window: list[list[tuple[str, str]]] = []
    for batch in batches(path):
        window.append(batch)
        if len(window) == WINDOW:
            yield window
            window = []
    if window:
        yield window


class TwoCores:
    def __init__(self, base: str, appid: str, secret: str, pipe: Connection) -> None:
        self._api = Api(base, appid, secret)
        self._pipe = pipe
        self._shas: dict[str, str] = {}  # label text -> its SHA-256, the last 32
        self._acks: deque[str | None] = deque()  # per request sent: lines it releases

    def _send(self, labels: Rows, sql: str, rows: Rows, releases: str | None) -> None:
        self._pipe.send((labels, sql, rows))
        self._acks.append(releases)

    def _ack(self) -> str | None:
        """Wait for the next acknowledgment; write the lines it releases."""
        self._pipe.recv()
        lines = self._acks.popleft()
        if lines is not None:
            sys.stdout.write(lines)
            sys.stdout.flush()
        return lines

    def record_fetching(self, window: list[list[tuple[str, str]]]) -> None:
        self._send([], _FETCHING, [key for batch in window for key in batch], None)

    def wait_recorded(self) -> None:
        """Until the oldest fetching request is committed (answers before it released)."""
        while self._ack() is not None:
            pass

    def fetch(self, batch: list[tuple[str, str]]) -> None:
        labels: Rows = []
        rows: Rows = []
        lines: list[str] = []
        for item in self._api.batch_get(batch):
            text = item.get("print_html", "")
            sha = self._shas.get(text)
            if sha is None:
                html = base64.b64decode(text)
                sha = hashlib.sha256(html).hexdigest()
                labels.append((sha, html))
                if len(self._shas) >= 32:
                    self._shas.clear()
                self._shas[text] = sha
            waybill = item.get("waybill_id", "")
            order, carrier = item["order_id"], item["delivery_id"]
            rows.append((waybill, sha, item.get("errcode", 0), order, carrier))
            lines.append(f"OK\t{order}\t{carrier}\t{waybill}\n")
        self._send(labels, _FETCHED, rows, "".join(lines))

    def drain(self) -> None:
        while self._acks:
            self._ack()


def main(argv: list[str]) -> int:
    base, appid, secret, path, ledger = argv
    ours, theirs = get_context("fork").Pipe()
    process = get_context("fork").Process(target=writer, args=(theirs, ledger))
    process.start()
    floor = TwoCores(base, appid, secret, ours)
    ahead = windows(path)
    window = next(ahead, None)
    if window is not None:
        floor.record_fetching(window)
    while window is not None:
        following = next(ahead, None)
        if following is not None:
            floor.record_fetching(following)  # committed while this window is fetched
        floor.wait_recorded()  # this window's rows are on disk: its calls may go
        for batch in window:
            floor.fetch(batch)
        window = following
    floor.drain()
    ours.send(None)
    process.join()
    return process.exitcode or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
