"""Running one fetch at a time in the background and feeding its batches into the queue.

`FetchController.start(refs)` marks the rows fetching and runs the core engine's
`fetch_waybills` on the `BackgroundRunner`; every batch of waybills the engine reports
(from a worker thread) comes back on the GUI thread and is applied to the model at once,
so rows turn ready / cancelled / error as each call of ≤ 100 orders returns. `cancel()`
sets the engine's cancel event; rows not answered by then go back to queued.
The waybill source is built lazily on the first fetch and reused (its token cache too),
and so is the record of which order each waybill id was answered for: a waybill id WeChat
answers for a second order of the session is that order's error (`app.core.waybill_owners`).
An answer that stands for an outage (no network, wrong AppSecret, quota… see
`app.ui.outage`) is not an error of its order: the row goes back to queued and the
summary carries the `Outage` instead, for one banner that names it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.core.codes import NOT_FETCHED
from app.core.engine import WaybillSource, fetch_waybills
from app.core.model import Hint, OrderRef, Waybill, WaybillStatus
from app.core.waybill_owners import MemoryOwners
from app.ui.background import BackgroundRunner, TaskHandle
from app.ui.outage import Outage, outage_of_error, outage_of_waybill
from app.ui.queue_model import OrderQueueModel

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

    def __init__(
        self,
        model: OrderQueueModel,
        runner: BackgroundRunner,
        make_source: Callable[[], WaybillSource],
        parent: QObject | None = None,
        *,
        language: str = "en",
    ) -> None:
        super().__init__(parent)
        self._language = language
        self._model = model
        self._runner = runner
        self._make_source = make_source
        self._source: WaybillSource | None = None
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
        return self._handle is not None

    def reset_source(self) -> None:
        """Forget the source (e.g. after the settings changed); the next fetch builds one.
        The waybill ids answered so far are forgotten too (another account or server)."""
        self.close()
        self._owners = MemoryOwners()

    def close(self) -> None:
        """Cancel a running fetch and close the source (its worker threads)."""
        self.cancel()
        source, self._source = self._source, None
        close = getattr(source, "close", None)
        if callable(close):
            close()

    def start(self, refs: list[OrderRef]) -> bool:
        """Fetch `refs`; False if a fetch is already running or there is nothing to do.

        Raises whatever building the source raises (missing credentials, bad address):
        the caller shows it; no row has changed then.
        """
        if self.running or not refs:
            return False
        if self._source is None:
            self._source = self._make_source()
        source = self._source
        cancel = threading.Event()
        self._cancel = cancel
        self._keys = [ref.key for ref in refs]
        self._answered = set()
        self._outage = None
        self._model.set_fetching(self._keys)

        fetch, owners = self._fetch_fn, self._owners

        def work(report: Callable[[object], None]) -> list[Waybill]:
            return fetch(source, refs, on_batch=report, cancel=cancel, owners=owners)

        self._handle = self._runner.run(
            work, on_done=self._on_done, on_error=self._on_error, on_progress=self._on_batch
        )
        self.started.emit(len(refs))
        return True

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

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
