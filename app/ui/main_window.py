"""The packing-station window: scan or paste orders, fetch their waybills, check, print.

`MainWindow` wires the pieces together — the central `StationPanel` (scan bar, carrier
picker, queue table with the label preview, refused lines, progress rows), `OrderEntry`
(scans and pasted lines into the queue), `QueuePrinting` (Print selected / all ready),
`FetchCommands` (Fetch and its feedback) and the printing extras of `PrintCommands` — and
turns the shared `QAction`s into calls on them. Everything slow runs on the
`BackgroundRunner`; the window never waits for the network.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QWidget,
)

from app.core.model import Waybill
from app.core.settings import Settings
from app.printing.profile import LabelProfile
from app.ui.actions import WindowActions, action_button
from app.ui.carrier_refresh import start_carrier_refresh
from app.ui.feedback import BeepPlayer, FeedbackSounds
from app.ui.fetch_commands import FetchCommands
from app.ui.fetch_controller import FetchController
from app.ui.import_files import install_file_import
from app.ui.job_follow import connect_job_following
from app.ui.order_entry import OrderEntry
from app.ui.paste_dialog import PasteListDialog
from app.ui.print_commands import PrintCommands
from app.ui.print_controller import PrintController
from app.ui.printer_list import PrinterList
from app.ui.printer_state import connect_printer_state, printer_problem
from app.ui.printer_watch import PrinterWatch
from app.ui.prompts import explicit_ask
from app.ui.queue_model import Key, OrderQueueModel, RowState
from app.ui.queue_printing import QueuePrinting
from app.ui.scan_bar import Feedback
from app.ui.scan_catcher import ScanCatcher
from app.ui.scan_to_print import ScanToPrint
from app.ui.services import WindowServices
from app.ui.shortcuts_dialog import open_shortcuts_dialog
from app.ui.source_request import in_background
from app.ui.station_panel import StationPanel
from app.ui.unverified_dialog import confirm_print_anyway
from app.ui.window_fit import fit_to_screen, set_large_text
from app.ui.window_state import WindowStateStore


class MainWindow(QMainWindow):
    """The one window of the program."""

    def __init__(self, services: WindowServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.settings: Settings = services.settings
        self.setWindowTitle(self.tr("Waybill printer"))
        self.model = OrderQueueModel(self, language=services.language)
        self.actions_ = WindowActions(self)
        self.ask = services.ask or explicit_ask(self)
        request_source = services.request_source or in_background(
            services.make_source, services.runner
        )
        self.fetcher = FetchController(
            self.model, services.runner, request_source, self, language=services.language
        )
        self.printers = PrinterList(services.runner, services.printer_lookup, self)
        self.printers.start()
        # the queue checks a CUPS job's printer against this list, never asking CUPS here
        # (after closing: the last one; `snapshot` is a plain attribute)
        services.print_queue.use_printer_snapshot(lambda: self.printers.snapshot)
        self.printer = PrintController(
            self.model,
            services.print_queue,
            self.settings,
            self,
            pdf_dir=services.pdf_dir,
            guard=services.print_guard,
            ask=self.ask,
            confirm_unverified=services.confirm_unverified or self._confirm_unverified,
            language=services.language,
            printers=self.printers,
        )
        # the ledger's settles: off the GUI thread, in the order the jobs ended
        self.printer.service.set_settle_lane(services.runner.lane())
        self.printer_watch = PrinterWatch(
            services.runner,
            services.printer_status,
            lambda: self.settings.printer_name or None,
            self,
            interval_ms=services.printer_poll_ms,
        )
        self.scan_print = ScanToPrint(
            self.model,
            self.printer,
            self.fetch,
            self.tell,
            self,
            printer_problem=lambda: printer_problem(self),
        )
        # Scans typed while a dialog has the focus are caught and queued, not lost.
        self.scan_catcher = ScanCatcher(self, clock=services.scan_clock or time.monotonic)
        self.scan_catcher.scanned.connect(self.add_scan)
        self.scan_catcher.install()
        player = services.sound_player or BeepPlayer()
        self.sounds = FeedbackSounds(player, lambda: self.settings.sound_enabled)
        self._build()
        self.entry = OrderEntry(
            self.model,
            self.rejections,
            self.scan_print,
            window=self,
            tell=self.tell,
            default_carrier=self.default_carrier,
            scan_to_print=lambda: self.settings.scan_to_print,
            select_key=self._select_key,
            refocus=self._refocus,
            sample_orders=services.sample_orders,
        )
        self.queue_printing = QueuePrinting(
            self.model,
            self.printer,
            self.print_progress,
            ask=self.ask,
            tell=self.tell,
            selected_rows=self.selected_rows,
            parent=self,
        )
        self.print_commands = PrintCommands(self)
        self.fetch_commands = FetchCommands(
            self.model,
            self.fetcher,
            self.panel,
            self.actions_,
            self.scan_print,
            tell=self.tell,
            language=services.language,
            update_counts=self._update_counts,
            show_current=lambda: self._show_current(self.table.currentIndex()),
            parent=self,
        )
        cancel_printing = self.print_commands.cancel_printing
        self.print_progress.add_widget(action_button(cancel_printing, self.print_progress))
        self.importer = install_file_import(
            self, self.scan_bar.field, self.tell, self.add_text, services.runner
        )
        self._connect()
        self._update_counts()
        set_large_text(self, self.settings.big_font)
        fit_to_screen(self)
        state_file = services.window_state_file
        self.window_state = WindowStateStore(state_file) if state_file else None
        if self.window_state is not None:
            self.window_state.restore(self)
        self.carrier_refresher = start_carrier_refresh(
            self.carrier_box, services, self.default_carrier, self
        )
        self.menuBar().addMenu(self.tr("&Help")).addAction(self.actions_.shortcuts)  # last
        self.scan_bar.focus_field()

    # --- construction --------------------------------------------------------------------

    def _build(self) -> None:
        a = self.actions_
        self.panel = StationPanel(self.model, a, self.services, self.settings, self)
        p = self.panel
        self.demo_banner, self.carrier_box, self.printer_state = (
            p.demo_banner,
            p.carrier_box,
            p.printer_state,
        )
        self.scan_bar, self.rejections, self.table = p.scan_bar, p.rejections, p.table
        self.preview, self.splitter, self.print_progress = p.preview, p.splitter, p.print_progress
        self.setCentralWidget(p)

        a.fill_menu(
            self.menuBar().addMenu(self.tr("&Orders")),
            samples=bool(self.services.sample_orders),
            settings=self.services.edit_settings is not None,
        )
        self.addActions(
            [
                a.fetch,
                a.cancel,
                a.print_selected,
                a.print_all,
                a.remove,
                a.clear,
                a.paste_list,
                a.paste_clipboard,
                a.open_file,
                a.shortcuts,
                a.quit,
            ]
        )
        self.statusBar().showMessage(self.tr("Ready."))
        self.counts_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.counts_label)

    def _connect(self) -> None:
        a = self.actions_
        handlers = {
            a.fetch: self.fetch,
            a.print_selected: self.print_selected,
            a.print_all: self.print_all_ready,
            a.remove: self.remove_selected,
            a.clear: self.clear_queue,
            a.cancel: self.fetcher.cancel,
            a.paste_list: self.entry.open_paste_dialog,
            a.paste_clipboard: self.entry.paste_clipboard,
            a.load_samples: self.entry.load_samples,
            a.settings: self.open_settings,
            a.open_file: self.importer.choose_and_import,
            a.shortcuts: lambda: open_shortcuts_dialog(self, self._refocus),
            a.quit: self.close,
        }
        for action, handler in handlers.items():
            action.triggered.connect(handler)
            action.triggered.connect(self._refocus)
        self.scan_bar.submitted.connect(self.add_scan)
        self.scan_bar.pastedLines.connect(self.entry.add_text)
        self.rejections.dismissed.connect(self._refocus)
        self.carrier_box.activated.connect(self._refocus)
        self.fetch_commands.follow_fetcher()
        connect_printer_state(self)
        self.job_watch = connect_job_following(self)
        self.printer.pendingChanged.connect(self.print_progress.pending_changed)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.model.dataChanged.connect(self._on_rows_changed)
        self.model.rowsInserted.connect(self._update_counts)
        self.model.rowsRemoved.connect(self._update_counts)
        self.model.modelReset.connect(self._update_counts)
        self._counts_timer = QTimer(self, singleShot=True, interval=50)
        self._counts_timer.timeout.connect(self._update_counts)

    # --- feedback ------------------------------------------------------------------------

    def default_carrier(self) -> str:
        return self.carrier_box.current_carrier() or self.settings.default_carrier

    def tell(self, text: str, tone: Feedback = Feedback.INFO) -> None:
        """Say something in the message line under the scan field and in the status bar."""
        self.scan_bar.show_message(text, tone)
        self.sounds.for_tone(tone)
        self.statusBar().showMessage(text, 15_000)

    def _refocus(self) -> None:
        """Back to the scan field (unless a dialog of ours is open)."""
        if self.paste_dialog is None and QApplication.activeModalWidget() is None:
            if not self.isActiveWindow():
                self.activateWindow()
            self.scan_bar.focus_field()

    def _schedule_counts(self) -> None:
        self._counts_timer.start()

    def _update_counts(self) -> None:
        counts = self.model.counts()
        total = sum(counts.values())
        count = self.tr("{0}: {1}")  # "{0}：{1}" in Chinese, with its own punctuation
        parts = [count.format(self.model.state_text(s), n) for s, n in counts.items() if n]
        self.counts_label.setText(
            self.tr("%n order(s)", "", total) + (" — " + self.tr(", ").join(parts) if parts else "")
        )
        self.actions_.print_all.setEnabled(counts[RowState.READY] > 0)
        self.actions_.print_selected.setEnabled(total > 0)  # a selected row can say why not
        self.actions_.fetch.setEnabled(
            not self.fetcher.running and (counts[RowState.QUEUED] + counts[RowState.ERROR]) > 0
        )

    # --- adding orders (`OrderEntry`) -------------------------------------------------------

    @property
    def paste_dialog(self) -> PasteListDialog | None:
        return self.entry.paste_dialog

    def add_scan(self, text: str) -> None:
        self.entry.add_scan(text)

    def add_text(self, text: str) -> int:
        return self.entry.add_text(text)

    # --- fetching ------------------------------------------------------------------------

    def fetch(self) -> None:
        self.fetch_commands.fetch()

    # --- printing ------------------------------------------------------------------------

    def _confirm_unverified(self, waybill: Waybill, reason: str) -> bool:
        return confirm_print_anyway(self, self.services.label_profile, waybill, reason)

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def print_selected(self) -> None:
        self.queue_printing.print_selected()

    def print_all_ready(self) -> None:
        self.queue_printing.print_all_ready()

    # --- removing ------------------------------------------------------------------------

    def remove_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            self.tell(self.tr("Select the rows to remove."), Feedback.WARNING)
            return
        removed = self.model.remove_rows(rows)
        self.tell(self.tr("Removed %n order(s).", "", removed))

    def clear_queue(self) -> None:
        count = self.model.rowCount()
        if count == 0:
            return
        unprinted = count - self.model.counts()[RowState.PRINTED]
        question = self.tr("Remove all %n order(s) from the list?", "", count)
        if unprinted:
            question += " " + self.tr("%n of them are not printed.", "", unprinted)
        if not self.ask(self.tr("Clear the list?"), question):
            return
        if self.fetcher.running:
            self.fetcher.cancel()
        self.model.clear()
        self.rejections.dismiss()
        self.preview.show_waybill(None)
        self.tell(self.tr("Cleared %n order(s).", "", count))

    # --- selection and preview -------------------------------------------------------------

    def _select_key(self, key: Key) -> None:
        row = self.model.row_for_key(key)
        if row is None:
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _show_current(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        self.preview.show_row(self.model.row_at(current.row()) if current.isValid() else None)

    def _on_rows_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        self._schedule_counts()
        current = self.table.currentIndex()
        if current.isValid() and top_left.row() <= current.row() <= bottom_right.row():
            self._show_current(current)

    # --- settings and closing --------------------------------------------------------------

    def open_settings(self) -> None:
        if self.services.edit_settings is None:
            return
        new = self.services.edit_settings(self, self.settings)
        if new is not None:
            self.apply_settings(new)
        self._refocus()

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        if isinstance(self.services.label_profile, LabelProfile):
            self.services.label_profile.apply_settings(settings)
        self.printer.set_settings(settings)
        self.print_commands.settings_applied(settings)
        self.fetcher.reset_source()
        set_large_text(self, settings.big_font)
        self.panel.set_big_font(settings.big_font)
        self.carrier_box.set_carriers(self.services.carriers, settings.default_carrier)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.printer.drop_claims()  # a claim not made yet is not made now
        self.printer_watch.stop()
        self.printers.stop()
        if self.job_watch is not None:
            self.job_watch.stop()
        self.scan_catcher.uninstall()
        self.fetcher.cancel()
        if self.window_state is not None:
            self.window_state.save(self)
        super().closeEvent(event)
