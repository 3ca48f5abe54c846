"""A whole packer's session, and the GUI thread never touches the disk, the network or
another process (non-negotiable 4).

The real window session (`app_main.window_session`: the SQLite ledger file, the settings
file, the carrier cache, the credentials flow over an in-memory keyring), the sandbox on
loopback, labels rendered by QtWebEngine and printed into a PDF folder, or on the real
print system (CUPS, the cups-pdf queue: the printer's state polled, each job followed to
its end); with the station's own ledger file, or a warehouse ledger (PostgreSQL, its
statements seen as they are made). Once the window is
shown, a Python audit hook records every disk, network and process event raised on the
main thread, and every SQL statement run there (`tests.fixtures.gui_io`), while the
packer scans, pastes and opens a file of orders, fetches, prints them all, searches the
history (exports a stored label and the rows found, prints the stored label again),
prints a row again, exports PDF files (a folder and one combined file), tests the
connection in the Settings dialog and accepts it, has the printers listed again and
chooses one, lets the hourly carrier-list check run, opens a label's print preview,
prints one more order on scan and closes the window.
Start-up before the window is shown (the ledger opened and recovered, the settings read)
and the teardown after it closed (the runner finishing its lanes) are not recorded.

Nothing is excluded from what is recorded. What an audit hook cannot see is not covered
here: Qt's and Chromium's own C++ work, `os.stat` and name lookups (`pwd`) have no audit
event. Traced once with `strace -f` over the same session (the main thread, from the
first scan to the window closed), that C++ work was: the print preview's `QPrinter`,
which asks CUPS for the default printer through libcups (its plugin loaded, a few IPP
requests on /run/cups/cups.sock, the printer's PPD read: Qt does this in every QPrinter
constructor, and the preview dialog needs its printer on the GUI thread); the window's
layout written by `QSettings` at close; Chromium's shared memory (/dev/shm), its shader
caches and /proc reads. The print path itself, PDF folder or CUPS, left no trace there.
"""

from __future__ import annotations

import importlib
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintPreviewDialog
from pytestqt.qtbot import QtBot

from app.core.credentials import SERVICE, CredentialStore
from app.core.ledger_db import PgDb
from app.core.ledger_url import ENV_URL
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry
from app.core.settings import ConnectionResult, Settings
from app.core.settings_store import SettingsStore
from app.sandbox.server import SandboxServer
from app.ui.app_main import window_session
from app.ui.history_window import HistoryWindow
from app.ui.ledger_session import LedgerFeatures
from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from app.ui.settings_dialog import SettingsDialog
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.gui_io import GuiThreadIo, gui_thread_io
from tests.integration.cups_support import fresh_order_id, wait_for_own_pdfs
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.credentials_support import RecordedPrompts, click_ok, on_next_dialog

WAIT_MS = 60_000


def features_of(window: MainWindow) -> LedgerFeatures:
    features = window.findChild(LedgerFeatures)
    assert isinstance(features, LedgerFeatures)
    return features


def wait_printed(qtbot: QtBot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(
        lambda: window.printer.pending == 0 and window.model.counts()[RowState.PRINTED] == count,
        timeout=WAIT_MS,
    )


def fetch_and_print_all(qtbot: QtBot, window: MainWindow, count: int) -> None:
    """Fetch the queued orders until `count` rows are ready, then Print all of them."""
    window.actions_.fetch.trigger()
    qtbot.waitUntil(
        lambda: not window.fetcher.running and window.model.counts()[RowState.READY] == count,
        timeout=WAIT_MS,
    )
    # the window enables Print all when it next counts its rows (a timer after the change)
    qtbot.waitUntil(window.actions_.print_all.isEnabled, timeout=WAIT_MS)
    window.actions_.print_all.trigger()
    wait_printed(qtbot, window, count)


def scan(qtbot: QtBot, window: MainWindow, code: str) -> None:
    field = window.scan_bar.field
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, "\r")


def search_history(qtbot: QtBot, history: HistoryWindow, order_id: str) -> None:
    history.order_edit.setText(order_id)
    with qtbot.waitSignal(history.searched, timeout=WAIT_MS):
        history.search()
    assert [row.order_id for row in history.rows] == [order_id]
    with qtbot.waitSignal(history.attemptsShown, timeout=WAIT_MS):
        history.select(0)


def station_session(
    paths: AppPaths,
    settings: Settings,
    sandbox: SandboxServer,
    pdf_dir: Path | None,
    env: dict[str, str] | None = None,
) -> AbstractContextManager[MainWindow]:
    """The real window session of a station with the sandbox's AppSecret in its keyring
    (`env` may name a warehouse ledger, as ``WAYBILL_LEDGER_URL`` does)."""
    backend = MemoryKeyring()
    backend.set_password(SERVICE, sandbox.appid, sandbox.secret)
    return window_session(
        paths,
        settings,
        demo=False,
        env=env or {},
        store=CredentialStore(backend),
        secrets=SecretRegistry(),
        prompts=RecordedPrompts().prompts(),
        pdf_dir=pdf_dir,
    )


