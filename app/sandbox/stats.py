"""What the sandbox has seen, for tests to assert on: calls per path, batch sizes, tokens."""

from __future__ import annotations

import threading
from collections import Counter


class SandboxStats:
    """Thread-safe counters; every read returns a copy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._batch_sizes: list[int] = []
        self._tokens: list[str] = []

    def calls(self, path: str) -> int:
        """How many requests arrived for `path` (no query string), whatever they were answered."""
        with self._lock:
            return self._calls[path]

    @property
    def batch_sizes(self) -> list[int]:
        """The item count of every batchget body that parsed, in arrival order.

        Recorded before faults and the token check, so a retried call counts again.
        """
        with self._lock:
            return list(self._batch_sizes)

    @property
    def tokens_issued(self) -> list[str]:
        """Every newly issued access token (classic and stable), in issue order."""
        with self._lock:
            return list(self._tokens)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._batch_sizes.clear()
            self._tokens.clear()

    def record_call(self, path: str) -> None:
        with self._lock:
            self._calls[path] += 1

    def record_batch(self, size: int) -> None:
        with self._lock:
            self._batch_sizes.append(size)

    def record_token(self, token: str) -> None:
        with self._lock:
            self._tokens.append(token)
