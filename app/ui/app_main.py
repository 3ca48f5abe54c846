"""Starting the window: the QApplication, settings, the demo sandbox and the services.

`run_gui(demo=..., argv=...)` is what `waybill-printer` and `waybill-printer --demo` call.
In demo mode a `SandboxServer` runs on a free loopback port for the life of the window;
the settings in memory point at it (API address, its AppID; its secret stays in memory
and is never saved), and when no printer is configured labels are "printed" as PDF files
into ``<data dir>/demo-pdf`` — the status line says where. The demo never writes the
settings file; otherwise settings accepted in the Settings dialog are saved to it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.core.credentials import CredentialStore, KeyringUnavailable, resolve_secret
from app.core.engine import WaybillSource
from app.core.model import Hint
from app.core.paths import AppPaths
from app.core.settings import ConnectionResult, Settings, SettingsStore, TokenMode
from app.printing.profile import make_label_profile
from app.printing.queue import PrintQueue
from app.ui.background import BackgroundRunner
from app.ui.main_window import MainWindow
from app.ui.services import DEFAULT_CARRIERS, WindowServices
from app.ui.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from app.sandbox.server import SandboxServer

log = logging.getLogger(__name__)

ORGANISATION = "waybill-printer"
APPLICATION = "waybill-printer"

#: What "Load sample orders" adds in the demo: every kind of answer the sandbox gives.
DEMO_SAMPLE_ORDERS = [
    "# demo orders: normal labels for several carriers, one cancelled, some errors",
    "4200001901000001,SF",
    "4200001901000002,ZTO",
    "4200001901000003,YTO",
    "4200001901000004,EMS",
    "4200001901000005,SF",
    "4200001901000006,TEST",
    "CANCEL-4200001901000007,SF",
    "MISSING-4200001901000008,ZTO",
    "CARRIERSYS-4200001901000009,YTO",
    "NOLABEL-4200001901000010,SF",
]


@dataclass
class SettingsHolder:
    """The settings in force now; the source builder reads it on every (re)build."""

    settings: Settings


def language_of(settings: Settings) -> str:
    """The hint language: the configured one, else the system's."""
    return settings.language or QLocale.system().name()


def real_source_factory(
    holder: SettingsHolder, store: CredentialStore, env: dict[str, str]
) -> Callable[[], WaybillSource]:
    """Builds the WeChat client from the current settings and the keyring's secret."""

    def make() -> WaybillSource:
        from app.wiring import Credentials, build_client

        settings = holder.settings
        try:
            secret = resolve_secret(settings.appid, env, store) if settings.appid else None
        except KeyringUnavailable:
            secret = None
        token = env.get("WAYBILL_ACCESS_TOKEN", "").strip() or None
        creds = Credentials(appid=settings.appid, secret=secret, access_token=token)
        return build_client(settings, creds)

    return make


def demo_source_factory(holder: SettingsHolder, secret: str) -> Callable[[], WaybillSource]:
    """Builds a client for the demo sandbox (its secret is held only in this closure)."""

    def make() -> WaybillSource:
        from app.wiring import Credentials, build_client

        settings = holder.settings
        return build_client(settings, Credentials(appid=settings.appid, secret=secret))

    return make


@contextlib.contextmanager
def demo_sandbox() -> Iterator[SandboxServer]:
    """The sandbox the demo talks to, on a free loopback port, stopped afterwards."""
    from app.sandbox.server import SandboxServer

    server = SandboxServer(port=0).start()
    try:
        yield server
    finally:
        server.stop()


def demo_carriers(make_source: Callable[[], WaybillSource]) -> list[tuple[str, str]]:
    """The sandbox's carrier list (a quick loopback call), or the built-in list."""
    try:
        client = make_source()
        carriers = client.get_all_delivery()  # type: ignore[attr-defined]
        close = getattr(client, "close", None)
        if callable(close):
            close()
        return [(c.delivery_id, c.delivery_name) for c in carriers] or list(DEFAULT_CARRIERS)
    except Exception:
        log.warning("could not read the sandbox's carriers", exc_info=True)
        return list(DEFAULT_CARRIERS)


