"""The window's size on the station's screen, and its large-text mode.

Bench PCs often have 1024×768 screens. `fit_to_screen(window)` gives the first window
the preferred size (1280×800) only where the screen has room for it and its frame, else
the screen's available area minus the window manager's frame, centred, so every control
is on screen at the first start. `set_large_text(window, big)` scales the whole window's
text (buttons, menus, toolbar, status bar); the table, scan field and banner scale with
their own settings on top.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

PREFERRED = QSize(1280, 800)
FRAME_ALLOWANCE = QSize(12, 48)
"""Room for a window manager's borders and title bar (added outside the window)."""
LARGE_TEXT_SCALE = 1.2


def fit_to_screen(window: QWidget, preferred: QSize = PREFERRED) -> QRect:
    """Size and place `window` for the screen it is on; returns its new geometry."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    width = min(preferred.width(), available.width() - FRAME_ALLOWANCE.width())
    height = min(preferred.height(), available.height() - FRAME_ALLOWANCE.height())
    window.resize(width, height)
    left = available.x() + max(0, (available.width() - width - FRAME_ALLOWANCE.width()) // 2)
    top = available.y() + max(0, (available.height() - height - FRAME_ALLOWANCE.height()) // 2)
    window.move(left, top)
    return QRect(left, top, width, height)


def set_large_text(window: QWidget, big: bool) -> None:
    """The whole window's text at the normal or the large size."""
    font = window.font()
    base = QApplication.font().pointSizeF()
    font.setPointSizeF(base * (LARGE_TEXT_SCALE if big else 1.0))
    window.setFont(font)
