"""Starting the window: the QApplication, settings, the demo sandbox and the services.

`run_gui(demo=..., argv=...)` is what `waybill-printer` and `waybill-printer --demo` call.
In demo mode a `SandboxServer` runs on a free loopback port for the life of the window;
the settings in memory point at it (API address, its AppID; its secret stays in memory
and is never saved), and when no printer is configured labels are "printed" as PDF files
into ``<data dir>/demo-pdf`` — the status line says where. The demo never writes the
settings file; otherwise settings accepted in the Settings dialog are saved to it.
Account and credentials (the Settings dialog, the first-run dialog when nothing is
configured, the lazily built WeChat client) are `app.ui.credentials_flow`'s.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.core.carrier_cache import CarrierCache
from app.core.credentials import CredentialStore
from app.core.engine import WaybillSource
from app.core.ledger_url import LedgerLocation, keyring_password, ledger_location
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry
from app.core.settings import Settings, TokenMode
from app.core.settings_store import SettingsStore
from app.printing.label_proxy import LabelProxy
from app.printing.profile import make_label_profile
from app.printing.queue import PrintQueue
from app.ui.background import BackgroundRunner
from app.ui.credentials_flow import CredentialsFlow, Prompts
from app.ui.feedback import make_sound_player
from app.ui.i18n import install_translators, resources_dir, ui_language
from app.ui.ledger_session import attach_ledger
from app.ui.ledger_startup import ChooseMoveAside, LedgerQuit, ask_move_aside, open_window_ledger
from app.ui.main_window import MainWindow
from app.ui.printer_state import printer_status_reader
from app.ui.services import DEFAULT_CARRIERS, WindowServices

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


def demo_source_factory(
    holder: SettingsHolder, secret: str, secrets: SecretRegistry | None = None
) -> Callable[[], WaybillSource]:
    """Builds a client for the demo sandbox (its secret is held only in this closure)."""

    def make() -> WaybillSource:
        from app.wiring.client import Credentials, build_client

        settings = holder.settings
        creds = Credentials(appid=settings.appid, secret=secret)
        return build_client(settings, creds, secrets=secrets)

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
        try:
            carriers = client.get_all_delivery()
        finally:
            client.close()
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
    # Every window's icon, and the link to resources/waybill-printer.desktop (Wayland).
    app.setWindowIcon(QIcon(str(application_icon_file())))
    app.setDesktopFileName(APPLICATION)
    return app


def application_icon_file() -> Path:
    """The program's icon (also the `.desktop` entry's), in the source tree and the bundle."""
    return resources_dir() / "icons" / "waybill-printer.png"


def install_language(app: QApplication, settings: Settings) -> str:
    """Install the translators of the configured (or the system's) language."""
    language = ui_language(settings.language)
    install_translators(app, language)
    app.setApplicationDisplayName(app.translate("run_gui", "Waybill printer"))
    return language


@dataclass
class SourceSetup:
    """Where a session's waybills come from: the settings in force, the source factory
    (None: the credentials flow builds the WeChat client), the carriers, the PDF folder."""

    holder: SettingsHolder
    make_source: Callable[[], WaybillSource] | None
    carriers: list[tuple[str, str]]
    pdf_dir: Path | None


def demo_setup(
    stack: contextlib.ExitStack,
    settings: Settings,
    paths: AppPaths,
    pdf_dir: Path | None,
    secrets: SecretRegistry | None,
    store: CredentialStore,
) -> SourceSetup:
    """The demo: a sandbox for the whole session (closed by `stack`), settings pointing at
    it, and labels as PDF files when no printer is configured. The sandbox's AppSecret is
    kept in `store` for this session only, so whatever asks the store for it (the Settings
    dialog's connection test) finds it without the keyring being asked."""
    sandbox = stack.enter_context(demo_sandbox())
    store.keep_for_session(sandbox.appid, sandbox.secret)
    settings = settings.replace(
        api_base=sandbox.base_url, appid=sandbox.appid, token_mode=TokenMode.STABLE
    )
    holder = SettingsHolder(settings)
    make_source = demo_source_factory(holder, sandbox.secret, secrets)
    if not settings.printer_name and pdf_dir is None:
        pdf_dir = paths.data_dir / "demo-pdf"
    return SourceSetup(holder, make_source, demo_carriers(make_source), pdf_dir)


def station_setup(settings: Settings, pdf_dir: Path | None) -> SourceSetup:
    """A packing station: the configured account, through the credentials flow."""
    return SourceSetup(SettingsHolder(settings), None, list(DEFAULT_CARRIERS), pdf_dir)


@contextlib.contextmanager
def window_session(
    paths: AppPaths,
    settings: Settings,
    *,
    demo: bool,
    env: dict[str, str] | None = None,
    store: CredentialStore | None = None,
    secrets: SecretRegistry | None = None,
    prompts: Prompts | None = None,
    first_run: bool = False,
    pdf_dir: Path | None = None,
    choose_ledger: ChooseMoveAside | None = None,
    label_proxy: LabelProxy | None = None,
) -> Iterator[MainWindow]:
    """A ready (not yet shown) main window and all it needs; torn down in order afterwards.

    Needs a QApplication. In demo mode a sandbox runs for the whole session (see the
    module docstring). `store` is the credential store (the OS keyring by default),
    `secrets` learns every secret and token for the log filter, `prompts` asks the user
    (message boxes by default); with `first_run`, the Settings dialog opens as soon as
    the event loop runs if nothing is configured. `pdf_dir` writes labels as PDF files.
    """
    store = store if store is not None else CredentialStore()
    store_file = SettingsStore(paths.settings_file)
    environ = dict(os.environ if env is None else env)
    with contextlib.ExitStack() as stack:
        ledger_name = "demo-ledger.sqlite3" if demo else "ledger.sqlite3"  # demo apart
        own_file = paths.data_dir / ledger_name
        location = (
            LedgerLocation(own_file)
            if demo
            else ledger_location(environ, settings.ledger_url, own_file, keyring_password)
        )
        ledger = open_window_ledger(  # first: the packer may choose to quit here
            location,
            settings.retention_days,
            choose=choose_ledger or ask_move_aside,
            station=settings.station_name.strip() or None,
        )
        stack.callback(ledger.close)  # after the window and the runner are gone
        runner = BackgroundRunner()
        if demo:
            setup = demo_setup(stack, settings, paths, pdf_dir, secrets, store)
        else:
            setup = station_setup(settings, pdf_dir)
        holder = setup.holder
        flow = CredentialsFlow(
            holder,
            store,
            runner,
            env=environ,
            settings_store=None if demo else store_file,
            secrets=secrets,
            prompts=prompts,
            language=language_of(holder.settings),
        )
        make_source = setup.make_source or flow.make_source
        request_source = flow.request_source if setup.make_source is None else None
        pdf_dir = setup.pdf_dir
        carriers = setup.carriers
        profile = make_label_profile(proxy=label_proxy)
        profile.apply_settings(holder.settings)
        queue = PrintQueue(profile, offload=runner.offload)
        services = WindowServices(
            settings=holder.settings,
            make_source=make_source,
            request_source=request_source,
            runner=runner,
            label_profile=profile,
            print_queue=queue,
            carriers=carriers,
            demo=demo,
            sample_orders=DEMO_SAMPLE_ORDERS if demo else [],
            pdf_dir=pdf_dir,
            language=language_of(holder.settings),
            edit_settings=flow.edit,
            sound_player=make_sound_player(resources_dir() / "sounds", runner),
            carrier_cache=None if demo else CarrierCache(paths.data_dir / "carriers.json"),
            window_state_file=paths.config_dir / "window-state.ini",
            save_settings=flow.save,
            print_guard=ledger.guard,
            printer_status=printer_status_reader(),
        )
        window = MainWindow(services)
        attach_ledger(window, ledger)
        flow.setParent(window)  # asks its questions over the window; found by findChild
        if first_run and not demo:
            QTimer.singleShot(0, window, functools.partial(flow.first_run, window))
        if demo and pdf_dir is not None:
            window.statusBar().showMessage(
                QCoreApplication.translate(
                    "run_gui", "Demo: labels are written as PDF files to {0}"
                ).format(pdf_dir)
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


def run_gui(
    *,
    demo: bool,
    argv: list[str],
    secrets: SecretRegistry | None = None,
    label_proxy: LabelProxy | None = None,
) -> int:
    """Show the window until it is closed; returns the exit status.

    Outside the demo, the Settings dialog opens first when nothing is configured.
    `secrets` is the log filter's registry (`app.cli.program` makes it); `label_proxy` the
    running proxy Chromium was started with (`app.printing.label_proxy`).
    """
    app = setup_application(argv)
    paths = AppPaths.default().ensure()
    settings = SettingsStore(paths.settings_file).load()
    install_language(app, settings)
    try:
        with window_session(
            paths,
            settings,
            demo=demo,
            secrets=secrets,
            first_run=not demo,
            label_proxy=label_proxy,
        ) as window:
            window.show()
            return app.exec()
    except LedgerQuit as exc:
        log.error("quit: the ledger cannot be used: %s", exc)
        return 2


if __name__ == "__main__":  # pragma: no cover - for running the window directly
    sys.exit(run_gui(demo="--demo" in sys.argv, argv=sys.argv))
