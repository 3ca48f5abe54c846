"""The alternative of the `million` benchmark: the least a Python `fetch -i` must do.

Not the program, and not meant to be one: it shows how far the program's CPU per order is
from the floor of the same job in Python on the same machine, against the same sandbox.
Per order it does only what any fetch must: read and match the input line, drop a
repeated order (a set in memory), send it in a call of 100 (one keep-alive connection,
one call at a time), parse the JSON answer (orjson), decode a label text not seen in the
last 32 and store it once by its SHA-256, write the order's row to a SQLite ledger before
the call (fetching) and after it (its waybill), each call's rows in one transaction of
`executemany` (WAL, synchronous FULL, as the program's ledger), and print one line.
It leaves out everything that makes the program safe to run at a packing bench: the
checks of each answer and its numbers, masking echoed secrets, error items and retries,
total deadlines and size caps, flat memory (the set grows with the input), the run and
its recovery, the engine's and the report's objects.

    python -m tests.benchmarks.floor_fetch API_BASE APPID SECRET INPUT LEDGER
"""

from __future__ import annotations

import base64
import hashlib
import re
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any

import orjson
import requests

BATCH = 100
_LINE = re.compile(r"([A-Za-z0-9_\-]{1,64}),([A-Za-z0-9_]{1,32})")
_SCHEMA = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "CREATE TABLE IF NOT EXISTS labels (id INTEGER PRIMARY KEY, sha TEXT UNIQUE, html BLOB)",
    "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, order_id TEXT, "
    "delivery_id TEXT, state TEXT, waybill_id TEXT, label INTEGER REFERENCES labels, "
    "errcode INTEGER, UNIQUE (order_id, delivery_id))",
    "CREATE INDEX IF NOT EXISTS orders_waybill ON orders (waybill_id)",
)


def batches(path: str) -> Iterator[list[tuple[str, str]]]:
    """The input's orders, each once, in calls of `BATCH`."""
    seen: set[tuple[str, str]] = set()
    batch: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            match = _LINE.fullmatch(line.rstrip("\r\n"))
            if match is None:
                continue
            key = (match[1], match[2])
            if key in seen:
                continue
            seen.add(key)
            batch.append(key)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


class Api:
    """One keep-alive connection to the API with its access token."""

    def __init__(self, base: str, appid: str, secret: str) -> None:
        self._http = requests.Session()
        answer = self._http.post(
            f"{base}/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": appid, "secret": secret},
            timeout=30,
        ).json()
        self._token = answer["access_token"]
        self._url = f"{base}/cgi-bin/express/business/order/batchget"

    def batch_get(self, batch: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """The answer's items for one call of (order id, carrier) pairs."""
        body = orjson.dumps({"order_list": [{"order_id": o, "delivery_id": d} for o, d in batch]})
        reply = self._http.post(
            self._url,
            params={"access_token": self._token},
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        items: list[dict[str, Any]] = orjson.loads(reply.content)["order_list"]
        return items


class Floor:
    def __init__(self, base: str, appid: str, secret: str, ledger: str) -> None:
        self._api = Api(base, appid, secret)
        self._db = sqlite3.connect(ledger, isolation_level=None)
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._labels: dict[str, int] = {}

    def _tx(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany(sql, rows)
        self._db.execute("COMMIT")

    def _label_id(self, text: str) -> int:
        known = self._labels.get(text)
        if known is None:
            html = base64.b64decode(text)
            sha = hashlib.sha256(html).hexdigest()
            row = self._db.execute(
                "INSERT INTO labels (sha, html) VALUES (?, ?) "
                "ON CONFLICT DO UPDATE SET sha = sha RETURNING id",
                (sha, html),
            ).fetchone()
            if len(self._labels) >= 32:
                self._labels.clear()
            known = self._labels[text] = int(row[0])
        return known

    def fetch(self, batch: list[tuple[str, str]]) -> str:
        self._tx(
            "INSERT INTO orders (order_id, delivery_id, state) VALUES (?, ?, 'fetching') "
            "ON CONFLICT DO UPDATE SET state = 'fetching'",
            list(batch),
        )
        rows: list[tuple[object, ...]] = []
        lines: list[str] = []
        for item in self._api.batch_get(batch):
            waybill = item.get("waybill_id", "")
            label = self._label_id(item.get("print_html", ""))
            order, carrier = item["order_id"], item["delivery_id"]
            rows.append((waybill, label, item.get("errcode", 0), order, carrier))
            lines.append(f"OK\t{order}\t{carrier}\t{waybill}\n")
        self._tx(
            "UPDATE orders SET state = 'fetched', waybill_id = ?, label = ?, errcode = ? "
            "WHERE order_id = ? AND delivery_id = ?",
            rows,
        )
        return "".join(lines)


def main(argv: list[str]) -> int:
    base, appid, secret, path, ledger = argv
    floor = Floor(base, appid, secret, ledger)
    for batch in batches(path):
        sys.stdout.write(floor.fetch(batch))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
