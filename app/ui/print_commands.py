"""The window's printing extras: printer picker, Cancel printing, preview, PDF export and
the Print-on-scan switch, with their actions, menu and toolbar.

`PrintCommands(window)` builds them onto the window (`PrintCommandsHost`: the few
members of the main window it uses) and keeps the packer informed
through `window.tell`. Settings changed here (printer, print on scan) are remembered with
the window's `services.save_settings`, the same save path the Settings dialog uses.
Exports take the selected rows with a printable label, or every ready/printed one when
nothing is selected; a cancelled waybill is never exported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QMenuBar, QToolBar, QWidget

from app.core.model import Waybill
from app.core.settings import Settings
from app.printing.export import ExportLabel, ExportResult, PdfExport
from app.printing.page_setup import job_title, page_size_for
from app.printing.render import LabelRenderer
from app.ui.actions import make_action
from app.ui.print_controller import PrintController
from app.ui.print_preview import open_print_preview
from app.ui.print_setup import PrinterPicker
from app.ui.printer_list import PrinterList
from app.ui.queue_model import OrderQueueModel, RowState
from app.ui.queue_view import QueueView
from app.ui.scan_bar import Feedback
from app.ui.services import WindowServices

_EXPORTABLE = (RowState.READY, RowState.PRINTED, RowState.PRINTING)


class PrintCommandsHost(Protocol):
    """What the printing commands use of the window (its settings they may replace)."""

    settings: Settings

    @property
    def services(self) -> WindowServices: ...

    @property
    def printer(self) -> PrintController: ...

    @property
    def printers(self) -> PrinterList: ...

    @property
    def model(self) -> OrderQueueModel: ...

    @property
    def table(self) -> QueueView: ...

    def tell(self, text: str, tone: Feedback = Feedback.INFO) -> None: ...

    def selected_rows(self) -> list[int]: ...

    def window(self) -> QWidget: ...

    def menuBar(self) -> QMenuBar: ...

    def addToolBar(self, toolbar: QToolBar, /) -> None: ...

    def addActions(self, actions: Sequence[QAction], /) -> None: ...


class PrintCommands(QObject):
    """Builds and runs the printing commands of one window (see the module docstring)."""

    def __init__(self, window: PrintCommandsHost) -> None:
        widget = window.window()
        super().__init__(widget)
        self._window = window
        self._widget = widget
        self._renderer: LabelRenderer | None = None
        self._export: PdfExport | None = None
        self.preview_dialog: QPrintPreviewDialog | None = None
        self.last_export: ExportResult | None = None
        key = QKeySequence
        self.cancel_printing = make_action(
            widget,
            self.tr("Cancel printing"),
            self.tr("Drop the labels still waiting to print"),
            [key("Shift+Esc")],
        )
        self.cancel_printing.setEnabled(False)
        self.preview = make_action(
            widget,
            self.tr("Print pre&view…"),
            self.tr("Show the selected label as it will print"),
            [key("Ctrl+Shift+R")],
        )
        self.export_files = make_action(
            widget,
            self.tr("&Export PDF files…"),
            self.tr("Save the selected (or all ready) labels as one PDF file each"),
            [key("Ctrl+E")],
        )
        self.export_combined = make_action(
            widget,
            self.tr("Export &combined PDF…"),
            self.tr("Save the selected (or all ready) labels as one PDF, a page per label"),
            [key("Ctrl+Shift+E")],
        )
        self.scan_to_print = make_action(
            widget,
            self.tr("Print o&n scan"),
            self.tr("Print each label as soon as it is scanned"),
            [key("Ctrl+T")],
        )
        self.scan_to_print.setCheckable(True)
        self.scan_to_print.setChecked(window.settings.scan_to_print)
        pdf_dir = window.services.pdf_dir
        self.picker = PrinterPicker(
            window.printers, widget, pdf_folder=str(pdf_dir) if pdf_dir else ""
        )
        self.picker.set_current(window.settings.printer_name)
        self._build()

    def _build(self) -> None:
        window = self._window
        toolbar = QToolBar(self.tr("Printing"), self._widget)
        toolbar.setObjectName("printingToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.picker)
        toolbar.addSeparator()
        toolbar.addAction(self.scan_to_print)
        toolbar.addAction(self.cancel_printing)
        window.addToolBar(toolbar)
        self.toolbar = toolbar
        menu = window.menuBar().addMenu(self.tr("P&rinting"))
        menu.addActions([self.preview, self.cancel_printing, self.scan_to_print])
        menu.addSeparator()
        menu.addActions([self.export_files, self.export_combined])
        window.addActions([self.preview, self.export_files, self.export_combined])
        self.cancel_printing.triggered.connect(self.cancel)
        self.preview.triggered.connect(self.open_preview)
        self.export_files.triggered.connect(lambda: self.ask_and_export(combined=False))
        self.export_combined.triggered.connect(lambda: self.ask_and_export(combined=True))
        self.scan_to_print.toggled.connect(self.set_scan_to_print)
        self.picker.printerChosen.connect(self.choose_printer)
        window.printer.pendingChanged.connect(lambda n: self.cancel_printing.setEnabled(n > 0))

    # --- settings changed from here ---------------------------------------------------------

    def _change_settings(self, **changes: Any) -> Settings:
        window = self._window
        new = window.settings.replace(**changes)
        save = window.services.save_settings
        if save is not None:
            save(new)
        window.settings = new
        window.printer.set_settings(new)
        return new

    def choose_printer(self, name: str) -> None:
        """Remember `name` ("" = PDF folder / system default) as the label printer."""
        self._change_settings(printer_name=name)
        if self.picker.current_printer() != name:
            self.picker.set_current(name)
        shown = name or self.picker.combo.itemText(0)
        self._window.tell(self.tr("Labels now print on {0}.").format(shown), Feedback.INFO)

    def settings_applied(self, settings: Settings) -> None:
        """The Settings dialog changed the settings: follow them."""
        self.scan_to_print.setChecked(settings.scan_to_print)
        self.picker.set_current(settings.printer_name)

    def set_scan_to_print(self, on: bool) -> None:
        if self._window.settings.scan_to_print != on:
            self._change_settings(scan_to_print=on)
        if on:
            self._window.tell(self.tr("Print on scan is on: each scan prints its label."))
        else:
            self._window.tell(self.tr("Print on scan is off."))

    # --- commands ----------------------------------------------------------------------------

    def cancel(self) -> int:
        dropped = self._window.printer.cancel_pending()
        self._window.tell(
            self.tr("Cancelled %n label(s) that had not started printing.", "", dropped),
            Feedback.WARNING,
        )
        return dropped

    def current_waybill(self) -> Waybill | None:
        index = self._window.table.currentIndex()
        if not index.isValid():
            return None
        return self._window.model.row_at(index.row()).waybill

    def open_preview(self) -> QPrintPreviewDialog | None:
        waybill = self.current_waybill()
        if waybill is None or not waybill.printable:
            self._window.tell(self.tr("Select a row with a label to preview."), Feedback.WARNING)
            return None
        dialog = open_print_preview(
            self._widget, self._window.services.label_profile, waybill, self._window.settings
        )
        self.preview_dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def labels_to_export(self) -> list[ExportLabel]:
        """Selected rows with a printable label, else every ready or printed row."""
        model = self._window.model
        rows = self._window.selected_rows() or range(model.rowCount())
        labels: list[ExportLabel] = []
        for position in rows:
            row = model.row_at(position)
            waybill = row.waybill
            if row.state in _EXPORTABLE and waybill is not None and waybill.printable:
                size = page_size_for(waybill, self._window.settings)
                labels.append(ExportLabel(job_title(waybill), waybill.html or "", size))
        return labels

    def ask_and_export(self, *, combined: bool) -> None:
        labels = self.labels_to_export()
        if not labels:
            self._window.tell(self.tr("No labels to export."), Feedback.WARNING)
            return
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        if combined:
            name, _filter = QFileDialog.getSaveFileName(
                self._widget,
                self.tr("Export combined PDF"),
                str(Path(start) / "labels.pdf"),
                self.tr("PDF files (*.pdf)"),
            )
            if name:
                self.export(labels, combined=Path(name))
        else:
            folder = QFileDialog.getExistingDirectory(
                self._widget, self.tr("Export PDF files to"), start
            )
            if folder:
                self.export(labels, folder=Path(folder))

    def export(
        self, labels: list[ExportLabel], *, folder: Path | None = None, combined: Path | None = None
    ) -> bool:
        """Start exporting; the packer is told when it ended (`last_export` holds it)."""
        if self._export is None:
            self._renderer = LabelRenderer(self._window.services.label_profile, self)
            offload = self._window.services.runner.offload
            self._export = PdfExport(self._renderer, self, offload=offload)
            self._export.finished.connect(self._on_exported)
        started = self._export.start(labels, folder=folder, combined=combined)
        if started:
            self._window.tell(self.tr("Exporting %n label(s)…", "", len(labels)))
        return started

    @property
    def exporting(self) -> bool:
        return self._export is not None and self._export.running

    def _on_exported(self, result: ExportResult) -> None:
        self.last_export = result
        if result.error is not None:
            self._window.tell(self.tr("Export failed: {0}").format(result.error), Feedback.ERROR)
            return
        if not result.files:
            name, reason = result.failed[0] if result.failed else ("", "")
            text = self.tr("Nothing exported: {0} — {1}").format(name, reason)
            self._window.tell(text, Feedback.ERROR)
            return
        where = str(result.files[0]) if len(result.files) == 1 else str(result.files[0].parent)
        text = self.tr("Exported %n label(s) to {0}.", "", result.pages).format(where)
        if result.failed:
            name, reason = result.failed[0]
            text += " " + self.tr("Not exported: {0} — {1}").format(name, reason)
        self._window.tell(text, Feedback.WARNING if result.failed else Feedback.OK)
