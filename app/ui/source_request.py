"""Asking for the waybill source without the GUI thread waiting for it.

Building the WeChat client can mean reading the AppSecret from the OS keyring, which may
take seconds (or wait until the user unlocks it). So the fetch controller does not call
a factory: it hands a `SourceCall` to a `RequestSource` and carries on; the answer —
`ready(source)` or `failed(exc)` — comes later, on the GUI thread. The window's own
requester is `CredentialsFlow.request_source` (the keyring read in its keyring lane);
`in_background(make_source, runner)` turns a plain factory (the demo's, tests') into one.

A call whose `cancel` event is set is no longer wanted: a requester may then skip the work
and not answer at all, and an answer that still comes is the caller's to close
(`close_source`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from app.core.engine import WaybillSource
from app.ui.background import BackgroundRunner


@dataclass(frozen=True)
class SourceCall:
    """One fetch's wish for a waybill source; answered at most once, on the GUI thread."""

    cancel: threading.Event
    """Set when the fetch no longer waits (cancelled, window closing)."""
    ready: Callable[[WaybillSource], None]
    failed: Callable[[BaseException], None]
    """Why no source could be built (missing credentials, bad address, no keyring...)."""

    @property
    def wanted(self) -> bool:
        return not self.cancel.is_set()


RequestSource = Callable[[SourceCall], None]
"""Start building a source for the call; answer through it later (never from here)."""


def close_source(source: object) -> None:
    """Close a source that has a `close()` (its session and worker threads)."""
    close = getattr(source, "close", None)
    if callable(close):
        close()


def in_background(
    make_source: Callable[[], WaybillSource], runner: BackgroundRunner
) -> RequestSource:
    """A requester running `make_source()` on the background helper."""

    def build(cancel: threading.Event) -> WaybillSource | None:
        return None if cancel.is_set() else make_source()

    def request(call: SourceCall) -> None:
        def done(source: object) -> None:
            if source is not None:
                call.ready(cast("WaybillSource", source))

        runner.run(build, call.cancel, on_done=done, on_error=call.failed)

    return request


__all__ = ["RequestSource", "SourceCall", "close_source", "in_background"]
