"""The scan bar: a big input field for the barcode scanner plus the feedback banner.

A keyboard-wedge scanner types the code and ends it with Return, Enter, Tab or a line feed
(CR, LF and CRLF alike: whichever suffix it is set up for); the field emits `submitted`
with the text and clears itself, so ids never run together.
Tab never moves the focus out of the field. The field takes plain ASCII only: the input
method (a Chinese IME) is switched off for it, and characters that are not printable
ASCII are dropped, so a half-composed pinyin word can neither swallow nor alter a scan.
Pasting text of several lines (Ctrl+V or the context menu) does not land in the one-line
field but is emitted as `pastedLines` for the list parser. `show_message` shows the
coloured banner (`app.ui.feedback.Banner`) under the field. `redirect_typing_from(widget)`
forwards typing that lands on another widget (the table, after a click) into the field,
so a scan is never lost.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.ui.feedback import Banner, Feedback
from app.ui.scan_catcher import TAKES_SCANS, is_terminator

__all__ = ["Feedback", "ScanBar", "ScanField"]

SCAN_FONT_SCALE = 2.0
BIG_SCAN_FONT_SCALE = 2.6
_MODIFIERS_IGNORED = Qt.KeyboardModifier.KeypadModifier


def scan_text(text: str) -> str:
    """The characters of `text` a scan field accepts: printable ASCII."""
    return "".join(c for c in text if " " <= c <= "~")


class ScanField(QLineEdit):
    """A one-line, ASCII-only field that treats Tab like Return and hands multi-line
    pastes on instead of flattening them."""

    pastedLines = Signal(str)
    tabPressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty(TAKES_SCANS, True)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhLatinOnly
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhPreferLatin
        )

    def event(self, event: QEvent) -> bool:
        # Tab is the scanner's suffix here, never a focus change (that happens before
        # keyPressEvent, so it is caught here). Shift+Tab still moves the focus.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and not (event.modifiers() & ~_MODIFIERS_IGNORED)
        ):
            event.accept()
            self.tabPressed.emit()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste) and self._paste_many():
            event.accept()
            return
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and is_terminator(event):
            event.accept()  # a line feed (or Ctrl+J): ends the scan like Return does
            self.returnPressed.emit()
            return
        text = event.text()
        if text and text.isprintable() and scan_text(text) != text:
            event.accept()  # not ASCII: no scanner types that; drop it
            return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        # Should an input method still talk to the field: no pre-edit text, and only the
        # ASCII part of a committed string.
        committed = scan_text(event.commitString())
        if committed:
            self.insert(committed)
        event.accept()

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
        self._field.insert(scan_text(text))
        return True


class ScanBar(QWidget):
    """The scan field with its label and feedback banner."""

    submitted = Signal(str)
    pastedLines = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, big_font: bool = False) -> None:
        super().__init__(parent)
        self.field = ScanField(self)
        self.field.setObjectName("scanField")
        self.field.setPlaceholderText(self.tr("Scan or type an order id, then press Enter"))
        self.field.setClearButtonEnabled(True)
        self._field_size = self.field.font().pointSizeF()
        self.field.returnPressed.connect(self._on_return)
        self.field.tabPressed.connect(self._on_return)
        self.field.pastedLines.connect(self.pastedLines)

        self.caption = QLabel(self.tr("S&can:"), self)
        self.caption.setBuddy(self.field)
        caption_font = self.caption.font()
        caption_font.setPointSizeF(caption_font.pointSizeF() * 1.4)
        caption_font.setBold(True)
        self.caption.setFont(caption_font)

        self.message = Banner(self)
        self.message.setObjectName("scanMessage")
        self.show_message(self.tr("Ready to scan."), Feedback.INFO)

        row = QHBoxLayout()
        row.addWidget(self.caption)
        row.addWidget(self.field, 1)
        self._row = row
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._redirect = _TypingRedirect(self.field)
        self.set_big_font(big_font)

    def set_big_font(self, big: bool) -> None:
        """Larger scan field and banner for reading from a distance at the bench."""
        font = self.field.font()
        font.setPointSizeF(self._field_size * (BIG_SCAN_FONT_SCALE if big else SCAN_FONT_SCALE))
        self.field.setFont(font)
        self.field.setMinimumHeight(self.field.fontMetrics().height() + 16)
        self.message.set_big_font(big)

    def add_beside_field(self, widget: QWidget) -> None:
        """Put `widget` (e.g. the carrier picker) on the field's row, after it."""
        self._row.addWidget(widget)

    def _on_return(self) -> None:
        text = self.field.text()
        self.field.clear()
        if text.strip():
            self.submitted.emit(text)

    def show_message(self, text: str, tone: Feedback = Feedback.INFO) -> None:
        self.message.show_message(text, tone)

    def message_text(self) -> str:
        return self.message.text()

    def focus_field(self) -> None:
        """Give the scan field the keyboard focus (after every action and dialog)."""
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def redirect_typing_from(self, widget: QWidget) -> None:
        widget.installEventFilter(self._redirect)
