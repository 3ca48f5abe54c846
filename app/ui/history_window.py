"""The print history: search the ledger, see every attempt, reprint or export stored labels.

`HistoryWindow` searches by order id, waybill id, carrier and date range (the ledger's
`search`, on the `BackgroundRunner`), shows each order's print attempts, and works with the
label the ledger STORED when it was fetched — no network involved:

- Reprint goes through the window's one print path,
  `PrintController.print_waybills(..., reprint=True, source="history")`, so the print guard
  records it as a reprint;
- Export PDF renders the stored label into a folder (`app.printing.export.PdfExport`);
- Export CSV writes the rows found for audits (`Ledger.export_csv`).

Every ledger read and the CSV write run on the background runner; the window only shows
(the two tables, orders found and attempts, are `app.ui.history_tables`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QStandardPaths, QTime, Signal
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.ledger import Ledger
from app.core.ledger_records import HistoryFilter, HistoryRow, OrderState, PrintRecord
from app.core.model import Waybill
from app.core.settings import Settings
from app.printing.export import ExportLabel, ExportResult, PdfExport
from app.printing.ledger_guard import tag_order
from app.printing.page_setup import job_title, page_size_for
from app.printing.render import LabelRenderer
from app.ui.background import BackgroundRunner
from app.ui.history_tables import AttemptsTable, OrdersTable
from app.ui.print_controller import NoPrinter, PrintController, PrintRequestResult
from app.ui.scan_catcher import TAKES_SCANS

SOURCE = "history"
PAGE = 500
"""Orders shown per page; "Next page" and "Previous page" move through the rest."""


def _day_start(date: QDate) -> float:
    return float(QDateTime(date, QTime(0, 0)).toSecsSinceEpoch())


class HistoryWindow(QDialog):
    """Search, attempts, reprint, PDF and CSV export over the ledger (module docstring)."""

    searched = Signal(int)
    """A search ended with this many rows."""
    attemptsShown = Signal(int)
    """The attempts of the selected order are shown (how many)."""
    message = Signal(str)
    """Something to tell the packer (also shown in the window's status line)."""
    exported = Signal(object)
    """A PDF export ended: an `ExportResult`."""

    def __init__(
        self,
        ledger: Ledger,
        runner: BackgroundRunner,
        printer: PrintController,
        profile: QWebEngineProfile,
        settings: Callable[[], Settings],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._runner = runner
        self._printer = printer
        self._profile = profile
        self._settings = settings
        self._export: PdfExport | None = None
        self.rows: list[HistoryRow] = []
        self.attempts: list[PrintRecord] = []
        self.last_print: PrintRequestResult | None = None
        self._generation = 0
        self.setWindowTitle(self.tr("Print history"))
        self._build()

    # --- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.order_edit = QLineEdit(self)
        self.waybill_edit = QLineEdit(self)
        self.carrier_edit = QLineEdit(self)
        self.station_edit = QLineEdit(self)
        self.station_edit.setToolTip(
            self.tr("Only orders printed at this station (its exact name)")
        )
        for scan_box in (self.order_edit, self.waybill_edit):
            scan_box.setProperty(TAKES_SCANS, True)  # a scan here searches the history
        self.use_dates = QCheckBox(self.tr("Only from"), self)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-7), self)
        self.date_to = QDateEdit(today, self)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(self.tr("to"), self))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Order id:"), self.order_edit)
        form.addRow(self.tr("Waybill id:"), self.waybill_edit)
        form.addRow(self.tr("Carrier:"), self.carrier_edit)
        form.addRow(self.tr("Station:"), self.station_edit)
        form.addRow(self.tr("Date:"), dates)

        self.search_button = QPushButton(self.tr("&Search"), self)
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(lambda: self.search())
        self.previous_button = QPushButton(self.tr("Pre&vious page"), self)
        self.previous_button.setToolTip(self.tr("Show the newer orders that match"))
        self.next_button = QPushButton(self.tr("&Next page"), self)
        self.next_button.setToolTip(self.tr("Show the next older orders that match"))
        for button in (self.previous_button, self.next_button):
            button.setEnabled(False)
        self.previous_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.page: int = 0
        """The page shown (0 = the newest `PAGE` matches)."""
        self.total = 0
        """How many orders the last search matched, all pages together."""
        self._query: HistoryFilter | None = None
        for line in (self.order_edit, self.waybill_edit, self.carrier_edit, self.station_edit):
            line.returnPressed.connect(self.search)

        self.table = OrdersTable(self)
        self.attempts_table = AttemptsTable(self)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_attempts())

        self.reprint_button = QPushButton(self.tr("&Reprint"), self)
        self.reprint_button.setToolTip(self.tr("Print the stored label again, as a reprint"))
        self.export_pdf_button = QPushButton(self.tr("Export &PDF…"), self)
        self.export_pdf_button.setToolTip(self.tr("Save the stored label as a PDF file"))
        self.export_csv_button = QPushButton(self.tr("Export &CSV…"), self)
        self.export_csv_button.setToolTip(self.tr("Save the rows found as a CSV file"))
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.export_pdf_button.clicked.connect(self.ask_export_pdf)
        self.export_csv_button.clicked.connect(self.ask_export_csv)
        self.status = QLabel(self)
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.search_button)
        actions = QHBoxLayout()
        for button in (self.reprint_button, self.export_pdf_button, self.export_csv_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.previous_button)
        actions.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 3)
        layout.addWidget(QLabel(self.tr("Print attempts of the selected order:"), self))
        layout.addWidget(self.attempts_table, 2)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.resize(980, 640)

    def tell(self, text: str) -> None:
        self.status.setText(text)
        self.message.emit(text)

    # --- searching -------------------------------------------------------------------------

    def search(self) -> None:
        """Search the ledger with the fields as they are (in the background): how many
        orders match, and the first page of them (the newest `PAGE`)."""
        since = until = None
        if self.use_dates.isChecked():
            since = _day_start(self.date_from.date())
            until = _day_start(self.date_to.date().addDays(1)) - 0.001
        self._query = HistoryFilter(
            order_id=self.order_edit.text().strip() or None,
            waybill_id=self.waybill_edit.text().strip() or None,
            delivery_id=self.carrier_edit.text().strip() or None,
            since=since,
            until=until,
            station=self.station_edit.text().strip() or None,
        )
        self._load(self._query, 0)

    def show_page(self, page: int) -> None:
        """Show page `page` of the last search (counted again: the ledger may have grown)."""
        if self._query is not None and page >= 0:
            self._load(self._query, page)

    def _load(self, query: HistoryFilter, page: int) -> None:
        ledger = self._ledger

        def read() -> tuple[int, list[HistoryRow]]:
            total = ledger.count(query)
            rows = ledger.search(query, limit=PAGE, offset=page * PAGE)
            return total, rows

        for button in (self.search_button, self.previous_button, self.next_button):
            button.setEnabled(False)
        self._generation += 1
        generation = self._generation

        def done(result: object) -> None:
            if generation == self._generation:  # an older search's answer is dropped
                total, rows = result if isinstance(result, tuple) else (0, [])
                self._show_rows(page, int(total), rows)

        self._runner.run(read, on_done=done, on_error=self._failed)

    def _show_rows(self, page: int, total: int, rows: object) -> None:
        self.search_button.setEnabled(True)
        found = [r for r in rows if isinstance(r, HistoryRow)] if isinstance(rows, list) else []
        self.page, self.total, self.rows = page, total, found
        self.table.show_rows(self.rows)
        self.attempts = []
        self.attempts_table.setRowCount(0)
        first = page * PAGE
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(first + len(self.rows) < total)
        self.tell(self.count_text(total, first, len(self.rows)))
        if self.rows:
            self.table.selectRow(0)
        self.searched.emit(len(self.rows))

    def count_text(self, total: int, first: int, shown: int) -> str:
        """What the status line says about a page: the true count and which rows are shown."""
        if total == 0:
            return self.tr("No orders found.")
        if total == 1 and first == 0:
            return self.tr("1 order found.")
        if first == 0 and shown == total:
            return self.tr("{0} orders found.").format(f"{total:,}")
        pages = -(-total // PAGE)
        return self.tr("{0} orders found; showing {1}–{2} (page {3} of {4}).").format(
            f"{total:,}",
            f"{first + 1:,}" if shown else "0",
            f"{first + shown:,}",
            f"{first // PAGE + 1:,}",
            f"{pages:,}",
        )

    def state_text(self, state: OrderState) -> str:
        """A ledger state as the packer reads it."""
        return self.table.state_text(state)

    def _failed(self, exc: BaseException) -> None:
        self.search_button.setEnabled(True)
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled((self.page + 1) * PAGE < self.total)
        self.tell(self.tr("The history could not be read: {0}").format(exc))

    def selected(self) -> HistoryRow | None:
        current = self.table.currentRow()
        return self.rows[current] if 0 <= current < len(self.rows) else None

    def select(self, position: int) -> None:
        self.table.selectRow(position)

    # --- attempts --------------------------------------------------------------------------

    def show_attempts(self) -> None:
        row = self.selected()
        if row is None:
            return
        self._runner.run(
            self._ledger.attempts,
            row.order_row_id,
            on_done=self._fill_attempts,
            on_error=self._failed,
        )

    def _fill_attempts(self, attempts: object) -> None:
        found = attempts if isinstance(attempts, list) else []
        self.attempts = [a for a in found if isinstance(a, PrintRecord)]
        self.attempts_table.show_attempts(self.attempts)
        self.attemptsShown.emit(len(self.attempts))

    # --- the stored label ------------------------------------------------------------------

    def _with_stored_label(self, then: Callable[[Waybill], None]) -> bool:
        row = self.selected()
        if row is None:
            self.tell(self.tr("Select an order first."))
            return False
        order_row = row.order_row_id

        def done(waybill: object) -> None:
            if not isinstance(waybill, Waybill) or not waybill.printable:
                self.tell(self.tr("There is no stored label for {0}.").format(row.order_id))
                return
            then(tag_order(waybill, order_row))

        self._runner.run(
            self._ledger.stored_waybill, order_row, on_done=done, on_error=self._failed
        )
        return True

    def reprint_selected(self) -> bool:
        """Print the selected order's stored label again (recorded as a reprint)."""
        return self._with_stored_label(self._reprint)

    def _reprint(self, waybill: Waybill) -> None:
        try:
            self.last_print = self._printer.print_waybills(
                [waybill], reprint=True, source=SOURCE, then=self._reprinted
            )
        except NoPrinter as exc:
            self.tell(str(exc))

    def _reprinted(self, result: PrintRequestResult) -> None:
        if not result.cancelled:
            self.tell(self._printer.describe(result, explain=True)[0])

    def ask_export_pdf(self) -> None:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export PDF files to"), start)
        if folder:
            self.export_pdf(Path(folder))

    def export_pdf(self, folder: Path) -> bool:
        """Write the selected order's stored label as a PDF file into `folder`."""

        def export(waybill: Waybill) -> None:
            if self._export is None:
                renderer = LabelRenderer(self._profile, self)
                self._export = PdfExport(renderer, self, offload=self._runner.offload)
                self._export.finished.connect(self._on_exported)
            size = page_size_for(waybill, self._settings())
            label = ExportLabel(job_title(waybill), waybill.html or "", size)
            if not self._export.start([label], folder=folder):
                self.tell(self.tr("An export is running already."))

        return self._with_stored_label(export)

    def _on_exported(self, result: ExportResult) -> None:
        if result.files:
            self.tell(self.tr("Exported to {0}.").format(result.files[0]))
        else:
            reason = result.error or (result.failed[0][1] if result.failed else "")
            self.tell(self.tr("Export failed: {0}").format(reason))
        self.exported.emit(result)

    # --- CSV -------------------------------------------------------------------------------

    def ask_export_csv(self) -> None:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        name, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Export history as CSV"),
            str(Path(start) / f"print-history-{stamp}.csv"),
            self.tr("CSV files (*.csv)"),
        )
        if name:
            self.export_csv(Path(name))

    def export_csv(self, path: Path) -> None:
        """Write the rows found to `path` as CSV (in the background)."""
        rows = list(self.rows)

        def done(count: object) -> None:
            self.tell(self.tr("%n row(s) written to {0}.", "", len(rows)).format(path))

        self._runner.run(Ledger.export_csv, rows, path, on_done=done, on_error=self._failed)
