"""The feedback banner's colours, the sounds per outcome (with and without QtMultimedia),
switching sounds off, and the large-text mode."""

from __future__ import annotations

import logging
import wave
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.settings import Settings
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.feedback import (
    BANNER_COLOURS,
    Banner,
    BeepPlayer,
    Feedback,
    FeedbackSounds,
    QtSoundPlayer,
    Sound,
    make_sound_player,
)
from app.ui.i18n import resources_dir
from app.ui.main_window import MainWindow
from app.ui.scan_bar import ScanBar
from tests.unit.ui.support import open_window, sandbox_settings

SOUNDS = resources_dir() / "sounds"


class RecordingPlayer:
    """A sound player that remembers what it was asked to play."""

    def __init__(self) -> None:
        self.played: list[Sound] = []

    def play(self, sound: Sound) -> None:
        self.played.append(sound)


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[tuple[MainWindow, RecordingPlayer]]:
    player = RecordingPlayer()
    with open_window(sandbox, label_profile, print_queue, tmp_path, sound_player=player) as win:
        yield win, player


@pytest.mark.parametrize("name", ["ok", "error"])
def test_the_bundled_sounds_are_short_16_bit_mono(name: str) -> None:
    with wave.open(str(SOUNDS / f"{name}.wav")) as sound:
        assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (1, 2, 22050)
        assert 0.15 <= sound.getnframes() / sound.getframerate() <= 0.3


@pytest.mark.parametrize("tone", list(Feedback))
def test_the_banner_shows_the_colour_of_the_tone(qtbot: QtBot, tone: Feedback) -> None:
    banner = Banner()
    qtbot.addWidget(banner)
    banner.show_message("text", tone)
    background, colour = BANNER_COLOURS[tone]
    assert banner.text() == "text"
    assert banner.tone() is tone
    assert f"background: {background}" in banner.styleSheet()
    assert f"color: {colour}" in banner.styleSheet()


def test_outcomes_colour_the_banner_and_play_their_sound(
    window: tuple[MainWindow, RecordingPlayer],
) -> None:
    win, player = window
    win.add_scan("4200001")
    assert win.scan_bar.message.tone() is Feedback.OK
    assert BANNER_COLOURS[Feedback.OK][0] == "#2e7d32"  # green
    win.add_scan("4200001")  # repeated: needs attention
    assert win.scan_bar.message.tone() is Feedback.WARNING
    assert "Already in the list" in win.scan_bar.message_text()
    win.add_scan("A1,S-F")  # refused: red, with the reason
    assert win.scan_bar.message.tone() is Feedback.ERROR
    assert "invalid carrier id" in win.scan_bar.message_text()
    assert player.played == [Sound.OK, Sound.ERROR, Sound.ERROR]


def test_scans_run_together_past_wechats_64_characters_are_refused_at_once(
    window: tuple[MainWindow, RecordingPlayer], qtbot: QtBot
) -> None:
    win, player = window
    glued = "".join(f"ORD{n:05d}" for n in range(31))[:248]  # 31 ids a scanner ran together
    win.scan_bar.focus_field()
    qtbot.keyClicks(win.scan_bar.field, glued)
    qtbot.keyClick(win.scan_bar.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.scan_bar.message.tone() is Feedback.ERROR, timeout=5_000)
    text = win.scan_bar.message_text()
    assert "longer than 64 characters (WeChat's limit)" in text
    assert glued[:32] in text and glued not in text  # the id shown shortened
    assert player.played == [Sound.ERROR]
    assert win.model.rowCount() == 0
    win.add_scan("O" * 64)  # exactly the limit is an order
    assert win.model.rowCount() == 1 and player.played[-1] is Sound.OK
    added = win.add_text(f"A1\n{'B' * 65}\nA2")
    assert added == 2 and win.model.rowCount() == 3
    assert "1 line(s) not added" in win.scan_bar.message_text()


