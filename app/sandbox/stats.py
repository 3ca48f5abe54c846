"""What the sandbox has seen, for tests to assert on: calls per path, batch sizes, tokens,
and the most requests per path it was answering at one time."""

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
        self._in_flight: Counter[str] = Counter()
        self._most_in_flight: Counter[str] = Counter()

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

    def most_in_flight(self, path: str) -> int:
        """The most requests for `path` the sandbox was answering at one time."""
        with self._lock:
            return self._most_in_flight[path]

    def reset(self) -> None:
        with self._lock:
            self._most_in_flight.clear()
            self._calls.clear()
            self._batch_sizes.clear()
            self._tokens.clear()

    def record_call(self, path: str) -> None:
        with self._lock:
            self._calls[path] += 1

    def call_started(self, path: str) -> None:
        """A request for `path` is being answered (pair with `call_ended`)."""
        with self._lock:
            self._in_flight[path] += 1
            self._most_in_flight[path] = max(self._most_in_flight[path], self._in_flight[path])

    def call_ended(self, path: str) -> None:
        with self._lock:
            self._in_flight[path] -= 1

    def record_batch(self, size: int) -> None:
        with self._lock:
            self._batch_sizes.append(size)

    def record_token(self, token: str) -> None:
        with self._lock:
            self._tokens.append(token)
