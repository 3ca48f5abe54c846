"""The printer picker: a combo box of the printers Qt sees, plus a Refresh button.

The first entry stands for "no printer named": the PDF folder when the window writes
PDF files (demo), else the system's default printer. A configured printer that is not
there (switched off, unplugged, renamed) stays listed as "not available" so the packer
sees why printing fails — the picker never quietly swaps in another printer.
Choosing an entry emits `printerChosen(name)`; the window remembers it in the settings.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.printing.printers import PrinterDescription, list_printers

_MISSING_COLOUR = "#a31515"


class PrinterPicker(QWidget):
    """Combo of printers and a Refresh button; see the module docstring."""

    printerChosen = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        pdf_folder: str = "",
        lister: Callable[[], list[PrinterDescription]] = list_printers,
    ) -> None:
        super().__init__(parent)
        self._pdf_folder = pdf_folder
        self._lister = lister
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

    def current_printer(self) -> str:
        """The chosen printer's name ("" for the PDF folder / system default)."""
        return self._current

    def names(self) -> list[str]:
        """Every entry's printer name, in the combo's order ("" first)."""
        return [str(self.combo.itemData(i)) for i in range(self.combo.count())]

    def set_current(self, name: str) -> None:
        """Show `name` as chosen (listing it as not available if it is not there)."""
        self._current = name
        self.refresh()

    def refresh(self) -> None:
        """Ask the system for its printers again and rebuild the list."""
        printers = self._lister()
        self.combo.clear()
        if self._pdf_folder:
            self.combo.addItem(self.tr("PDF files ({0})").format(self._pdf_folder), "")
        else:
            default = next((p.name for p in printers if p.is_default), "")
            label = (
                self.tr("System default ({0})").format(default)
                if default
                else self.tr("System default (none set up)")
            )
            self.combo.addItem(label, "")
        for printer in printers:
            text = printer.name
            if printer.description and printer.description != printer.name:
                text = f"{printer.name} — {printer.description}"
            self.combo.addItem(text, printer.name)
        if self._current and self._current not in {p.name for p in printers}:
            self.combo.addItem(self.tr("{0} (not available)").format(self._current), self._current)
            index = self.combo.count() - 1
            self.combo.setItemData(
                index, QBrush(QColor(_MISSING_COLOUR)), Qt.ItemDataRole.ForegroundRole
            )
        self.combo.setCurrentIndex(max(0, self.combo.findData(self._current)))
        self.combo.setToolTip(self.combo.currentText())

    def _on_activated(self, index: int) -> None:
        name = str(self.combo.itemData(index) or "")
        self.combo.setToolTip(self.combo.itemText(index))
        if name != self._current:
            self._current = name
            self.printerChosen.emit(name)
