"""The printer picker: a combo box of the printers there are, plus a Refresh button.

The list is the window's `PrinterList` (`app.ui.printer_list`), taken in the background
helper: the picker never asks the print system itself, so the GUI thread never waits on
CUPS. It is filled again whenever a new list arrives; Refresh asks for one. The first
entry stands for "no printer named": the PDF folder when the window writes PDF files
(demo), else the system's default printer. The configured printer is shown chosen from
the start, before the list arrives; a configured printer the list lacks (switched off,
unplugged, renamed) stays listed as "not available" so the packer sees why printing
fails — the picker never quietly swaps in another printer.
Choosing an entry emits `printerChosen(name)`; the window remembers it in the settings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.printing.printers import PrinterNames
from app.ui.printer_list import PrinterList

_MISSING_COLOUR = "#a31515"


class PrinterPicker(QWidget):
    """Combo of printers and a Refresh button; see the module docstring."""

    printerChosen = Signal(str)

    def __init__(
        self,
        printers: PrinterList,
        parent: QWidget | None = None,
        *,
        pdf_folder: str = "",
    ) -> None:
        super().__init__(parent)
        self._pdf_folder = pdf_folder
        self._printers = printers
        self._current = ""
        self.combo = QComboBox(self)
        self.combo.setObjectName("printerCombo")
        self.combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # As wide as 16 characters, not as the longest entry (a PDF folder's path can be
        # wider than a bench PC's screen); the full text is in the tooltip.
        self.combo.setMinimumContentsLength(16)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.activated.connect(self._on_activated)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setToolTip(self.tr("Look for printers again"))
        self.refresh_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.refresh_button.clicked.connect(self.refresh)
        caption = QLabel(self.tr("Printer:"), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(caption)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.refresh_button)
        printers.changed.connect(self._fill)
        self._fill()

    def current_printer(self) -> str:
        """The chosen printer's name ("" for the PDF folder / system default)."""
        return self._current

    def names(self) -> list[str]:
        """Every entry's printer name, in the combo's order ("" first)."""
        return [str(self.combo.itemData(i)) for i in range(self.combo.count())]

    def set_current(self, name: str) -> None:
        """Show `name` as chosen (listing it as not available if the list lacks it)."""
        self._current = name
        self._fill()

    def refresh(self) -> None:
        """Ask for the printers again (in the background); the list follows the answer."""
        self.refresh_button.setEnabled(False)
        self._printers.after_refresh(self._answered)

    def _answered(self) -> None:
        self.refresh_button.setEnabled(True)
        self._fill()

    def _fill(self, _names: PrinterNames | None = None) -> None:
        snapshot = self._printers.snapshot
        printers = snapshot.described() if snapshot is not None else []
        self.combo.clear()
        if self._pdf_folder:
            self.combo.addItem(self.tr("PDF files ({0})").format(self._pdf_folder), "")
        else:
            default = snapshot.default if snapshot is not None else None
            if snapshot is None:
                label = self.tr("System default")
            elif default:
                label = self.tr("System default ({0})").format(default)
            else:
                label = self.tr("System default (none set up)")
            self.combo.addItem(label, "")
        for printer in printers:
            text = printer.name
            if printer.description and printer.description != printer.name:
                text = f"{printer.name} — {printer.description}"
            self.combo.addItem(text, printer.name)
        if self._current and self._current not in {p.name for p in printers}:
            if snapshot is None:  # not known yet: shown as it is, not as missing
                self.combo.addItem(self._current, self._current)
            else:
                text = self.tr("{0} (not available)").format(self._current)
                self.combo.addItem(text, self._current)
                self.combo.setItemData(
                    self.combo.count() - 1,
                    QBrush(QColor(_MISSING_COLOUR)),
                    Qt.ItemDataRole.ForegroundRole,
                )
        self.combo.setCurrentIndex(max(0, self.combo.findData(self._current)))
        self.combo.setToolTip(self.combo.currentText())

    def _on_activated(self, index: int) -> None:
        name = str(self.combo.itemData(index) or "")
        self.combo.setToolTip(self.combo.itemText(index))
        if name != self._current:
            self._current = name
            self.printerChosen.emit(name)
