"""Opens the demo window the way the program does — translators chosen from the settings
or the system locale (LANG) — and prints what its widgets say, as JSON.

    python -m tests.integration.window_texts <home folder>

Used by test_window_language.py, which runs it with different LANG values: the system
locale is read once, when the process starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QPushButton

from app.core.paths import AppPaths
from app.core.settings import Settings
from app.ui.app_main import install_language, setup_application, window_session
from app.ui.queue_model import Column


def main() -> int:
    app = setup_application([sys.argv[0]])
    settings = Settings(language=sys.argv[2] if len(sys.argv) > 2 else "")
    language = install_language(app, settings)
    paths = AppPaths.under(Path(sys.argv[1])).ensure()
    with window_session(paths, settings, demo=True) as window:
        window.show()
        app.processEvents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        texts = {
            "language": language,
            "title": window.windowTitle(),
            "buttons": [b.text() for b in window.findChildren(QPushButton) if b.isVisible()],
            "fetch_action": window.actions_.fetch.text(),
            "placeholder": window.scan_bar.field.placeholderText(),
            "banner": window.scan_bar.message_text(),
            "menus": [a.text() for a in window.menuBar().actions()],
            "state_header": window.model.headerData(Column.STATE, Qt.Orientation.Horizontal),
            "qt_cancel": buttons.button(QDialogButtonBox.StandardButton.Cancel).text(),
            # every text with an Alt+letter in the window itself (menus' own items aside)
            "mnemonics": [a.text() for a in window.menuBar().actions()]
            + [
                w.text()
                for w in window.findChildren(QLabel)
                if w.isVisible() and w.buddy() is not None
            ]
            + [b.text() for b in window.findChildren(QAbstractButton) if b.isVisible()],
        }
        buttons.deleteLater()
    print(json.dumps(texts, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
