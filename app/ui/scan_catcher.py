"""Scanner input that lands anywhere but the scan field: caught and queued, never lost.

A keyboard-wedge scanner types an order id within a few milliseconds a key and ends it
with Return, Enter, Tab or a line feed. When a dialog or prompt has the keyboard focus
(Help, Settings, "Print again?", a confirmation), those keys would type into the dialog
and the terminator would press its default button. `ScanCatcher` is an application-wide
event filter that tells a scanner from a person by the time between keys:

- a printable key for a widget other than the scan field is held back for a moment;
  further keys that follow within `gap` seconds join it (a burst);
- a terminator after a burst of at least `min_length` keys ends a scan: the held keys are
  dropped and the text is emitted as `scanned` — the dialog sees none of it;
- a terminator within `guard` seconds after a caught scan (CRLF, a scanner with two
  suffixes) is swallowed too, so no dialog takes it as consent;
- anything else (a person typing, a slow key, Escape, a modified key) is handed on to the
  widget it was meant for, in order, once the burst is over.

Only events for the focus widget are counted: the catcher follows the application's focus
and filters that one widget (an application-wide filter would see one key press for the
window, the focus widget and each parent it propagates to — and every other event of
the program, through Python). Widgets that take
scanner input themselves — the scan field, the History search, the paste list — carry
the property ``takesScans`` and are left alone. The clock is handed in, so tests decide
the timing instead of the machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

TAKES_SCANS = "takesScans"
"""Widget property: this widget handles scanner input itself (not caught)."""

SCAN_GAP = 0.035
"""Longest pause between two keys of one scan, in seconds (scanners type ~1 ms a key)."""
MIN_SCAN_LENGTH = 2
"""Fewest keys before a terminator that make a scan."""
ENTER_GUARD = 0.3
"""How long after a caught scan a lone terminator is still taken as part of it."""

_TERMINATORS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
_IGNORED_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


@dataclass
class _HeldKey:
    target: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


def is_terminator(event: QKeyEvent) -> bool:
    """Return, Enter, Tab or a line feed (as a character or as Ctrl+J)."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if event.key() in _TERMINATORS and not modifiers:
        return True
    if event.text() in ("\r", "\n"):
        return True
    return event.key() == Qt.Key.Key_J and modifiers == Qt.KeyboardModifier.ControlModifier


def scan_character(event: QKeyEvent) -> str:
    """The printable character a scanner could send with this key, or ""."""
    if event.modifiers() & ~_IGNORED_MODIFIERS:
        return ""
    text = event.text()
    return text if len(text) == 1 and " " <= text <= "~" else ""


def takes_scans(widget: QWidget) -> bool:
    """True for a widget (or a widget inside one) marked as taking scanner input itself."""
    current: QWidget | None = widget
    while current is not None:
        if current.property(TAKES_SCANS):
            return True
        current = current.parentWidget()
    return False


class ScanCatcher(QObject):
    """The application event filter described in the module docstring."""

    scanned = Signal(str)
    """A scan typed into something other than the scan field (its text, terminator off)."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        gap: float = SCAN_GAP,
        min_length: int = MIN_SCAN_LENGTH,
        guard: float = ENTER_GUARD,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._gap = gap
        self._min_length = min_length
        self._guard = guard
        self._held: list[_HeldKey] = []
        self._last_key = 0.0
        self._last_scan: float | None = None
        self._replaying = False
        self._flush_timer = QTimer(self, singleShot=True, interval=max(1, int(gap * 1000) + 5))
        self._flush_timer.timeout.connect(self._on_flush_timer)
        self._installed = False
        self._watched: QWidget | None = None

    def install(self) -> None:
        """Start watching: follow the keyboard focus from widget to widget."""
        app = QApplication.instance()
        if not isinstance(app, QApplication) or self._installed:
            return
        app.focusChanged.connect(self._focus_changed)
        self._installed = True
        self._watch(QApplication.focusWidget())

    def uninstall(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._installed:
            app.focusChanged.disconnect(self._focus_changed)
            self._installed = False
        self._watch(None)
        self.flush()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._watch(new)

    def _watch(self, widget: QWidget | None) -> None:
        """Filter the key events of `widget` (the focus widget) and of no other."""
        watched = self._watched
        if watched is not None and shiboken6.isValid(watched):
            watched.removeEventFilter(self)
        self._watched = None
        if widget is not None and not takes_scans(widget):
            widget.installEventFilter(self)
            self._watched = widget

    @property
    def holding(self) -> str:
        """The characters held back right now (for tests and diagnostics)."""
        return "".join(held.text for held in self._held)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(event, QKeyEvent) or not isinstance(watched, QWidget):
            return False
        if watched is not self._watched:
            return False
        return self._key(watched, event)

    def _key(self, target: QWidget, event: QKeyEvent) -> bool:
        now = self._clock()
        character = scan_character(event)
        if character and not event.isAutoRepeat():
            if self._held and now - self._last_key > self._gap:
                self.flush()
            self._held.append(_HeldKey(target, event.key(), event.modifiers(), character))
            self._last_key = now
            self._flush_timer.start()
            return True
        if is_terminator(event):
            if len(self._held) >= self._min_length and now - self._last_key <= self._gap:
                text = self.holding
                self._held.clear()
                self._flush_timer.stop()
                self._last_scan = now
                self.scanned.emit(text)
                return True
            if (
                not self._held
                and self._last_scan is not None
                and now - self._last_scan <= self._guard
            ):
                return True  # the second half of CRLF, or a scanner's second suffix
        self.flush()
        return False

    def _on_flush_timer(self) -> None:
        remaining = self._gap - (self._clock() - self._last_key)
        if remaining > 0:  # the clock says the burst may still go on
            self._flush_timer.start(max(1, int(remaining * 1000) + 1))
            return
        self.flush()

    def flush(self) -> None:
        """Hand the held keys on to the widgets they were meant for."""
        self._flush_timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for key in held:
                target = key.target
                if not shiboken6.isValid(target):
                    continue  # the dialog closed meanwhile
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    replay = QKeyEvent(kind, key.key, key.modifiers, key.text)
                    QApplication.sendEvent(target, replay)
        finally:
            self._replaying = False