def test_info_messages_are_silent(window: tuple[MainWindow, RecordingPlayer]) -> None:
    win, player = window
    win.tell("Fetching…", Feedback.INFO)
    assert win.scan_bar.message.tone() is Feedback.INFO
    assert player.played == []


def test_sounds_can_be_switched_off(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> None:
    player = RecordingPlayer()
    settings = sandbox_settings(sandbox, sound_enabled=False)
    with open_window(
        sandbox,
        label_profile,
        print_queue,
        tmp_path,
        settings=settings,
        sound_player=player,
    ) as win:
        win.add_scan("A1,S-F")
        assert win.scan_bar.message.tone() is Feedback.ERROR
        assert player.played == []
        win.apply_settings(settings.replace(sound_enabled=True))
        win.add_scan("A1,S-F")
        assert player.played == [Sound.ERROR]


def test_without_qtmultimedia_the_system_beep_is_used(qapp: QApplication) -> None:
    def no_multimedia() -> ModuleType:
        raise ImportError("No module named 'PySide6.QtMultimedia'")

    player = make_sound_player(SOUNDS, import_module=no_multimedia)
    assert isinstance(player, BeepPlayer)
    sounds = FeedbackSounds(player, lambda: True)
    assert sounds.for_tone(Feedback.ERROR) is Sound.ERROR  # beeps, does not raise


def test_a_missing_system_library_is_logged_with_its_package(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    def no_libpulse() -> ModuleType:
        raise ImportError("libpulse.so.0: cannot open shared object file: No such file")

    with caplog.at_level(logging.WARNING, logger="app.ui.feedback"):
        player = make_sound_player(SOUNDS, import_module=no_libpulse)
    assert isinstance(player, BeepPlayer)
    assert caplog.messages == [
        "QtMultimedia cannot be loaded (libpulse.so.0: cannot open shared object file: "
        "No such file), install the Debian package libpulse0; "
        "feedback sounds use the system beep"
    ]


def test_without_an_audio_device_the_log_says_why_sounds_beep(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    with caplog.at_level(logging.WARNING, logger="app.ui.feedback"):
        player = make_sound_player(SOUNDS)
    try:
        said = [m for m in caplog.messages if m.startswith("feedback sounds use the system beep")]
        if QMediaDevices.audioOutputs():
            assert said == []
        else:
            assert said == [
                "feedback sounds use the system beep: this machine has no audio output device"
            ]
    finally:
        player.deleteLater()  # type: ignore[attr-defined]


def test_with_qtmultimedia_each_sound_has_its_wav_file(qapp: QApplication) -> None:
    player = make_sound_player(SOUNDS)
    assert isinstance(player, QtSoundPlayer)
    try:
        sources = {s: Path(e.source().toLocalFile()) for s, e in player.effects.items()}
        assert sources == {Sound.OK: SOUNDS / "ok.wav", Sound.ERROR: SOUNDS / "error.wav"}
        player.play(Sound.OK)  # plays, or beeps when the machine has no audio device
    finally:
        player.deleteLater()


def test_big_font_mode_enlarges_the_bench_texts(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    bar = ScanBar(host)
    field_size = bar.field.font().pointSizeF()
    banner_size = bar.message.font().pointSizeF()
    bar.set_big_font(True)
    assert bar.field.font().pointSizeF() > field_size
    assert bar.message.font().pointSizeF() > banner_size
    bar.set_big_font(False)
    assert bar.field.font().pointSizeF() == field_size


def test_the_big_font_setting_reaches_the_window(
    window: tuple[MainWindow, RecordingPlayer],
) -> None:
    win, _player = window
    sizes = (win.table.font().pointSizeF(), win.scan_bar.message.font().pointSizeF())
    win.apply_settings(win.settings.replace(big_font=True))
    assert win.table.font().pointSizeF() > sizes[0]
    assert win.scan_bar.message.font().pointSizeF() > sizes[1]
    assert Settings().big_font is False
