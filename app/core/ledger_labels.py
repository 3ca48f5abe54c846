"""The ledger's labels: each distinct label text stored once, named by its SHA-256 digest.

A fetch row names its label by `label_digest` (schema v5, `app.core.ledger_schema`);
`LabelStore.store` writes the labels of one call's answers, each distinct text once and
only if the ledger does not hold it yet (one look-up for the call, then an insert of the
new ones), and returns each one's digest. The WeChat client
hands the same decoded text object for every order that shares a label, so the digest
of a text is remembered by the object for the last few labels instead of hashed again
for every order. `UNUSED_LABELS_SQL` is what `prune` runs after deleting orders.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable

from app.core.ledger_db import POSTGRESQL, Db

_INSERT_SQL = "INSERT INTO labels (digest, html) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING"
UNUSED_LABELS_SQL = (
    "DELETE FROM labels WHERE NOT EXISTS"
    " (SELECT 1 FROM fetches f WHERE f.label_digest = labels.digest)"
)
#: Texts whose digest is remembered (by object), most recent first out last.
REMEMBERED = 64


def digest_of(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()


class LabelStore:
    """Writes labels once per distinct text (see the module docstring); thread-safe."""

    def __init__(self) -> None:
        # id(text) -> (text, digest); the text is kept so that its id is not reused
        self._digests: dict[int, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def digest(self, html: str) -> str:
        with self._lock:
            known = self._digests.get(id(html))
        if known is not None and known[0] is html:
            return known[1]
        digest = digest_of(html)
        with self._lock:
            if len(self._digests) >= REMEMBERED:
                del self._digests[next(iter(self._digests))]
            self._digests[id(html)] = (html, digest)
        return digest

    def store(self, conn: Db, texts: Iterable[str | None]) -> dict[int, str]:
        """Write the labels among `texts` (in the caller's transaction): `id(text) → digest`."""
        digests: dict[int, str] = {}
        distinct: dict[str, str] = {}
        for html in texts:
            if html and id(html) not in digests:
                digest = self.digest(html)
                digests[id(html)] = digest
                distinct[digest] = html
        if distinct:
            # On a warehouse server the labels found are locked against a `prune` of
            # another station until this transaction ends (SQLite has one writer).
            lock = " FOR KEY SHARE" if conn.dialect == POSTGRESQL else ""
            found = conn.execute(
                f"SELECT digest FROM labels WHERE digest IN ({', '.join('?' * len(distinct))})"
                + lock,
                list(distinct),
            ).fetchall()
            for row in found:
                del distinct[row[0]]
            conn.executemany(_INSERT_SQL, list(distinct.items()))
        return digests