def demo_session(paths: AppPaths, pdf_dir: Path | None) -> AbstractContextManager[MainWindow]:
    """The demo's window session: its own sandbox for the session, nothing in the keyring."""
    return window_session(
        paths,
        Settings(),
        demo=True,
        env={},
        store=CredentialStore(MemoryKeyring()),
        secrets=SecretRegistry(),
        prompts=RecordedPrompts().prompts(),
        pdf_dir=pdf_dir,
    )


def run_session(
    qtbot: QtBot, window: MainWindow, io: GuiThreadIo, tmp_path: Path, paths: AppPaths
) -> dict[str, object]:
    """The packer's session, recorded from the first scan to the window closed."""
    orders = [fresh_order_id() for _ in range(4)]
    order_file = tmp_path / "orders.csv"
    order_file.write_text(f"order_id,delivery_id\n{orders[3]},SF\n", encoding="utf-8")
    io.recording = True
    # scan two orders, paste one, open a file with one more
    scan(qtbot, window, orders[0])
    scan(qtbot, window, orders[1])
    QGuiApplication.clipboard().setText(orders[2])
    window.actions_.paste_clipboard.trigger()
    window.importer.import_file(order_file)
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=WAIT_MS)
    # fetch them, print them all into the PDF folder
    fetch_and_print_all(qtbot, window, 4)
    # the history: everything, then one order and its attempts
    features = features_of(window)
    with qtbot.waitSignal(features.history_action.triggered, timeout=1000):
        features.history_action.trigger()
    history = features.history
    assert history is not None
    qtbot.waitUntil(lambda: len(history.rows) >= 4, timeout=WAIT_MS)
    search_history(qtbot, history, orders[1])
    with qtbot.waitSignal(history.exported, timeout=WAIT_MS):  # its stored label
        assert history.export_pdf(tmp_path / "stored")
    history.export_csv(tmp_path / "history.csv")
    qtbot.waitUntil(lambda: "history.csv" in history.status.text(), timeout=WAIT_MS)
    assert history.reprint_selected()  # its stored label, printed again
    qtbot.waitUntil(
        lambda: history.last_print is not None and window.printer.pending == 0,
        timeout=WAIT_MS,
    )
    history.close()
    # a label printed again from the list
    window.table.selectRow(2)
    window.actions_.print_selected.trigger()
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=WAIT_MS)
    # export: a file per label, then one combined file
    commands = window.print_commands
    window.table.clearSelection()  # nothing selected: every ready or printed label
    labels = commands.labels_to_export()
    assert len(labels) == 4
    assert commands.export(labels, folder=tmp_path / "export")
    qtbot.waitUntil(lambda: commands.last_export is not None, timeout=WAIT_MS)
    folder_export, commands.last_export = commands.last_export, None
    assert commands.export(labels, combined=tmp_path / "all.pdf")
    qtbot.waitUntil(lambda: commands.last_export is not None, timeout=WAIT_MS)
    combined_export = commands.last_export
    # the Settings dialog: the connection tested, then OK (the settings file is written)
    tested: list[object] = []

    def test_then_ok(dialog: SettingsDialog) -> None:
        def ok(result: object) -> None:
            tested.append(result)
            click_ok(dialog)

        dialog.connection_tested.connect(ok)
        dialog.test_button.click()

    seen = on_next_dialog(window, test_then_ok)
    window.actions_.settings.trigger()  # returns once the dialog is closed
    assert seen == ["Settings"]
    (result,) = tested
    assert isinstance(result, ConnectionResult) and result.ok, result
    if not window.services.demo:  # the demo has no settings file
        qtbot.waitUntil(paths.settings_file.exists, timeout=WAIT_MS)
    # the printer list asked again, the printer chosen again
    picker = commands.picker
    picker.refresh()
    qtbot.waitUntil(picker.refresh_button.isEnabled, timeout=WAIT_MS)
    commands.choose_printer(window.settings.printer_name)
    # the hourly check of the carrier list
    refresher = window.carrier_refresher
    assert (refresher is None) == window.services.demo  # the demo's list is its sandbox's
    if refresher is not None:
        refresher.refresh_if_stale()
        qtbot.waitUntil(lambda: not refresher.running, timeout=WAIT_MS)
    # a label's print preview
    window.table.selectRow(0)
    dialog = commands.open_preview()
    assert isinstance(dialog, QPrintPreviewDialog)
    painter = dialog.painter  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: painter.pages_painted >= 1, timeout=WAIT_MS)
    dialog.reject()
    # one more scan, printed on its own with print on scan
    commands.scan_to_print.setChecked(True)
    scan(qtbot, window, fresh_order_id())
    wait_printed(qtbot, window, 5)
    waybill_ids = [row.waybill_id for row in window.model.rows()]
    window.close()
    io.recording = False
    return {"folder": folder_export, "combined": combined_export, "waybills": waybill_ids}


