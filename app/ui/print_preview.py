"""Print preview of one label: a `QPrintPreviewDialog` painted by the label's web page.

`LabelPainter.paint(printer)` loads the label into its own hidden view (hardened
`LabelPage`), sets the printer's page to the label's size with zero margins, and calls
`view.print(printer)`, waiting for `loadFinished` and `printFinished` in local event loops —
`paintRequested` wants the pages drawn before it returns. The preview shows the label
as it would print (same page setup and calibration offset as a print job), but prints
nothing: printing goes through the window's Print commands and their guard (the
dialog's own Print and Page setup buttons are hidden).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from app.core.model import Waybill
from app.core.settings import Settings
from app.printing.page_setup import job_for
from app.printing.print_job import apply_offset, choose_resolution
from app.printing.profile import LabelPage
from app.printing.render import page_layout


class LabelPainter(QObject):
    """Draws one label onto whatever `QPrinter` it is given (see the module docstring)."""

    def __init__(
        self,
        profile: QWebEngineProfile,
        waybill: Waybill,
        settings: Settings,
        parent: QObject | None = None,
        *,
        timeout_s: float = 30.0,
    ) -> None:
        super().__init__(parent)
        self._job = job_for(waybill, settings, "")
        self._timeout_ms = int(timeout_s * 1000)
        self._view = QWebEngineView()
        self._page = LabelPage(profile, self._view)
        self._view.setPage(self._page)
        self._loaded: bool | None = None
        self.pages_painted = 0
        self.error = ""

    def close(self) -> None:
        self._view.deleteLater()

    def _wait(self, signal: object, done: list[bool]) -> bool:
        loop = QEventLoop()

        def finish(ok: bool) -> None:
            done.append(ok)
            loop.quit()

        signal.connect(finish)  # type: ignore[attr-defined]
        QTimer.singleShot(self._timeout_ms, loop.quit)
        if not done:
            loop.exec()
        signal.disconnect(finish)  # type: ignore[attr-defined]
        return bool(done and done[0])

    def _ensure_loaded(self) -> bool:
        if self._loaded is None:
            done: list[bool] = []
            loop_signal = self._page.loadFinished
            self._page.load_label(apply_offset(self._job.html, self._job.offset_mm))
            self._loaded = self._wait(loop_signal, done)
        return self._loaded

    def paint(self, printer: QPrinter) -> bool:
        """Draw the label on `printer`; False (with `error`) if it could not be drawn."""
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(self._job.page_size))
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            printer.setResolution(choose_resolution(self._job, None))
        if not self._ensure_loaded():
            self.error = self.tr("the label could not be loaded")
            return False
        printed: list[bool] = []
        self._view.print(printer)
        if not self._wait(self._view.printFinished, printed):
            self.error = self.tr("the label could not be drawn")
            return False
        self.pages_painted += 1
        return True


def open_print_preview(
    parent: QWidget, profile: QWebEngineProfile, waybill: Waybill, settings: Settings
) -> QPrintPreviewDialog:
    """A preview dialog for `waybill` (not yet shown); its painter is `dialog.painter`."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintPreviewDialog(printer, parent)
    title = waybill.waybill_id or waybill.ref.order_id
    dialog.setWindowTitle(
        QCoreApplication.translate("LabelPainter", "Print preview — {0}").format(title)
    )
    painter = LabelPainter(profile, waybill, settings, dialog)
    dialog.paintRequested.connect(painter.paint)
    dialog.setProperty("waybill", title)
    dialog.painter = painter  # type: ignore[attr-defined]
    dialog.printer_ = printer  # type: ignore[attr-defined]  # must outlive the dialog's use
    dialog.finished.connect(painter.close)
    hide_printing_actions(dialog)
    return dialog


def hide_printing_actions(dialog: QPrintPreviewDialog) -> None:
    """Hide the dialog's own Print and Page setup buttons: they would print to a printer
    of the dialog's choosing and past the guard. Labels print with the window's Print."""
    hidden = {
        QCoreApplication.translate("QPrintPreviewDialog", text)
        for text in ("Print", "Page setup", "Portrait", "Landscape")
    }
    for action in dialog.findChildren(QAction):
        if action.text() in hidden:
            action.setVisible(False)
            action.setEnabled(False)
