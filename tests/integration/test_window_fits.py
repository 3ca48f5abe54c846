"""The first window fits a bench PC's 1024×768 screen: the real demo window, under a real
window manager (openbox) on its own 1024×768 X display, has every toolbar action, every
button, the preview and the status bar on the screen at the first start — in English,
in Chinese, and in large-text mode in both — and the queue table shows every column,
the message a good part of it, with no horizontal scrollbar."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1024, 768)


def probe(tmp_path: Path, *args: str) -> dict[str, object]:
    shot = tmp_path / "screen.png"
    command = [
        "xvfb-run", "-a", "-s", f"-screen 0 {SCREEN[0]}x{SCREEN[1]}x24",
        sys.executable, "-m", "tests.integration.fit_probe", *args, "--shot", str(shot),
    ]  # fmt: skip
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "xcb"  # a real X window that the window manager frames
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert shot.stat().st_size > 10_000  # a real picture of the screen was taken
    return report


@pytest.mark.parametrize(
    "args",
    [
        ("--language", "en"),
        ("--language", "zh_CN"),
        ("--language", "zh_CN", "--big"),
        ("--language", "en", "--big"),
    ],
    ids=["en", "zh_CN", "zh_CN-large-text", "en-large-text"],
)
def test_every_control_is_on_a_1024x768_screen_at_the_first_start(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    report = probe(tmp_path, *args)
    assert report["screen"] == [0, 0, *SCREEN]
    frame = report["frame"]
    assert isinstance(frame, list)
    x, y, width, height = frame
    assert x >= -1 and y >= -1 and x + width <= SCREEN[0] + 1 and y + height <= SCREEN[1] + 1
    assert report["hidden_toolbar_actions"] == []
    controls = report["controls"]
    assert isinstance(controls, dict)
    for name in ("preview", "table", "status bar"):
        assert name in controls
    toolbar = [name for name in controls if name.startswith("toolbar:")]
    assert len(toolbar) >= 3  # the printer picker, Print on scan, Cancel printing
    outside = {
        name: (cx, cy, cw, ch)
        for name, (cx, cy, cw, ch) in controls.items()
        if cx < 0 or cy < 0 or cx + cw > SCREEN[0] or cy + ch > SCREEN[1]
    }
    assert outside == {}
    assert controls["preview"][2] >= 300  # the label stays readable
    # The reasons are readable without scrolling sideways: no horizontal scrollbar, every
    # column inside the table, and the message column keeps a good part of it.
    assert report["table_hscroll"] is False
    table_width = report["table_width"]
    assert isinstance(table_width, int)
    assert report["table_columns_width"] <= table_width + 1
    message_width = report["message_column_width"]
    assert isinstance(message_width, int) and message_width >= 0.3 * table_width
