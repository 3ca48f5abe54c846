"""Remembering the window's size and layout between runs: geometry, splitters, columns.

`WindowStateStore(path)` keeps them in an INI file (``window-state.ini`` in the config
folder, never the Windows registry) through `QSettings`: the main window's
`saveGeometry`/`saveState`, and `saveState` of every named `QSplitter` and of the
horizontal header of every named `QTableView` inside it (so splitters and tables added
later are remembered without further code). Nothing else — certainly no secrets — goes
into this file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView

FILE_NAME = "window-state.ini"


def _parts(window: QMainWindow) -> dict[str, QSplitter | QTableView]:
    parts: dict[str, QSplitter | QTableView] = {}
    for splitter in window.findChildren(QSplitter):
        if splitter.objectName():
            parts[f"splitter/{splitter.objectName()}"] = splitter
    for table in window.findChildren(QTableView):
        if table.objectName():
            parts[f"columns/{table.objectName()}"] = table
    return parts


class WindowStateStore:
    """Saves and restores one main window's layout in an INI file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _settings(self) -> QSettings:
        return QSettings(str(self.path), QSettings.Format.IniFormat)

    def save(self, window: QMainWindow) -> None:
        """Write the layout (QSettings makes the folder when it is missing)."""
        settings = self._settings()
        settings.setValue("window/geometry", window.saveGeometry())
        settings.setValue("window/state", window.saveState())
        for key, part in _parts(window).items():
            if isinstance(part, QSplitter):
                settings.setValue(key, part.saveState())
            else:
                settings.setValue(key, part.horizontalHeader().saveState())
        settings.sync()

    def restore(self, window: QMainWindow) -> bool:
        """Apply what was saved; False when there is nothing (the defaults stay)."""
        if not self.path.exists():
            return False
        settings = self._settings()
        geometry = settings.value("window/geometry")
        if not isinstance(geometry, QByteArray):
            return False
        window.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            window.restoreState(state)
        for key, part in _parts(window).items():
            value = settings.value(key)
            if not isinstance(value, QByteArray):
                continue
            if isinstance(part, QSplitter):
                part.restoreState(value)
            else:
                part.horizontalHeader().restoreState(value)
        return True
