"""Building a ledger-backed `MainWindow` for tests: a real ledger file, the sandbox, real
threads; and small helpers to read the ledger back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtWebEngineCore import QWebEngineProfile

from app.core.ledger import Ledger
from app.core.ledger_records import HistoryFilter, HistoryRow, PrintRecord
from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.ledger_session import LedgerFeatures, attach_ledger, open_ledger_session
from app.ui.main_window import MainWindow
from tests.fixtures.qt import barcode_label_html
from tests.unit.ui.support import open_window


def stored_label(order_id: str, waybill_id: str, carrier: str = "SF") -> Waybill:
    """A fetched, printable waybill as the sandbox would give (for filling a ledger)."""
    return Waybill(
        ref=OrderRef(order_id, carrier),
        status=WaybillStatus.OK,
        errcode=0,
        errmsg="ok",
        waybill_id=waybill_id,
        html=barcode_label_html(waybill_id, 100, 150),  # its barcode reads the waybill id
        page_size=PageSizeMm(100, 150),
    )


@contextmanager
def ledger_window(
    sandbox: SandboxServer,
    profile: QWebEngineProfile,
    queue: PrintQueue,
    pdf_dir: Path | None,
    ledger_path: Path | str,
    *,
    retention_days: int = 180,
    earlier_runs_died: bool = False,
    station: str | None = None,
    **overrides: Any,
) -> Iterator[tuple[MainWindow, LedgerFeatures]]:
    """A shown window whose prints, fetches and queue go to the ledger at `ledger_path`,
    set up as `window_session` does (open, prune, recover, guard, attach).

    `earlier_runs_died`: runs still open on the ledger (made in this test process) count
    as runs whose process is gone, as if they had crashed.
    """
    options: dict[str, Any] = {"station": station}
    if earlier_runs_died:
        options["process_alive"] = lambda _host, _pid: False
    session = open_ledger_session(ledger_path, retention_days, **options)
    try:
        with open_window(
            sandbox, profile, queue, pdf_dir, print_guard=session.guard, **overrides
        ) as window:
            features = attach_ledger(window, session)
            yield window, features
            if features.recovery_dialog is not None:
                features.recovery_dialog.close()
            if features.history is not None:
                features.history.close()
    finally:
        session.close()


def history_row(ledger: Ledger, order_id: str) -> HistoryRow:
    (row,) = [r for r in ledger.search(HistoryFilter(order_id=order_id)) if r.order_id == order_id]
    return row


def prints_of(ledger: Ledger, order_id: str) -> list[PrintRecord]:
    return ledger.attempts(history_row(ledger, order_id).order_row_id)