@pytest.mark.parametrize(
    "target",
    ["pdf-folder", "warehouse-ledger", "demo", pytest.param("cups", marks=pytest.mark.cups)],
)
def test_a_whole_session_never_has_the_gui_thread_touch_disk_or_network(
    sandbox: SandboxServer,
    qtbot: QtBot,
    tmp_path: Path,
    target: str,
    request: pytest.FixtureRequest,
) -> None:
    paths = AppPaths.under(tmp_path / "home").ensure()
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url, read_timeout=20.0)
    pdf_dir: Path | None = tmp_path / "pdf"
    env: dict[str, str] = {}
    cups: CupsPdfQueue | None = None
    if target == "warehouse-ledger":  # PostgreSQL instead of the station's own file
        env[ENV_URL] = str(request.getfixturevalue("pg_url"))
    if target == "cups":  # the real print system: the printer's state and jobs followed
        cups = request.getfixturevalue("cups_pdf_queue")
        settings, pdf_dir = settings.replace(printer_name=cups.name), None
        before = cups.snapshot()
    with (
        gui_thread_io() as io,
        (
            demo_session(paths, pdf_dir)
            if target == "demo"
            else station_session(paths, settings, sandbox, pdf_dir, env)
        ) as window,
    ):
        window.show()
        qtbot.waitExposed(window, timeout=WAIT_MS)
        done = run_session(qtbot, window, io, tmp_path, paths)
    # the session did what a packer does ...
    waybills = done["waybills"]
    assert isinstance(waybills, list) and len(waybills) == 5
    printed = 4 + 2 + 1  # all ready, two printed again, one on scan
    if cups is not None:
        assert len(wait_for_own_pdfs(cups, before, waybills, printed)) == printed
    else:
        assert pdf_dir is not None and len(list(pdf_dir.glob("*.pdf"))) == printed
    assert len(list((tmp_path / "export").glob("*.pdf"))) == 4
    assert (tmp_path / "all.pdf").read_bytes().startswith(b"%PDF")
    assert len(list((tmp_path / "stored").glob("*.pdf"))) == 1
    assert (tmp_path / "history.csv").read_text(encoding="utf-8").count("\n") == 2
    if target == "demo":  # the station's settings are left as they were
        assert not paths.settings_file.exists()
    else:
        saved = SettingsStore(paths.settings_file).load()  # the dialog's, then print on scan
        assert saved.appid == sandbox.appid and saved.scan_to_print
    assert done["folder"] is not None and done["combined"] is not None
    # ... its disk and network work was seen, in the background ...
    seen = io.elsewhere
    print(f"off the GUI thread: {dict(seen)}")
    statements = "postgresql statement" if env else "sqlite3 statement"
    assert seen["http.client.send"] >= 2 and seen[statements] >= 10, seen
    if env:  # the station's own ledger file was never made
        assert not (paths.data_dir / "ledger.sqlite3").exists()
    assert seen["open"] >= 4 and seen["os.rename"] >= 1, seen  # files, the settings saved
    # ... and the GUI thread did none of its disk, network or process work
    assert io.events == [], "the GUI thread did I/O:\n" + io.report(io.events)
    assert io.lazy_imports == [], "lazy imports on the GUI thread:\n" + io.report(io.lazy_imports)


#: An earlier run that died (the process ended without closing the ledger): one order
#: queued, one fetched, two labels being printed. Run as its own process.
CRASHED_RUN = """
import os, sys
from app.core.ledger import Ledger
from app.core.model import OrderRef
from tests.unit.ui.ledger_support import stored_label
path, queued, fetched, printing_1, printing_2 = sys.argv[1:]
ledger = Ledger(path)
names = (queued, fetched, printing_1, printing_2)
rows = ledger.record_queued([OrderRef(name, "SF") for name in names])
for row, name in zip(rows[1:], names[1:]):
    ledger.record_fetch_result(row, stored_label(name, f"SF{name}"))
for row, name in zip(rows[2:], names[2:]):
    ledger.begin_print(row, waybill_id=f"SF{name}", printer="LabelPrinter", copies=1)
os._exit(0)  # no close: the run stays open, its process gone
"""


