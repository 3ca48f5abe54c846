"""Running one fetch at a time in the background and feeding its batches into the queue.

`FetchController.start(refs)` marks the rows fetching and runs the core engine's
`fetch_waybills` on the `BackgroundRunner` once it has a waybill source; every batch of
waybills the engine reports (from a worker thread) comes back on the GUI thread and is
applied to the model at once, so rows turn ready / cancelled / error as each call of
≤ 100 orders returns. `cancel()` sets the engine's cancel event; rows not answered by
then go back to queued.
The waybill source is asked for on the first fetch (and after the settings changed)
through a `RequestSource` (`app.ui.source_request`): building it may read the keyring, so
it is built off the GUI thread and the fetch starts when it is back; meanwhile the rows
show fetching, the fetch counts as running, and `cancel()` puts the rows back at once.
A source that cannot be built (missing credentials, bad address, no keyring) is told
with `refused(exc)`, the rows back in the queue. The source is reused (its token cache
too), and so is the record of which order each waybill id was answered for: a waybill id WeChat
answers for a second order of the session is that order's error (`app.core.waybill_owners`).
An answer that stands for an outage (no network, wrong AppSecret, quota… see
`app.ui.outage`) is not an error of its order: the row goes back to queued and the
summary carries the `Outage` instead, for one banner that names it.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, Signal

from app.core.codes import NOT_FETCHED
from app.core.engine import WaybillSource, fetch_waybills
from app.core.model import Hint, OrderRef, Waybill, WaybillStatus
from app.core.waybill_owners import MemoryOwners
from app.ui.background import BackgroundRunner, TaskHandle
from app.ui.outage import Outage, outage_of_error, outage_of_waybill
from app.ui.queue_model import OrderQueueModel
from app.ui.source_request import RequestSource, SourceCall, close_source

log = logging.getLogger(__name__)

FetchFn = Callable[..., list[Waybill]]
"""`fetch_waybills(source, refs, *, on_batch, cancel, owners)` or a function with its shape."""


@dataclass(frozen=True)
class FetchSummary:
    """How one fetch ended."""

    requested: int
    ready: int
    cancelled: int
    errors: int
    stopped: int
    failure: str | None = None
    outage: Outage | None = None
    """Set when the fetch met an outage; its orders are back in the queue (`stopped`)."""


class FetchController(QObject):
    """Owns the running fetch (at most one) and its cancel event."""

    started = Signal(int)
    """A fetch began for this many orders."""
    progressed = Signal(int, int)
    """(orders answered so far, orders requested)."""
    finished = Signal(object)
    """The fetch ended: a `FetchSummary`."""
    refused = Signal(object)
    """No source could be built (the exception): nothing was fetched, the rows are back
    in the queue. Ends a fetch in place of `finished`."""

    def __init__(
        self,
        model: OrderQueueModel,
        runner: BackgroundRunner,
        request_source: RequestSource,
        parent: QObject | None = None,
        *,
        language: str = "en",
    ) -> None:
        super().__init__(parent)
        self._language = language
        self._model = model
        self._runner = runner
        self._request_source = request_source
        self._source: WaybillSource | None = None
        self._awaited: SourceCall | None = None  # the source asked for, not back yet
        self._cancel: threading.Event | None = None
        self._handle: TaskHandle | None = None
        self._keys: list[tuple[str, str]] = []
        self._answered: set[tuple[str, str]] = set()
        self._outage: Outage | None = None
        self._fetch_fn: FetchFn = fetch_waybills
        self._owners = MemoryOwners()

    def set_fetch_function(self, fetch: FetchFn) -> None:
        """Replace the engine call the worker runs (same signature as `fetch_waybills`),
        e.g. one that also records every answer in the ledger as it arrives."""
        self._fetch_fn = fetch

    @property
    def running(self) -> bool:
        """A fetch runs, or waits for its source."""
        return self._handle is not None or self._awaited is not None

    def reset_source(self) -> None:
        """Forget the source (e.g. after the settings changed); the next fetch builds one.
        The waybill ids answered so far are forgotten too (another account or server)."""
        self.close()
        self._owners = MemoryOwners()

    def close(self) -> None:
        """Cancel a running fetch and close the source (its worker threads)."""
        self.cancel()
        source, self._source = self._source, None
        close_source(source)

    def start(self, refs: list[OrderRef]) -> bool:
        """Fetch `refs`; False if a fetch is already running or there is nothing to do.

        Without a source yet, one is asked for and the fetch starts when it is back (or
        ends with `refused`); the GUI thread never waits for it.
        """
        if self.running or not refs:
            return False
        cancel = threading.Event()
        self._cancel = cancel
        self._keys = [ref.key for ref in refs]
        self._answered = set()
        self._outage = None
        self._model.set_fetching(self._keys)
        self.started.emit(len(refs))
        if self._source is not None:
            self._run(self._source, refs, cancel)
            return True
        call = SourceCall(
            cancel,
            functools.partial(self._source_ready, refs, cancel),
            functools.partial(self._source_failed, cancel),
        )
        self._awaited = call
        try:
            self._request_source(call)
        except Exception as exc:  # told like any other failure to build the source
            self._source_failed(cancel, exc)
        return True

    def _awaits(self, cancel: threading.Event) -> bool:
        """Whether the fetch still waits for the source asked for with `cancel` (not
        cancelled meanwhile, the window not gone)."""
        if not shiboken6.isValid(self):
            return False
        awaited = self._awaited
        return awaited is not None and awaited.cancel is cancel and awaited.wanted

    def _source_ready(
        self, refs: list[OrderRef], cancel: threading.Event, source: WaybillSource
    ) -> None:
        if not self._awaits(cancel):
            close_source(source)  # cancelled meanwhile, or the window is gone
            return
        self._awaited = None
        self._source = source
        self._run(source, refs, cancel)

    def _source_failed(self, cancel: threading.Event, exc: BaseException) -> None:
        if not self._awaits(cancel):
            log.debug("a cancelled fetch's source failed: %s", type(exc).__name__)
            return
        self._awaited = None
        self._cancel = None
        self._model.requeue_fetching(self._keys, message="")
        self.progressed.emit(len(self._keys), len(self._keys))
        self.refused.emit(exc)

    def _run(self, source: WaybillSource, refs: list[OrderRef], cancel: threading.Event) -> None:
        fetch, owners = self._fetch_fn, self._owners

        def work(report: Callable[[object], None]) -> list[Waybill]:
            return fetch(source, refs, on_batch=report, cancel=cancel, owners=owners)

        self._handle = self._runner.run(
            work, on_done=self._on_done, on_error=self._on_error, on_progress=self._on_batch
        )

    def cancel(self) -> None:
        """Stop the fetch: orders not answered go back to queued (at once when it still
        waits for its source, which is then dropped)."""
        if self._cancel is not None:
            self._cancel.set()
        if self._awaited is not None:
            self._awaited = None
            stopped = self._model.requeue_fetching(self._keys)
            self._end(FetchSummary(len(self._keys), 0, 0, 0, stopped))

    def _on_batch(self, batch: object) -> None:
        waybills = [w for w in batch if isinstance(w, Waybill)] if isinstance(batch, list) else []
        # Orders skipped after Cancel stay fetching here and go back to queued at the end.
        waybills = self._order_answers(w for w in waybills if w.errcode != NOT_FETCHED)
        self._model.apply_waybills(waybills)
        self._answered.update(w.ref.key for w in waybills)
        self.progressed.emit(len(self._answered), len(self._keys))

    def _on_done(self, result: object) -> None:
        waybills = [w for w in result if isinstance(w, Waybill)] if isinstance(result, list) else []
        answered = self._order_answers(w for w in waybills if w.errcode != NOT_FETCHED)
        self._model.apply_waybills(answered)
        stopped = self._model.requeue_fetching(self._keys)
        ready = sum(1 for w in answered if w.printable)
        cancelled = sum(1 for w in answered if w.status is WaybillStatus.CANCELLED)
        errors = len(answered) - ready - cancelled
        summary = FetchSummary(
            len(self._keys), ready, cancelled, errors, stopped, outage=self._outage
        )
        self._end(summary)

    def _on_error(self, exc: BaseException) -> None:
        stopped = self._model.requeue_fetching(self._keys)
        outage = outage_of_error(exc)
        failure = None if outage is not None else describe_error(exc, self._language)
        self._end(FetchSummary(len(self._keys), 0, 0, 0, stopped, failure=failure, outage=outage))

    def _order_answers(self, waybills: Iterable[Waybill]) -> list[Waybill]:
        """The answers about their own order; outage answers are noted, not applied
        (their rows stay fetching and go back to queued when the fetch ends)."""
        kept = []
        for waybill in waybills:
            outage = outage_of_waybill(waybill)
            if outage is None:
                kept.append(waybill)
            elif self._outage is None:
                self._outage = outage
        return kept

    def _end(self, summary: FetchSummary) -> None:
        self._handle = None
        self._cancel = None
        self.progressed.emit(len(self._keys), len(self._keys))
        self.finished.emit(summary)


def describe_error(exc: BaseException, language: str = "en") -> str:
    """Why something failed and, if the error carries a `Hint`, what to do about it.

    The client's errors never hold a token or secret in their text.
    """
    text = str(exc).strip() or type(exc).__name__
    hint = getattr(exc, "hint", None)
    if isinstance(hint, Hint):
        advice = hint.text(language)
        if advice and advice not in text:
            return f"{text} — {advice}"
    return text
