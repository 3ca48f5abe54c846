"""The carrier list (getAllDelivery) kept on disk so the picker is full even offline.

`CarrierCache(path, clock=time.time)` stores ``{"fetched_at": <epoch seconds>,
"carriers": [{"delivery_id": ..., "name": ...}, ...]}`` as JSON, written atomically (a
temp file in the same folder, then `os.replace`). `load()` gives the stored list or None
(missing, unreadable or malformed file); `is_stale()` says whether it is older than
`max_age` (a day) — or from the future, after a clock change — and should be refreshed.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.core.atomic_file import write_atomically

log = logging.getLogger(__name__)

ONE_DAY = 24 * 3600.0

Carrier = tuple[str, str]
"""(delivery_id, name)."""


@dataclass(frozen=True)
class CachedCarriers:
    """The carriers as last fetched, and when."""

    carriers: list[Carrier]
    fetched_at: float


class CarrierCache:
    """The cached carrier list in one JSON file."""

    def __init__(
        self, path: Path, *, clock: Callable[[], float] = time.time, max_age: float = ONE_DAY
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self.max_age = max_age

    def load(self) -> CachedCarriers | None:
        """The stored list, or None when there is no usable file."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            fetched_at = float(data["fetched_at"])
            carriers = [
                (str(item["delivery_id"]), str(item.get("name", "")))
                for item in data["carriers"]
                if str(item["delivery_id"]).strip()
            ]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            log.warning("ignoring the unreadable carrier cache %s", self.path)
            return None
        if not carriers:
            return None
        return CachedCarriers(carriers, fetched_at)

    def is_stale(self, cached: CachedCarriers | None) -> bool:
        """True when there is nothing cached or it is older than `max_age`."""
        if cached is None:
            return True
        age = self._clock() - cached.fetched_at
        return age < 0 or age >= self.max_age

    def needs_refresh(self) -> bool:
        return self.is_stale(self.load())

    def save(self, carriers: Iterable[Carrier]) -> CachedCarriers:
        """Store `carriers` as fetched now (atomically); returns what was stored."""
        cached = CachedCarriers([(str(cid), str(name)) for cid, name in carriers], self._clock())
        payload = {
            "fetched_at": cached.fetched_at,
            "carriers": [{"delivery_id": cid, "name": name} for cid, name in cached.carriers],
        }
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        write_atomically(self.path, text.encode("utf-8"))
        return cached

    def carriers_or(self, fallback: Iterable[Carrier]) -> list[Carrier]:
        """The cached carriers (even stale ones), else `fallback`."""
        cached = self.load()
        return list(cached.carriers) if cached is not None else list(fallback)
