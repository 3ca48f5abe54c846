"""Writing the window's orders and fetch answers to the ledger, never on the GUI thread.

`LedgerRecorder` hooks into the window's flows:

- rows added to the queue (`OrderQueueModel.rowsInserted`) are recorded as queued on the
  `BackgroundRunner`, so an order scanned and not fetched yet comes back after a crash;
- the fetch controller's worker runs `fetch_and_record` instead of the plain engine call:
  it records the orders (an active order keeps its ledger id) and the fetch start, then
  stores every answer, label included, in the worker thread right where the batch arrives
  — *before* the batch is handed on to the GUI thread, so a row the packer sees as ready
  is already on disk. Orders skipped after Cancel stay "fetching" and are fetched again.

The ledger ids land in the shared `LedgerRows` that the print guard reads. A ledger write
that fails in the fetch worker fails the fetch (the rows go back to queued with the
reason): a label that is not on record must not be printed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex

from app.core.codes import NOT_FETCHED
from app.core.engine import WaybillSource, fetch_waybills
from app.core.ledger import Ledger
from app.core.model import OrderRef, Waybill
from app.core.waybill_owners import WaybillOwners
from app.printing.ledger_guard import LedgerRows
from app.ui.background import BackgroundRunner
from app.ui.fetch_controller import FetchController
from app.ui.queue_model import OrderQueueModel

log = logging.getLogger(__name__)

Key = tuple[str, str]


class LedgerRecorder(QObject):
    """Records queued orders and fetch answers of one window (see the module docstring)."""

    def __init__(
        self,
        ledger: Ledger,
        rows: LedgerRows,
        model: OrderQueueModel,
        runner: BackgroundRunner,
        parent: QObject | None = None,
        *,
        session_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._rows = rows
        self._model = model
        self._runner = runner
        self._session_id = session_id
        self.failures: list[str] = []
        """Background writes that failed (also logged)."""
        model.rowsInserted.connect(self._on_rows_inserted)

    def _on_rows_inserted(
        self, parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        if parent.isValid():
            return
        refs = [self._model.row_at(n).ref for n in range(first, last + 1)]
        self._runner.run(self.record_queued, refs, on_error=self._on_write_failed)

    def record_queued(self, refs: Sequence[OrderRef]) -> list[int]:
        """Record `refs` as queued (any thread) and remember their ledger ids."""
        ids = self._ledger.record_queued(refs, session_id=self._session_id)
        self._rows.bind((ref.key, row) for ref, row in zip(refs, ids, strict=True))
        return ids

    def _on_write_failed(self, exc: BaseException) -> None:
        log.error("the ledger could not record queued orders: %s", exc)
        self.failures.append(str(exc))

    def fetch_and_record(
        self,
        source: WaybillSource,
        refs: Sequence[OrderRef],
        *,
        on_batch: Callable[[list[Waybill]], None] | None = None,
        cancel: threading.Event | None = None,
        owners: WaybillOwners | None = None,
    ) -> list[Waybill]:
        """`fetch_waybills`, recording orders, fetch start and every answer (worker thread)."""
        if not refs:
            return []
        ids = self.record_queued(refs)
        self._ledger.record_fetch_started(ids)
        rows_by_key: dict[Key, int] = {}
        for ref, row in zip(refs, ids, strict=True):
            rows_by_key.setdefault(ref.key, row)
        stored: set[int] = set()
        lock = threading.Lock()

        def store(waybills: list[Waybill]) -> None:
            for waybill in waybills:
                row = rows_by_key.get(waybill.ref.key)
                if row is None or waybill.errcode == NOT_FETCHED:
                    continue  # not ours, or never asked (Cancel): stays "fetching"
                with lock:
                    if row in stored:
                        continue
                    stored.add(row)
                self._ledger.record_fetch_result(row, waybill)

        def recorded_batch(waybills: list[Waybill]) -> None:
            store(waybills)
            if on_batch is not None:
                on_batch(waybills)

        waybills = fetch_waybills(
            source, refs, on_batch=recorded_batch, cancel=cancel, owners=owners
        )
        store(waybills)
        return waybills


def install_recorder(
    ledger: Ledger,
    rows: LedgerRows,
    model: OrderQueueModel,
    runner: BackgroundRunner,
    fetcher: FetchController,
    parent: QObject,
    *,
    session_id: str | None = None,
) -> LedgerRecorder:
    """A recorder on `model` whose `fetch_and_record` the fetch controller runs."""
    recorder = LedgerRecorder(ledger, rows, model, runner, parent, session_id=session_id)
    fetcher.set_fetch_function(recorder.fetch_and_record)
    return recorder