def setup_application(argv: list[str]) -> QApplication:
    """The QApplication (made if there is none yet) with the program's names set."""
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(app.translate("run_gui", "Waybill printer"))
    return app


@contextlib.contextmanager
def window_session(
    paths: AppPaths, settings: Settings, *, demo: bool, env: dict[str, str] | None = None
) -> Iterator[MainWindow]:
    """A ready (not yet shown) main window and all it needs; torn down in order afterwards.

    Needs a QApplication. In demo mode a sandbox runs for the whole session (see the
    module docstring).
    """
    store = CredentialStore()
    store_file = SettingsStore(paths.settings_file)
    with contextlib.ExitStack() as stack:
        pdf_dir: Path | None = None
        if demo:
            sandbox = stack.enter_context(demo_sandbox())
            settings = settings.replace(
                api_base=sandbox.base_url, appid=sandbox.appid, token_mode=TokenMode.STABLE
            )
            holder = SettingsHolder(settings)
            make_source = demo_source_factory(holder, sandbox.secret)
            if not settings.printer_name:
                pdf_dir = paths.data_dir / "demo-pdf"
            carriers = demo_carriers(make_source)
        else:
            holder = SettingsHolder(settings)
            environ = dict(os.environ if env is None else env)
            make_source = real_source_factory(holder, store, environ)
            carriers = list(DEFAULT_CARRIERS)
        runner = BackgroundRunner()
        profile = make_label_profile()
        queue = PrintQueue(profile)
        services = WindowServices(
            settings=holder.settings,
            make_source=make_source,
            runner=runner,
            label_profile=profile,
            print_queue=queue,
            carriers=carriers,
            demo=demo,
            sample_orders=DEMO_SAMPLE_ORDERS if demo else [],
            pdf_dir=pdf_dir,
            language=language_of(holder.settings),
            edit_settings=_settings_editor(holder, store, None if demo else store_file),
        )
        window = MainWindow(services)
        if pdf_dir is not None:
            window.statusBar().showMessage(
                window.tr("Demo: labels are written as PDF files to {0}").format(pdf_dir)
            )
        try:
            yield window
        finally:
            window.fetcher.cancel()
            runner.shutdown()
            window.fetcher.close()
            queue.shutdown()
            for obj in (window, queue, runner, profile):  # pages go before their profile
                obj.deleteLater()
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def run_gui(*, demo: bool, argv: list[str]) -> int:
    """Show the window until it is closed; returns the exit status."""
    app = setup_application(argv)
    paths = AppPaths.default().ensure()
    settings = SettingsStore(paths.settings_file).load()
    with window_session(paths, settings, demo=demo) as window:
        window.show()
        return app.exec()


def connection_tester(settings: Settings, secret: str) -> ConnectionResult:
    """Asks the API for its carrier list with these settings (runs off the GUI thread)."""
    from app.wiring import Credentials, build_client

    try:
        client = build_client(settings, Credentials(appid=settings.appid, secret=secret or None))
        with client:
            count = len(client.get_all_delivery())
    except Exception as exc:
        hint = getattr(exc, "hint", None)
        if isinstance(hint, Hint):
            return ConnectionResult(False, hint)
        return ConnectionResult(False, Hint(str(exc), str(exc)))
    return ConnectionResult(
        True,
        Hint(f"Token received; {count} carriers listed.", f"已获取令牌；共 {count} 家快递公司。"),
    )


def _settings_editor(
    holder: SettingsHolder, store: CredentialStore, settings_store: SettingsStore | None
) -> Callable[[QWidget, Settings], Settings | None]:
    """Opens the settings dialog; saves accepted settings (unless `settings_store` is None,
    as in the demo, whose settings point at the sandbox) and keeps `holder` up to date."""

    def edit(parent: QWidget, current: Settings) -> Settings | None:
        dialog = SettingsDialog(
            current,
            store,
            connection_tester=connection_tester,
            language=language_of(current),
            parent=parent,
        )
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            new = dialog.result_settings()
        finally:
            dialog.deleteLater()
        if settings_store is not None:
            settings_store.save(new)
        holder.settings = new
        return new

    return edit


if __name__ == "__main__":  # pragma: no cover - for running the window directly
    sys.exit(run_gui(demo="--demo" in sys.argv, argv=sys.argv))
