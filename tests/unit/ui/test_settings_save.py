"""The window saves its settings (the Settings dialog, the printer picker, print on scan)
through the background helper's lane: the settings file is written off the GUI thread,
in the order saved, and a failed write is still told to the packer."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.core.credentials import CredentialStore
from app.core.settings import Settings
from app.core.settings_store import SettingsStore
from app.ui.background import BackgroundRunner
from app.ui.credentials_flow import CredentialsFlow
from tests.fixtures.qt import dispose
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.credentials_support import RecordedPrompts


@dataclass
class Slot:
    settings: Settings = field(default_factory=Settings)


class HeldStore(SettingsStore):
    """The real settings file, remembering the thread of each write; held until released."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.threads: list[threading.Thread] = []
        self.release = threading.Event()

    def save(self, settings: Settings) -> None:
        self.threads.append(threading.current_thread())
        assert self.release.wait(30), "the test never released the write"
        super().save(settings)


def flow_for(
    runner: BackgroundRunner, store: SettingsStore, prompts: RecordedPrompts
) -> tuple[CredentialsFlow, Slot]:
    slot = Slot()
    flow = CredentialsFlow(
        slot,
        CredentialStore(MemoryKeyring()),
        runner,
        env={},
        settings_store=store,
        prompts=prompts.prompts(),
    )
    return flow, slot


def test_the_settings_are_written_off_the_gui_thread_in_the_order_saved(
    runner: BackgroundRunner, tmp_path: Path, qtbot: QtBot
) -> None:
    store = HeldStore(tmp_path / "settings.json")
    flow, slot = flow_for(runner, store, RecordedPrompts())
    first, second = Settings(printer_name="LabelPDF"), Settings(printer_name="Zebra", copies=2)
    flow.save(first)  # returns while the write waits
    flow.save(second)
    assert slot.settings == second  # in force at once
    qtbot.waitUntil(lambda: len(store.threads) == 1, timeout=5000)
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: fired == [True], timeout=5000)  # the GUI thread turns meanwhile
    assert not store.path.exists()
    store.release.set()
    qtbot.waitUntil(lambda: len(store.threads) == 2 and runner.active_count == 0, timeout=5000)
    assert SettingsStore(store.path).load() == second  # the last saved is the one on disk
    assert threading.main_thread() not in store.threads
    dispose(flow)


def test_a_failed_write_is_told(runner: BackgroundRunner, tmp_path: Path, qtbot: QtBot) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be\n")
    prompts = RecordedPrompts()
    flow, slot = flow_for(runner, SettingsStore(blocker / "settings.json"), prompts)
    flow.save(Settings(printer_name="LabelPDF"))
    assert slot.settings.printer_name == "LabelPDF"  # in force for this session
    qtbot.waitUntil(lambda: prompts.messages != [], timeout=5000)
    [(title, text)] = prompts.messages
    assert title == "Settings not saved"
    assert str(blocker / "settings.json") in text
    dispose(flow)


def test_what_is_not_written_yet_is_written_when_the_helper_shuts_down(
    tmp_path: Path, qtbot: QtBot
) -> None:
    runner = BackgroundRunner()
    store = HeldStore(tmp_path / "settings.json")
    flow, _slot = flow_for(runner, store, RecordedPrompts())
    flow.save(Settings(copies=2))
    flow.save(Settings(copies=3))
    qtbot.waitUntil(lambda: len(store.threads) == 1, timeout=5000)
    store.release.set()
    assert runner.shutdown()  # the window closed: the second is written here
    assert SettingsStore(store.path).load().copies == 3
    dispose(flow)
    dispose(runner)
