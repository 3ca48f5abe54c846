"""The feedback sounds really play where the machine has audio: a private PulseAudio
server with a null sink (what a station's sound card is to QtMultimedia), and the real
`QSoundEffect` of the window's sound player in a fresh process (QtMultimedia picks its
audio server once per process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PLAY = """
import json, sys
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QApplication
from app.ui.feedback import QtSoundPlayer, Sound, make_sound_player
from app.ui.i18n import resources_dir

app = QApplication(["sounds"])
player = make_sound_player(resources_dir() / "sounds")
assert isinstance(player, QtSoundPlayer), player
effect = player.effects[Sound.ERROR]
changes = []
effect.playingChanged.connect(lambda: changes.append(effect.isPlaying()))
loop = QEventLoop()
effect.loadedChanged.connect(loop.quit)
effect.playingChanged.connect(lambda: None if effect.isPlaying() else loop.quit())
QTimer.singleShot(10000, loop.quit)
if not effect.isLoaded():
    loop.exec()
player.play(Sound.ERROR)
if changes != [True, False]:
    loop.exec()
print(json.dumps({
    "outputs": [d.description() for d in QMediaDevices.audioOutputs()],
    "status": effect.status().name,
    "changes": changes,
}))
"""


@pytest.fixture
def pulse_server() -> Iterator[str]:
    """A PulseAudio server of its own (null sink, socket in a temporary folder)."""
    folder = Path(tempfile.mkdtemp(prefix="wb-pulse-"))
    socket = folder / "native"
    (folder / "default.pa").write_text(
        "load-module module-null-sink sink_name=bench\n"
        f"load-module module-native-protocol-unix socket={socket} auth-anonymous=1\n"
        "set-default-sink bench\n",
        encoding="utf-8",
    )
    env = dict(os.environ, HOME=str(folder), XDG_RUNTIME_DIR=str(folder))
    env["PULSE_RUNTIME_PATH"] = str(folder)
    log = folder / "pulseaudio.log"
    server = subprocess.Popen(
        ["pulseaudio", "-n", "-F", str(folder / "default.pa"), "--daemonize=no",
         "--exit-idle-time=-1", "--use-pid-file=no", f"--log-target=file:{log}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    address = f"unix:{socket}"
    try:
        deadline = time.monotonic() + 20
        while True:
            info = subprocess.run(
                ["pactl", "--server", address, "info"], capture_output=True, text=True
            )
            if info.returncode == 0:
                break
            assert server.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "PulseAudio did not start"
            time.sleep(0.1)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def play_in_new_process(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PLAY], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_error_sound_plays_through_the_audio_server(pulse_server: str) -> None:
    env = dict(os.environ, PULSE_SERVER=pulse_server, QT_QPA_PLATFORM="offscreen")
    result = play_in_new_process(env)
    assert result["outputs"] == ["Null Output"]
    assert result["status"] == "Ready"
    assert result["changes"] == [True, False]  # it started, and it ended by itself
