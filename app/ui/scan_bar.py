"""The scan bar: a big input field for the barcode scanner plus a feedback line.

A keyboard-wedge scanner types the code and presses Return or Enter; the field emits
`submitted` with the text and clears itself. Pasting text of several lines (Ctrl+V or
the context menu) does not land in the one-line field but is emitted as `pastedLines`
for the list parser. `show_message` gives immediate, coloured feedback under the field.
`redirect_typing_from(widget)` forwards typing that lands on another widget (the table,
after a click) into the field, so a scan is never lost.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

SCAN_FONT_SCALE = 2.0


class Feedback(enum.Enum):
    """The tone of a feedback message."""

    INFO = "info"
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


_STYLES = {
    Feedback.INFO: "color: palette(text);",
    Feedback.OK: "color: #1d5e20; background: #e3f6e3;",
    Feedback.WARNING: "color: #6b4b00; background: #fff1c2;",
    Feedback.ERROR: "color: white; background: #c62828;",
}


class ScanField(QLineEdit):
    """A one-line field that hands multi-line pastes on instead of flattening them."""

    pastedLines = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste) and self._paste_many():
            event.accept()
            return
        super().keyPressEvent(event)

    def insertFromClipboard(self) -> bool:
        """Paste like Ctrl+V does; True if it went to the list parser."""
        if self._paste_many():
            return True
        self.paste()
        return False

    def _paste_many(self) -> bool:
        text = QGuiApplication.clipboard().text()
        if "\n" not in text.strip() and "\r" not in text.strip():
            return False
        self.pastedLines.emit(text)
        return True


class _TypingRedirect(QObject):
    """Sends printable key presses from another widget into the scan field."""

    def __init__(self, field: ScanField) -> None:
        super().__init__(field)
        self._field = field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        modifiers &= ~Qt.KeyboardModifier.KeypadModifier
        text = event.text()
        if modifiers or not text or not text.isprintable() or text.isspace():
            return False
        self._field.setFocus(Qt.FocusReason.OtherFocusReason)
        self._field.insert(text)
        return True


class ScanBar(QWidget):
    """The scan field with its label and feedback line."""

    submitted = Signal(str)
    pastedLines = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = ScanField(self)
        self.field.setObjectName("scanField")
        self.field.setPlaceholderText(self.tr("Scan or type an order id, then press Enter"))
        self.field.setClearButtonEnabled(True)
        font = self.field.font()
        font.setPointSizeF(font.pointSizeF() * SCAN_FONT_SCALE)
        self.field.setFont(font)
        self.field.setMinimumHeight(self.field.sizeHint().height() + 8)
        self.field.returnPressed.connect(self._on_return)
        self.field.pastedLines.connect(self.pastedLines)

        caption = QLabel(self.tr("&Scan:"), self)
        caption.setBuddy(self.field)
        caption_font = caption.font()
        caption_font.setPointSizeF(caption_font.pointSizeF() * 1.4)
        caption_font.setBold(True)
        caption.setFont(caption_font)

        self.message = QLabel(self)
        self.message.setObjectName("scanMessage")
        self.message.setWordWrap(True)
        self.message.setMargin(4)
        message_font = self.message.font()
        message_font.setPointSizeF(message_font.pointSizeF() * 1.25)
        self.message.setFont(message_font)
        self.show_message(self.tr("Ready to scan."), Feedback.INFO)

        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.field, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._redirect = _TypingRedirect(self.field)

    def _on_return(self) -> None:
        text = self.field.text()
        self.field.clear()
        if text.strip():
            self.submitted.emit(text)

    def show_message(self, text: str, tone: Feedback = Feedback.INFO) -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone.value)
        self.message.setStyleSheet(f"QLabel {{ {_STYLES[tone]} }}")

    def message_text(self) -> str:
        return self.message.text()

    def focus_field(self) -> None:
        """Give the scan field the keyboard focus (after every action and dialog)."""
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def redirect_typing_from(self, widget: QWidget) -> None:
        widget.installEventFilter(self._redirect)
