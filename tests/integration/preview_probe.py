"""Shows one order's label in the window's preview, in a process of its own whose Chromium
starts as the program's does (through the label proxy, `start_label_proxy`), and reports
as JSON on stdout what the preview loaded. Run by
tests/integration/test_window_label_corpus.py:

    python -m tests.integration.preview_probe API_BASE APPID SECRET ALLOWED ORDER,SF
        [--no-proxy] [--print-to DIR]

`--no-proxy` starts Chromium without the proxy: the control that shows what it holds.
`--print-to DIR` then has the window print the label (as PDF files to DIR) and adds the
row's state and message and the reason the window keeps for "Print anyway".
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"preview_probe: timed out waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def main(argv: list[str]) -> int:
    api_base, appid, secret, allowed, order = argv[:5]
    from app.cli.labels import start_label_proxy

    proxy = None if "--no-proxy" in argv else start_label_proxy()
    print_to = argv[argv.index("--print-to") + 1] if "--print-to" in argv else None
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from app.core.label_hosts import AllowList
    from app.core.settings import Settings
    from app.printing.profile import make_label_profile
    from app.printing.queue import PrintQueue
    from app.ui.background import BackgroundRunner
    from app.ui.main_window import MainWindow
    from app.ui.services import WindowServices
    from app.wiring.client import Credentials, build_client

    app = QApplication(["preview-probe"])
    settings = Settings(api_base=api_base, appid=appid, read_timeout=20.0, label_hosts=allowed)
    profile = make_label_profile(allow=AllowList.from_text(allowed), proxy=proxy)
    queue = PrintQueue(profile)
    runner = BackgroundRunner()
    services = WindowServices(
        settings=settings,
        make_source=lambda: build_client(settings, Credentials(appid=appid, secret=secret)),
        runner=runner,
        label_profile=profile,
        print_queue=queue,
        pdf_dir=Path(print_to) if print_to else None,
    )
    window = MainWindow(services)
    window.show()
    window.add_text(order)
    window.fetch()
    wait_until(lambda: not window.fetcher.running, "the fetch")
    loaded: list[bool] = []
    window.preview.labelLoaded.connect(loaded.append)
    window.table.selectRow(0)
    wait_until(lambda: loaded, "the preview")
    text: list[str] = []
    window.preview.page.toPlainText(text.append)
    wait_until(lambda: text, "the preview's text")
    report: dict[str, object] = {"loaded": loaded[0], "text": text[0]}
    if print_to:
        window.print_all_ready()
        wait_until(lambda: window.printer.pending == 0, "the print", timeout=60.0)
        row = window.model.row_at(0)
        report.update(
            state=row.state.value,
            message=row.message,
            reason=window.printer.jobs.unverified_reason(row.key),
        )
    print(json.dumps(report), flush=True)
    window.fetcher.cancel()
    runner.shutdown()
    window.fetcher.close()
    queue.shutdown()
    window.close()
    for obj in (window, queue, runner, profile):  # pages go before their profile
        obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del app
    if proxy is not None:
        proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
