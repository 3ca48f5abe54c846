"""Building a `MainWindow` from real local parts: the sandbox, a PDF folder, real threads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWebEngineCore import QWebEngineProfile

from app.core.engine import WaybillSource
from app.core.settings import Settings
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.background import BackgroundRunner
from app.ui.main_window import MainWindow
from app.ui.services import WindowServices
from app.wiring.client import Credentials, build_client


def sandbox_settings(sandbox: SandboxServer, **changes: Any) -> Settings:
    """Settings pointing at the sandbox (read timeout long enough for slow-call tests)."""
    base = Settings(api_base=sandbox.base_url, appid=sandbox.appid, read_timeout=20.0)
    return base.replace(**changes)


def sandbox_source(sandbox: SandboxServer, settings: Settings) -> Callable[[], WaybillSource]:
    def make() -> WaybillSource:
        return build_client(settings, Credentials(appid=sandbox.appid, secret=sandbox.secret))

    return make


@contextmanager
def open_window(
    sandbox: SandboxServer,
    profile: QWebEngineProfile,
    queue: PrintQueue,
    pdf_dir: Path | None,
    **overrides: Any,
) -> Iterator[MainWindow]:
    """A shown main window on the sandbox; everything is torn down in the right order."""
    settings = overrides.pop("settings", None) or sandbox_settings(sandbox)
    runner = BackgroundRunner()
    services = WindowServices(
        settings=settings,
        make_source=overrides.pop("make_source", None) or sandbox_source(sandbox, settings),
        runner=runner,
        label_profile=profile,
        print_queue=queue,
        pdf_dir=pdf_dir,
        **overrides,
    )
    window = MainWindow(services)
    window.show()
    window.activateWindow()
    try:
        yield window
    finally:
        window.fetcher.cancel()
        runner.shutdown()
        window.fetcher.close()
        window.close()
        window.deleteLater()
        runner.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def row_states(window: MainWindow) -> dict[str, str]:
    """order id → state value of every row."""
    return {row.ref.order_id: row.state.value for row in window.model.rows()}
