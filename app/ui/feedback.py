"""Feedback a packer notices without looking closely: the colour banner and two sounds.

`Banner` is the large message line under the scan field: green when something worked
(added, printed), amber when it needs attention (a repeated scan, lines left out), red for
an error together with what to do. `FeedbackSounds` plays the bundled "ok" or "error"
sound for a message's tone — through QtMultimedia's `QSoundEffect` when that module is
available (`QtSoundPlayer`), else the system beep (`BeepPlayer`) — unless sounds are
switched off in the settings. Both sizes of the banner text (normal, large for the bench)
are set with `Banner.set_big_font`.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication, QLabel, QWidget

log = logging.getLogger(__name__)

BANNER_SCALE = 1.6
BIG_BANNER_SCALE = 2.2


class Feedback(enum.Enum):
    """The tone of a feedback message."""

    INFO = "info"
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


BANNER_COLOURS: dict[Feedback, tuple[str, str]] = {
    Feedback.INFO: ("#ececec", "#222222"),
    Feedback.OK: ("#2e7d32", "#ffffff"),
    Feedback.WARNING: ("#ffb300", "#222222"),
    Feedback.ERROR: ("#c62828", "#ffffff"),
}
"""Background and text colour of the banner per tone."""


class Sound(enum.Enum):
    """The bundled sounds (``resources/sounds/<value>.wav``)."""

    OK = "ok"
    ERROR = "error"


SOUND_FOR_TONE: dict[Feedback, Sound | None] = {
    Feedback.INFO: None,
    Feedback.OK: Sound.OK,
    Feedback.WARNING: Sound.ERROR,
    Feedback.ERROR: Sound.ERROR,
}


class Banner(QLabel):
    """The big coloured message line; its ``tone`` property is the last message's tone."""

    def __init__(self, parent: QWidget | None = None, *, big_font: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackBanner")
        self.setWordWrap(True)
        self.setMargin(8)
        self._base_size = self.font().pointSizeF()
        self.set_big_font(big_font)
        self.show_message("", Feedback.INFO)

    def set_big_font(self, big: bool) -> None:
        font = self.font()
        font.setPointSizeF(self._base_size * (BIG_BANNER_SCALE if big else BANNER_SCALE))
        font.setBold(True)
        self.setFont(font)

    def show_message(self, text: str, tone: Feedback) -> None:
        background, colour = BANNER_COLOURS[tone]
        self.setText(text)
        self.setProperty("tone", tone.value)
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {colour}; border-radius: 4px; }}"
        )

    def tone(self) -> Feedback:
        return Feedback(self.property("tone"))


class SoundPlayer(Protocol):
    """Plays one of the bundled sounds."""

    def play(self, sound: Sound) -> None: ...


class BeepPlayer:
    """The fallback without QtMultimedia: the system beep for every sound."""

    def play(self, sound: Sound) -> None:
        QApplication.beep()


class QtSoundPlayer(QObject):
    """Plays the WAV files with `QSoundEffect` (loaded once, played many times)."""

    def __init__(
        self, multimedia: ModuleType, sounds_dir: Path, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.effects: dict[Sound, Any] = {}
        for sound in Sound:
            effect = multimedia.QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(sounds_dir / f"{sound.value}.wav")))
            effect.setVolume(0.8)
            self.effects[sound] = effect
        self._said_why = False
        if not multimedia.QMediaDevices.audioOutputs():
            self._say_why("this machine has no audio output device")

    def _say_why(self, reason: str) -> None:
        """Log once why the sounds fall back to the beep (the packer hears the difference)."""
        if not self._said_why:
            self._said_why = True
            log.warning("feedback sounds use the system beep: %s", reason)

    def play(self, sound: Sound) -> None:
        effect = self.effects[sound]
        if effect.status() == effect.Status.Error:  # no audio device, unreadable file
            self._say_why(f"{effect.source().toLocalFile()} could not be played")
            QApplication.beep()
        else:
            effect.play()


def import_multimedia() -> ModuleType:
    """PySide6's QtMultimedia (a plain import, so the bundle's analysis collects it)."""
    from PySide6 import QtMultimedia

    return QtMultimedia


def missing_package_hint(error: str) -> str:
    """ ", install the Debian package libpulse0" for "libpulse.so.0: cannot open …", or ""."""
    from app.system.shared_libraries import SONAME_PACKAGES

    match = re.search(r"(lib[\w.+-]+\.so[\w.]*): cannot open", error)
    package = SONAME_PACKAGES.get(match.group(1)) if match else None
    return f", install the Debian package {package}" if package else ""


def make_sound_player(
    sounds_dir: Path,
    parent: QObject | None = None,
    *,
    import_module: Callable[[], ModuleType] = import_multimedia,
) -> SoundPlayer:
    """A `QtSoundPlayer` when QtMultimedia can be imported, else a `BeepPlayer`."""
    try:
        multimedia = import_module()
    except ImportError as exc:
        log.warning(
            "QtMultimedia cannot be loaded (%s)%s; feedback sounds use the system beep",
            exc,
            missing_package_hint(str(exc)),
        )
        return BeepPlayer()
    return QtSoundPlayer(multimedia, sounds_dir, parent)


class FeedbackSounds:
    """Plays the sound of a message's tone, if sounds are switched on."""

    def __init__(self, player: SoundPlayer, enabled: Callable[[], bool]) -> None:
        self.player = player
        self._enabled = enabled

    def for_tone(self, tone: Feedback) -> Sound | None:
        """Play the tone's sound (if any and if enabled); returns what was played."""
        sound = SOUND_FOR_TONE[tone]
        if sound is None or not self._enabled():
            return None
        self.player.play(sound)
        return sound
