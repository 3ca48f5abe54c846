"""Opens the real demo window on the current X display under a window manager (openbox)
and reports, as JSON on stdout, where its controls ended up on the screen.

Run by tests/integration/test_window_fits.py inside its own `xvfb-run` at the size under
test (e.g. 1024x768):

    python -m tests.integration.fit_probe --language zh_CN [--big] [--shot out.png]

`--shot` saves a picture of the whole screen (window frame included) once the demo's
sample orders are fetched and a label is in the preview.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")


def wait_until(condition: Any, timeout: float, what: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"fit_probe: timed out waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def rect(r: Any) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def global_rect(widget: Any) -> list[int]:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="en")
    parser.add_argument("--big", action="store_true")
    parser.add_argument("--shot", default="")
    args = parser.parse_args()

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QAbstractButton, QToolBar

    from app.core.paths import AppPaths
    from app.core.settings import Settings
    from app.ui.actions import plain_text
    from app.ui.app_main import install_language, setup_application, window_session
    from app.ui.queue_model import RowState

    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        home = Path(tempfile.mkdtemp(prefix="waybill-fit-"))
        app = setup_application([sys.argv[0]])
        paths = AppPaths.under(home).ensure()
        settings = Settings(language=args.language, big_font=args.big)
        install_language(app, settings)
        with window_session(paths, settings, demo=True) as window:
            window.show()
            window.activateWindow()
            # the window manager has framed the window (a title bar above its contents)
            wait_until(
                lambda: window.frameGeometry().height() > window.geometry().height(),
                20,
                "the window manager's frame",
            )
            window.entry.load_samples()
            window.fetch()
            wait_until(lambda: not window.fetcher.running, 60, "the fetch")
            rows = window.model.rows()
            ready = [i for i, row in enumerate(rows) if row.state is RowState.READY]
            loaded: list[bool] = []
            window.preview.labelLoaded.connect(loaded.append)
            if ready:
                window.table.selectRow(ready[0])
                wait_until(lambda: bool(loaded), 60, "the label")
            end = time.monotonic() + 1.5  # Chromium paints asynchronously
            wait_until(lambda: time.monotonic() > end, 10, "the paint")

            screen = QGuiApplication.primaryScreen()
            controls: dict[str, list[int]] = {}
            hidden: list[str] = []
            for toolbar in window.findChildren(QToolBar):
                for action in toolbar.actions():
                    if action.isSeparator():
                        continue
                    widget = toolbar.widgetForAction(action)
                    name = plain_text(action.text()) or type(widget).__name__
                    if widget is None or not widget.isVisible():
                        hidden.append(name)
                    else:
                        controls[f"toolbar:{name}"] = global_rect(widget)
            for button in window.findChildren(QAbstractButton):
                if button.isVisible() and button.text():
                    controls[f"button:{plain_text(button.text())}"] = global_rect(button)
            controls["preview"] = global_rect(window.preview)
            controls["table"] = global_rect(window.table)
            controls["status bar"] = global_rect(window.statusBar())
            report = {
                "screen": rect(screen.geometry()),
                "available": rect(screen.availableGeometry()),
                "frame": rect(window.frameGeometry()),
                "controls": controls,
                "hidden_toolbar_actions": hidden,
                "message_column_width": window.table.columnWidth(4),
                "table_width": window.table.viewport().width(),
                "table_hscroll": window.table.horizontalScrollBar().isVisible(),
                "table_columns_width": sum(
                    window.table.columnWidth(c) for c in range(window.model.columnCount())
                ),
            }
            if args.shot:
                screen.grabWindow(0).save(args.shot)
            print(json.dumps(report))
        return 0
    finally:
        wm.terminate()
        wm.wait(10)


if __name__ == "__main__":
    raise SystemExit(main())
