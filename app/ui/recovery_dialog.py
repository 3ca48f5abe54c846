"""Bringing back what the last run left unfinished, and asking about prints nobody saw end.

At start `Ledger.recover()` (see `app.core.ledger`) returns three lists. `restore_unfinished`
puts the first two back into the queue: orders never fetched as queued rows, labels fetched
but not printed as ready rows with their stored label (no network needed). It never prints.

`RecoveryDialog` lists the third: prints whose outcome is unknown because the program ended
while the job was out. They are NEVER printed again automatically; the packer checks the
printer and answers per print "the label came out" or "it did not"
(`Ledger.confirm_print`, written on the background runner). A label that did not come out
is put back into the queue as a ready row, to be printed when the packer chooses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.ledger import Ledger
from app.core.ledger_records import PrintRecord, Recovery
from app.core.model import Waybill
from app.printing.ledger_guard import LedgerRows
from app.ui.background import BackgroundRunner
from app.ui.queue_model import OrderQueueModel


@dataclass(frozen=True)
class Restored:
    """How many rows `restore_unfinished` put back."""

    queued: int
    ready: int
    unknown: int

    @property
    def any(self) -> bool:
        return bool(self.queued or self.ready or self.unknown)


def add_ready_row(model: OrderQueueModel, waybill: Waybill) -> bool:
    """Add a stored label as a ready row (False if its order is in the queue already)."""
    if model.add_refs([waybill.ref]).added != 1:
        return False
    model.set_fetching([waybill.ref.key])
    model.apply_waybills([waybill])
    return True


def restore_unfinished(model: OrderQueueModel, recovery: Recovery, rows: LedgerRows) -> Restored:
    """Put unfetched orders (queued) and unprinted labels (ready) back into the queue."""
    queued = model.add_refs(order.ref for order in recovery.unfetched).added
    rows.bind((order.ref.key, order.order_row_id) for order in recovery.unfetched)
    ready = 0
    for item in recovery.unprinted:
        rows.bind([(item.waybill.ref.key, item.order_row_id)])
        ready += int(add_ready_row(model, item.waybill))
    return Restored(queued, ready, len(recovery.unknown_prints))


def recovery_notice(restored: Restored) -> str:
    """What to tell the packer about the work the last run left unfinished."""
    parts = [
        QCoreApplication.translate(
            "RecoveryDialog", "Work left unfinished by the last run is back:"
        )
    ]
    if restored.queued:
        parts.append(
            QCoreApplication.translate(
                "RecoveryDialog", "%n order(s) to fetch,", "", restored.queued
            )
        )
    if restored.ready:
        parts.append(
            QCoreApplication.translate(
                "RecoveryDialog", "%n label(s) ready to print,", "", restored.ready
            )
        )
    if restored.unknown:
        parts.append(
            QCoreApplication.translate(
                "RecoveryDialog",
                "%n print(s) with an unknown outcome: check the printer and answer.",
                "",
                restored.unknown,
            )
        )
    return " ".join(parts).rstrip(",") + ("" if restored.unknown else ".")


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


class RecoveryDialog(QDialog):
    """Lists prints of an earlier run whose outcome is unknown; the packer settles each."""

    confirmed = Signal(int, bool)
    """(print id, the label came out) once the answer is on record."""

    def __init__(
        self,
        ledger: Ledger,
        prints: tuple[PrintRecord, ...] | list[PrintRecord],
        runner: BackgroundRunner,
        model: OrderQueueModel,
        rows: LedgerRows,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._runner = runner
        self._model = model
        self._rows = rows
        self.prints = list(prints)
        self.errors: list[str] = []
        self.setWindowTitle(self.tr("Prints with an unknown outcome"))
        intro = QLabel(
            self.tr(
                "The program ended while these labels were being printed, so nobody knows "
                "whether they came out. They are not printed again automatically. Check the "
                "printer (and the parcels), then say for each one whether its label came out."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Waybill"), self.tr("Printer"), self.tr("Started"), self.tr("Answer")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for record in self.prints:
            row = self.table.rowCount()
            self.table.insertRow(row)
            texts = (record.waybill_id, record.printer, _when(record.started_at), "")
            for column, text in enumerate(texts):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.printed_button = QPushButton(self.tr("The label came out"), self)
        self.not_printed_button = QPushButton(self.tr("It did not come out"), self)
        self.printed_button.clicked.connect(lambda: self.answer_selected(True))
        self.not_printed_button.clicked.connect(lambda: self.answer_selected(False))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.printed_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.not_printed_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(720, 320)
        if self.prints:
            self.table.selectRow(0)

    def answer_selected(self, printed: bool) -> bool:
        """Record the answer for the selected print; False when none is selected."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return False
        return self.answer(rows[0].row(), printed)

    def answer(self, row: int, printed: bool) -> bool:
        """Record the packer's answer for the print in table row `row` (in the background)."""
        if not 0 <= row < len(self.prints):
            return False
        record = self.prints[row]
        item = self.table.item(row, 3)
        if item is not None and item.text():
            return False  # answered already
        self._set_answer(row, self.tr("saving…"))

        def work() -> Waybill | None:
            self._ledger.confirm_print(record.id, printed)
            return None if printed else self._ledger.stored_waybill(record.order_row_id)

        def done(waybill: object) -> None:
            self._set_answer(row, self.tr("came out") if printed else self.tr("not printed"))
            if isinstance(waybill, Waybill) and waybill.printable:
                self._rows.bind([(waybill.ref.key, record.order_row_id)])
                add_ready_row(self._model, waybill)
            self.confirmed.emit(record.id, printed)

        def failed(exc: BaseException) -> None:
            self._set_answer(row, "")
            self.errors.append(str(exc))

        self._runner.run(work, on_done=done, on_error=failed)
        return True

    def _set_answer(self, row: int, text: str) -> None:
        self.table.setItem(row, 3, QTableWidgetItem(text))
