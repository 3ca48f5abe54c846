"""The real main window for the window benchmarks, built the way `app.ui.app_main` builds it
(services, background runner, hardened profile, print queue), on a sandbox process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent

from app.core.settings import Settings, TokenMode
from app.printing.cups_status import CupsStatus
from app.printing.offload import run_inline
from app.printing.profile import make_label_profile
from app.printing.queue import PrintQueue
from app.ui.app_main import SettingsHolder, demo_source_factory
from app.ui.background import BackgroundRunner
from app.ui.main_window import MainWindow
from app.ui.services import WindowServices
from tests.benchmarks.common import SandboxInfo
from tests.benchmarks.qt_wait import wait_for

__all__ = ["bench_window", "wait_for"]


def _no_check(_job: object, _rendered: object) -> None:
    return None


@contextmanager
def bench_window(
    sandbox: SandboxInfo,
    *,
    pdf_dir: Path | None = None,
    ask: Callable[[str, str], bool] | None = None,
    printer_status: CupsStatus | None = None,
    verify: bool = True,
    offload_checks: bool = True,
    **settings: object,
) -> Iterator[MainWindow]:
    """A shown main window on `sandbox`; torn down in the order `app_main` uses.
    `verify=False`: its print queue skips label verification (for side-by-side rows);
    `offload_checks=False`: it checks labels and writes PDF files on the GUI thread."""
    base = Settings(
        api_base=sandbox.base_url,
        appid=sandbox.appid,
        token_mode=TokenMode.STABLE,
        read_timeout=60.0,
    )
    holder = SettingsHolder(base.replace(**settings))
    runner = BackgroundRunner()
    profile = make_label_profile()
    check = None if verify else _no_check
    offload = runner.offload if offload_checks else run_inline
    queue = PrintQueue(profile, check=check, offload=offload)
    services = WindowServices(
        settings=holder.settings,
        make_source=demo_source_factory(holder, sandbox.secret),
        runner=runner,
        label_profile=profile,
        print_queue=queue,
        pdf_dir=pdf_dir,
        ask=ask,
        printer_status=printer_status,
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
        queue.shutdown()
        for obj in (window, queue, runner, profile):
            obj.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
