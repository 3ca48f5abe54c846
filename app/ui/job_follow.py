"""The window's side of following labels to paper: rows, the packer's line, stuck labels.

`connect_job_following(window)` gives the window's `PrintController` a `JobWatch`
(`app.ui.job_watch`) when CUPS can be asked: a label CUPS accepted stays *printing* ("sent
to X, waiting for the paper") and its ledger print `sent` until CUPS completed the job;
then the row is printed. A job cancelled or aborted in CUPS, or gone with its deleted
printer, ends failed with that reason (row ready again, error line). A job not completed
within the `stuck_after_s` setting is reported stuck: red line with the printer's reason,
and the "Stuck labels" button beside the printer state opens `StuckLabelsDialog`, where
the packer cancels the job, prints it again on this or another printer (recorded as a
reprint; the stuck job is cancelled first so it cannot come out too) or marks it printed
after checking. Nothing is printed again automatically. After a restart,
`follow_left_in_printer` takes up the labels an earlier run left sent or stuck.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.ledger_records import PrintRecord
from app.core.model import Waybill
from app.core.print_outcome import OutcomeKind, PrintResult
from app.core.settings import Settings
from app.printing.ledger_guard import LedgerPrintGuard
from app.ui.feedback import Feedback
from app.ui.job_watch import FollowedLabel, JobWatch, Key, Settle
from app.ui.print_controller import PrintController, PrintRequestResult
from app.ui.printer_list import PrinterList
from app.ui.queue_model import OrderQueueModel
from app.ui.recovery_dialog import add_ready_row
from app.ui.services import WindowServices
from app.ui.station_panel import StationPanel

log = logging.getLogger(__name__)


class RowsHost(Protocol):
    """What taking up labels left in the printer uses of the window."""

    @property
    def services(self) -> WindowServices: ...

    @property
    def printer(self) -> PrintController: ...

    @property
    def model(self) -> OrderQueueModel: ...


class JobFollowHost(RowsHost, Protocol):
    """What following labels to paper uses of the window."""

    @property
    def settings(self) -> Settings: ...

    @property
    def panel(self) -> StationPanel: ...

    @property
    def printers(self) -> PrinterList: ...

    def tell(self, text: str, tone: Feedback = Feedback.INFO) -> None: ...

    def window(self) -> QWidget: ...


def connect_job_following(window: JobFollowHost) -> JobWatch | None:
    """See the module docstring; None where CUPS cannot be asked (jobs are not followed)."""
    guard = window.printer.guard
    ledger_guard = guard if isinstance(guard, LedgerPrintGuard) else None
    settle: Settle | None = None
    if ledger_guard is not None:
        lane = window.services.runner.lane()  # ledger writes off the GUI thread, in order

        def settle(token: object, result: PrintResult) -> None:
            assert ledger_guard is not None
            lane.run(ledger_guard.followed_write(token, result), on_error=_log_failed_write)

    watch = JobWatch(
        window.services.runner,
        window.services.printer_status,
        settle,
        window.window(),
        stuck_after_s=window.settings.stuck_after_s,
    )
    if not watch.active:
        return None
    if ledger_guard is not None:
        ledger_guard.follows = watch.accepts
    window.printer.jobs.watch = watch
    button = window.panel.stuck_button

    def ended(label: FollowedLabel, result: PrintResult) -> None:
        message = result.detail if result.ok else result.message(window.services.language)
        window.printer.jobs.end(label.key, label.printer, result, message)
        if result.kind is OutcomeKind.STUCK:
            text = QCoreApplication.translate(
                "JobFollow",
                "Label {0} is stuck on {1}: {2}. Fix the printer; or open Stuck labels to "
                "cancel it, print it again or mark it printed.",
            ).format(label.key[0], label.printer, result.detail)
            window.tell(text, Feedback.ERROR)

    def changed() -> None:
        stuck = len(watch.stuck)
        button.setText(QCoreApplication.translate("JobFollow", "Stuck labels ({0})").format(stuck))
        button.setVisible(stuck > 0)
        window.printer.tell_pending()

    watch.ended.connect(ended)
    watch.changed.connect(changed)
    button.clicked.connect(lambda: StuckLabelsDialog(window, watch, window.window()).exec())
    return watch


def _log_failed_write(exc: BaseException) -> None:
    log.error("the end of a followed print could not be recorded: %s", exc)


def follow_left_in_printer(window: RowsHost, records: Sequence[PrintRecord]) -> None:
    """Labels an earlier run sent (or left stuck) and never saw end: their rows come back
    as printing and their CUPS jobs are followed again — printed once CUPS completes
    them, failed if they are gone; never sent again. The stored labels are read off the
    GUI thread."""
    watch, guard = window.printer.jobs.watch, window.printer.guard
    if watch is None or not records or not isinstance(guard, LedgerPrintGuard):
        return
    ledger = guard.ledger

    def read() -> list[tuple[PrintRecord, Waybill | None]]:
        return [(record, ledger.stored_waybill(record.order_row_id)) for record in records]

    def follow(found: list[tuple[PrintRecord, Waybill | None]]) -> None:
        for record, waybill in found:
            if (
                waybill is None
                or record.cups_job is None
                or not add_ready_row(window.model, waybill)
            ):
                continue
            key = waybill.ref.key
            guard.rows.bind([(key, record.order_row_id)])
            claim = guard.token_for(record)
            spooled = PrintResult(OutcomeKind.SPOOLED, record.message, cups_job=record.cups_job)
            window.model.mark_sent(key, record.printer)
            watch.follow(key, claim, record.printer, spooled)

    window.services.runner.run(read, on_done=follow)


# -- the packer's decisions --------------------------------------------------------------


def cancel_stuck(window: JobFollowHost, watch: JobWatch, key: Key) -> bool:
    """Cancel the stuck label's job in CUPS; it then ends failed (row ready again)."""
    return watch.cancel(key)


