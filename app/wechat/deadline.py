"""A total deadline per HTTP call: connect, headers and body together, however slow the server.

requests' timeouts bound each single socket wait, so a server that sends one byte just
before each wait expires keeps a call alive for hours. `DeadlineAdapter` makes its
connection pools use connection classes that tell the calling thread's `CallDeadline`
about every socket a request uses; when the deadline passes, a timer shuts those sockets
down, the blocked read returns at once and the call fails. Once a call's deadline has
passed, it makes no new connection and sleeps no retry backoff (`DeadlinePassed` is
raised instead); Retry-After waits are capped so a server cannot park a call either.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

#: The longest wait between retries, whatever a Retry-After header asks for.
MAX_RETRY_SLEEP = 10.0

_current = threading.local()


class DeadlinePassed(Exception):
    """The call's total deadline passed (raised where the call would otherwise go on)."""


class CallDeadline:
    """The deadline of one call in this thread: `with CallDeadline(seconds): ...`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._expired = False
        self._done = False
        self._ends_at = time.monotonic() + seconds
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    @property
    def expired(self) -> bool:
        return self._expired

    def remaining(self) -> float:
        return self._ends_at - time.monotonic()

    def __enter__(self) -> CallDeadline:
        self._previous = getattr(_current, "deadline", None)
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            self._sockets.clear()
        _current.deadline = self._previous

    def watch(self, sock: socket.socket | None) -> None:
        """Shut `sock` down when the deadline passes; refuse it if it already has."""
        if sock is None:
            return
        with self._lock:
            if self._expired:
                raise DeadlinePassed
            if not self._done:
                self._sockets.append(sock)

    def check_sleep(self, seconds: float) -> None:
        """Raise `DeadlinePassed` when sleeping `seconds` would end beyond the deadline."""
        if self._expired or seconds >= self.remaining():
            self._expired = True
            raise DeadlinePassed

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)


def current_deadline() -> CallDeadline | None:
    """The deadline of the call this thread is making, if any."""
    deadline: CallDeadline | None = getattr(_current, "deadline", None)
    return deadline


def _watch(sock: socket.socket | None) -> None:
    deadline = current_deadline()
    if deadline is not None:
        deadline.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection from the pool
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)
        super().request(*args, **kwargs)


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An `HTTPAdapter` whose connections obey the calling thread's `CallDeadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


class DeadlineRetry(Retry):
    """The retry policy that never sleeps past the call's deadline nor past `MAX_RETRY_SLEEP`."""

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        delay: float | None = None
        if self.respect_retry_after_header and response is not None:
            delay = self.get_retry_after(response)
        if delay is None:
            delay = self.get_backoff_time()
        delay = min(max(delay, 0.0), MAX_RETRY_SLEEP)
        deadline = current_deadline()
        if deadline is not None:
            deadline.check_sleep(delay)
        if delay > 0:
            time.sleep(delay)
