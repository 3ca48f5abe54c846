"""Print preview of one label: a `QPrintPreviewDialog` painted by the label's web page.

`LabelPainter.paint(printer)` loads the label into its own hidden page (hardened
`LabelPage`), renders it to PDF at the label's size, moves it by the calibration offset
and draws it on the printer (set to the label's size with zero margins) as the raster
route does (`raster_paint`), waiting for `loadFinished` and the PDF in local event loops —
`paintRequested` wants the pages drawn before it returns (the preview's printer is
in memory: nothing is spooled). The preview shows the label as it would print (same page
setup and calibration offset as a print job), but prints nothing: printing goes through
the window's Print commands and their guard (the dialog's own Print and Page setup
buttons are hidden).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QEventLoop, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QWidget

from app.core.model import Waybill
from app.core.settings import Settings
from app.printing.page_setup import job_for
from app.printing.pdf_shift import PdfShiftError, shifted_pdf
from app.printing.print_job import choose_resolution
from app.printing.profile import LabelPage
from app.printing.raster_paint import PaintError, paint_pdf
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
        self._page = LabelPage(profile, self)
        self._loaded: bool | None = None
        self._pdf: bytes | None = None
        self.pages_painted = 0
        self.error = ""

    def close(self) -> None:
        self._page.deleteLater()

    def _wait(self, start: Callable[[Callable[[object], None]], None]) -> object:
        """Call `start(answer)` and wait (in a local loop) for its answer, or None."""
        loop = QEventLoop()
        answers: list[object] = []

        def answer(value: object) -> None:
            answers.append(value)
            loop.quit()

        start(answer)
        QTimer.singleShot(self._timeout_ms, loop.quit)
        if not answers:
            loop.exec()
        return answers[0] if answers else None

    def _ensure_loaded(self) -> bool:
        if self._loaded is None:
            answered: list[Callable[[object], None]] = []

            def load(answer: Callable[[object], None]) -> None:
                answered.append(answer)
                self._page.loadFinished.connect(answer)
                self._page.load_label(self._job.html)

            self._loaded = self._wait(load) is True
            self._page.loadFinished.disconnect(answered[0])
        return self._loaded

    def _label_pdf(self) -> bytes | None:
        """The label rendered and moved by the calibration offset (once)."""
        if self._pdf is None:
            layout = page_layout(self._job.page_size)
            data = self._wait(lambda answer: self._page.printToPdf(answer, layout))
            if isinstance(data, QByteArray) and not data.isEmpty():
                try:
                    self._pdf = shifted_pdf(bytes(data.data()), self._job.offset_mm)
                except PdfShiftError:
                    return None
        return self._pdf

    def paint(self, printer: QPrinter) -> bool:
        """Draw the label on `printer`; False (with `error`) if it could not be drawn."""
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(self._job.page_size))
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            printer.setResolution(choose_resolution(self._job, None))
        if not self._ensure_loaded():
            self.error = self.tr("the label could not be loaded")
            return False
        pdf = self._label_pdf()
        try:
            if pdf is None:
                raise PaintError("no PDF")
            paint_pdf(pdf, printer)
        except PaintError:
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
