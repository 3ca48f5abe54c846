"""Started by `bench_startup`: opens the window exactly as `run_gui` does (not the demo) and
prints `READY <time.time()>` once the scan field is enabled, holds the window's keyboard
focus and the window is exposed on screen; then quits. `--bare` does the same for a
QApplication with one empty `QWebEngineView` (the floor any QtWebEngine program pays).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def report_when(app: QApplication, ready: Callable[[], bool]) -> None:
    def check() -> None:
        if ready():
            print(f"READY {time.time():.6f}", flush=True)
            app.quit()

    timer = QTimer(app)
    timer.timeout.connect(check)
    timer.start(2)


def main() -> int:
    if "--bare" in sys.argv:
        from PySide6.QtWebEngineWidgets import QWebEngineView

        app = QApplication(sys.argv[:1])
        view = QWebEngineView()
        view.resize(800, 600)
        view.show()
        report_when(app, lambda: bool(view.windowHandle() and view.windowHandle().isExposed()))
        return app.exec()

    from app.core.paths import AppPaths
    from app.core.settings_store import SettingsStore
    from app.ui.app_main import setup_application, window_session

    app = setup_application(sys.argv[:1])
    paths = AppPaths.default().ensure()
    settings = SettingsStore(paths.settings_file).load()
    with window_session(paths, settings, demo=False) as window:
        window.show()
        field = window.scan_bar.field

        def ready() -> bool:
            handle = window.windowHandle()
            return (
                handle is not None
                and handle.isExposed()
                and field.isEnabled()
                and field.isVisible()
                and (field.hasFocus() or window.focusWidget() is field)
            )

        report_when(app, ready)
        return app.exec()


if __name__ == "__main__":
    sys.exit(main())