def crashed_run(ledger_file: Path, orders: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-c", CRASHED_RUN, str(ledger_file), *orders]
    subprocess.run(command, check=True, env=env, timeout=120)


def test_the_morning_after_a_crash_never_has_the_gui_thread_touch_disk_or_network(
    sandbox: SandboxServer, qtbot: QtBot, tmp_path: Path
) -> None:
    """The recovery after a crash, recorded: the packer answers for the two prints of
    unknown outcome (one came out, one did not: its label is back in the queue), then
    fetches the order left queued and prints everything ready."""
    paths = AppPaths.under(tmp_path / "home").ensure()
    orders = [fresh_order_id() for _ in range(4)]
    crashed_run(paths.data_dir / "ledger.sqlite3", orders)
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url, read_timeout=20.0)
    pdf_dir = tmp_path / "pdf"
    with (
        gui_thread_io() as io,
        station_session(paths, settings, sandbox, pdf_dir) as window,
    ):
        window.show()
        qtbot.waitExposed(window, timeout=WAIT_MS)
        io.recording = True
        dialog = features_of(window).recovery_dialog
        assert dialog is not None and len(dialog.prints) == 2
        qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
        assert [row.state for row in window.model.rows()] == [RowState.QUEUED, RowState.READY]
        answered: list[tuple[int, bool]] = []
        dialog.confirmed.connect(lambda print_id, out: answered.append((print_id, out)))
        assert dialog.answer(0, printed=True) and dialog.answer(1, printed=False)
        qtbot.waitUntil(lambda: len(answered) == 2, timeout=WAIT_MS)
        dialog.accept()
        assert window.model.rowCount() == 3  # the label that did not come out: ready again
        fetch_and_print_all(qtbot, window, 3)
        window.close()
        io.recording = False
    assert sorted(out for _id, out in answered) == [False, True]
    assert len(list(pdf_dir.glob("*.pdf"))) == 3
    assert io.elsewhere["sqlite3 statement"] >= 5 and io.elsewhere["http.client.send"] >= 1
    assert io.events == [], "the GUI thread did I/O:\n" + io.report(io.events)
    assert io.lazy_imports == [], "lazy imports on the GUI thread:\n" + io.report(io.lazy_imports)


def test_the_recorder_sees_the_gui_threads_io_and_nothing_else(tmp_path: Path) -> None:
    """What the recorder keeps: the main thread's files, SQL, folders, processes and
    names, with the caller in its stack; not a worker's, not before or after recording;
    a module read by a lazy import apart."""
    data = tmp_path / "data.txt"
    data.write_text("x", encoding="utf-8")
    (tmp_path / "gui_io_probe_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        with gui_thread_io() as io:
            conn = sqlite3.connect(
                tmp_path / "db.sqlite3", isolation_level=None, check_same_thread=False
            )
            conn.execute("CREATE TABLE t (x)")  # before recording: not kept
            io.recording = True
            data.read_text(encoding="utf-8")
            conn.execute("INSERT INTO t VALUES (1)")
            worker = threading.Thread(
                target=lambda: (data.read_text(encoding="utf-8"), conn.execute("SELECT 2"))
            )
            worker.start()
            worker.join()
            os.listdir(tmp_path)
            subprocess.run(["true"], check=True)
            socket.getaddrinfo("localhost", 80)
            importlib.import_module("gui_io_probe_module")
            io.recording = False
            data.read_text(encoding="utf-8")  # after recording: not kept
            conn.close()
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("gui_io_probe_module", None)
    kept = [(event.name, event.args) for event in io.events]
    assert kept == [
        ("open", repr((str(data), "r", 524288))),
        ("sqlite3 statement", repr(("INSERT INTO t VALUES (1)",))),
        ("os.listdir", repr((str(tmp_path),))),
        ("subprocess.Popen", kept[3][1]),
        ("socket.getaddrinfo", kept[4][1]),
    ], io.report(io.events)
    assert "true" in kept[3][1] and "localhost" in kept[4][1]
    here = test_the_recorder_sees_the_gui_threads_io_and_nothing_else.__name__
    assert all(here in event.describe() for event in io.events)
    assert any("gui_io_probe_module" in event.args for event in io.lazy_imports)
    assert io.elsewhere["open"] == 1 and io.elsewhere["sqlite3 statement"] == 1


def test_the_recorder_sees_a_warehouse_ledger_statement_on_the_gui_thread(pg_url: str) -> None:
    """libpq raises no audit event: the ledger's PostgreSQL statements are seen as calls,
    the GUI thread's kept, a worker's counted."""
    db = PgDb(pg_url)
    try:
        with gui_thread_io() as io:
            db.execute("SELECT 1")  # before recording: not kept
            io.recording = True
            db.execute("SELECT 2")
            worker = threading.Thread(target=lambda: db.execute("SELECT 3"))
            worker.start()
            worker.join()
            io.recording = False
    finally:
        db.close()
    assert [(event.name, event.args) for event in io.events] == [
        ("postgresql statement", repr(("SELECT 2",)))
    ], io.report(io.events)
    assert io.elsewhere["postgresql statement"] == 1