def mark_stuck_printed(window: JobFollowHost, watch: JobWatch, key: Key) -> bool:
    """The packer saw it come out: confirmed printed (its job cancelled so it cannot come
    again)."""
    label = watch.mark_printed(key)
    if label is None:
        return False
    result = PrintResult(
        OutcomeKind.CONFIRMED_PRINTED,
        QCoreApplication.translate("JobFollow", "checked by the packer"),
        cups_job=label.job_id,
    )
    window.printer.jobs.end(key, label.printer, result, result.detail)
    return True


def retry_stuck(window: JobFollowHost, watch: JobWatch, key: Key, printer: str) -> bool:
    """Print the stuck label again on `printer` as a recorded reprint; its stuck job is
    cancelled and its print recorded failed, so it cannot come out as well (once the
    reprint's claim is back and its job submitted; a refused one stays stuck). False when
    it is known at once that nothing is printed."""
    position = window.model.row_for_key(key)
    label = watch.label_for(key)
    if position is None or label is None:
        return False
    waybill = window.model.row_at(position).waybill
    if waybill is None:
        return False
    why = QCoreApplication.translate(
        "JobFollow", "cancelled by the packer and printed again on {0}"
    ).format(printer)
    window.model.mark_print_failed(key, why)  # the row may print again

    def claimed(result: PrintRequestResult) -> None:
        if not result.submitted:
            window.model.mark_stuck(key, label.stuck_reason)
            return
        watch.give_up(key, why)

    # claimed while the stuck print still holds the waybill: recorded as a reprint
    result = window.printer.print_waybills(
        [waybill], reprint=True, source="retry", printer=printer, then=claimed
    )
    return result.submitted > 0 or not result.finished


class StuckLabelsDialog(QDialog):
    """The stuck labels, and what the packer can do about each one."""

    def __init__(self, window: JobFollowHost, watch: JobWatch, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Stuck labels"))
        self._window, self._watch = window, watch
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "These labels were sent but have not come out. Fix the printer and they "
                    "print by themselves; or decide for each one:"
                ),
                self,
            )
        )
        self.labels = QListWidget(self)
        layout.addWidget(self.labels)
        row = QHBoxLayout()
        self.cancel_job = QPushButton(self.tr("Cancel the job"), self)
        self.mark_printed = QPushButton(self.tr("It came out: mark printed"), self)
        self.retry = QPushButton(self.tr("Print again on:"), self)
        self.printers = QComboBox(self)
        self._fill_printers()  # from the window's list, asked again in the background:
        window.printers.after_refresh(self._fill_printers)
        for widget in (self.cancel_job, self.mark_printed, self.retry, self.printers):
            row.addWidget(widget)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.cancel_job.clicked.connect(lambda: self._act(cancel_stuck))
        self.mark_printed.clicked.connect(lambda: self._act(mark_stuck_printed))
        self.retry.clicked.connect(
            lambda: self._act(
                lambda w, watch, key: retry_stuck(w, watch, key, self.printers.currentText())
            )
        )
        watch.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self._keys = [label.key for label in self._watch.stuck]
        self.labels.clear()
        for label in self._watch.stuck:
            self.labels.addItem(
                self.tr("{0} on {1} (job {2}): {3}").format(
                    label.key[0], label.printer, label.job_id, label.stuck_reason
                )
            )
        if self._keys:
            self.labels.setCurrentRow(0)
            self._choose_printer(self._watch.stuck[0].printer)

    def _fill_printers(self) -> None:
        chosen = self.printers.currentText()
        self.printers.clear()
        self.printers.addItems(self._window.printers.names)
        self._choose_printer(chosen)

    def _choose_printer(self, name: str) -> None:
        if self.printers.findText(name) >= 0:
            self.printers.setCurrentText(name)

    def _act(self, action: object) -> None:
        row = self.labels.currentRow()
        if not 0 <= row < len(self._keys) or not callable(action):
            return
        action(self._window, self._watch, self._keys[row])
        self.refresh()
