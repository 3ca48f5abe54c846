"""Starting the window: the demo session on its own sandbox, and a real session without
credentials that says what is missing instead of failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app.core.credentials import CredentialStore
from app.core.paths import AppPaths
from app.core.settings import ConnectionResult, Settings
from app.ui.app_main import (
    DEMO_SAMPLE_ORDERS,
    application_icon_file,
    setup_application,
    window_session,
)
from app.ui.credentials_flow import CredentialsFlow
from app.ui.queue_model import RowState
from tests.unit.core.memory_keyring import MemoryKeyring


def test_demo_session_fetches_and_prints_to_pdf_files(
    qapp: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    with window_session(paths, Settings(), demo=True) as window:
        window.show()
        assert window.demo_banner.isVisible()
        assert "nothing is sent to WeChat" in window.demo_banner.text()
        assert window.services.pdf_dir == paths.data_dir / "demo-pdf"
        assert window.carrier_box.findData("TEST") >= 0  # the sandbox's carrier list
        assert window.settings.api_base.startswith("http://127.0.0.1:")
        window.actions_.load_samples.trigger()
        samples = [line for line in DEMO_SAMPLE_ORDERS if not line.startswith("#")]
        assert window.model.rowCount() == len(samples)
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=20000)
        counts = window.model.counts()
        assert counts[RowState.READY] >= 5 and counts[RowState.CANCELLED] == 1
        window.print_all_ready()
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60000)
        printed = list((paths.data_dir / "demo-pdf").glob("*.pdf"))
        assert len(printed) == counts[RowState.READY]
    assert not (paths.config_dir / "settings.json").exists()  # the demo saves nothing


def test_the_demo_keeps_its_secret_for_the_session_and_its_connection_test_works(
    qapp: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    """The Settings dialog of the demo tests the connection with the sandbox's secret,
    which the demo keeps in memory: the station's keyring is never asked nor written."""
    backend = MemoryKeyring()
    store = CredentialStore(backend)
    paths = AppPaths.under(tmp_path).ensure()
    with window_session(paths, Settings(), demo=True, store=store) as window:
        appid = window.settings.appid
        assert store.is_session_only(appid)
        flow = window.findChild(CredentialsFlow)
        assert isinstance(flow, CredentialsFlow)
        tester = flow.connection_tester()
        secret = store.get_secret(appid)
        assert secret
        result = tester(window.settings, secret)
        assert isinstance(result, ConnectionResult) and result.ok, result
    assert backend.passwords == {}


def test_real_session_without_credentials_says_so(qapp: Any, qtbot: QtBot, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    with window_session(paths, Settings(), demo=False, env={}) as window:
        window.show()
        assert not window.demo_banner.isVisible()
        assert not window.actions_.load_samples.isVisible() or not window.services.sample_orders
        window.add_text("4200001")
        window.fetch()  # the source is built off the GUI thread: its refusal comes later
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=10_000)
        assert "credentials" in window.scan_bar.message_text().lower()
        assert window.model.row_at(0).state is RowState.QUEUED


def test_settings_dialog_round_trip_returns_focus(qapp: Any, qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.settings_dialog import SettingsDialog

    paths = AppPaths.under(tmp_path).ensure()
    with window_session(paths, Settings(), demo=False, env={}) as window:
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=5000)
        seen: list[str] = []

        def close_dialog() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, SettingsDialog):
                QTimer.singleShot(20, close_dialog)
                return
            seen.append(dialog.windowTitle())
            dialog.reject()

        QTimer.singleShot(0, close_dialog)
        window.actions_.settings.trigger()  # modal: returns once the dialog is closed
        assert seen == ["Settings"]
        qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=2000)
        assert not paths.settings_file.exists()  # cancelled: nothing saved


def test_applied_settings_change_the_window(qapp: Any, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    with window_session(paths, Settings(), demo=False, env={}) as window:
        window.apply_settings(Settings(default_carrier="ZTO", big_font=True))
        assert window.default_carrier() == "ZTO"
        assert window.settings.default_carrier == "ZTO"
        window.add_scan("X1")
        assert window.model.row_at(0).ref.delivery_id == "ZTO"


def test_window_changes_are_saved_through_the_one_save_path(qapp: Any, tmp_path: Path) -> None:
    from app.core.settings_store import SettingsStore
    from app.ui.credentials_flow import CredentialsFlow

    paths = AppPaths.under(tmp_path).ensure()
    with window_session(paths, Settings(), demo=False, env={}) as window:
        flow = window.findChild(CredentialsFlow)
        assert flow is not None
        assert window.services.save_settings == flow.save  # picker and dialog share it
        assert window.services.save_settings is not None
        window.services.save_settings(Settings(printer_name="LabelPDF", copies=2))
    stored = SettingsStore(paths.settings_file).load()
    assert (stored.printer_name, stored.copies) == ("LabelPDF", 2)


def test_demo_window_changes_stay_in_memory(qapp: Any, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    with window_session(paths, Settings(), demo=True) as window:
        assert window.services.save_settings is not None
        window.services.save_settings(window.settings.replace(printer_name="LabelPDF"))
    assert not paths.settings_file.exists()


def test_the_application_has_the_icon_of_its_desktop_entry(qapp: Any) -> None:
    app = setup_application(["waybill-printer"])
    assert app is qapp
    assert application_icon_file().is_file()
    assert not app.windowIcon().isNull()
    assert app.windowIcon().availableSizes()  # the PNG was read
    assert app.desktopFileName() == "waybill-printer"
    entry = application_icon_file().parents[1] / "waybill-printer.desktop"
    assert "\nIcon=waybill-printer\n" in entry.read_text(encoding="utf-8")
