"""Without a display the window says so in one line and exits at once; the headless
commands work as before. Real processes with DISPLAY and WAYLAND_DISPLAY removed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.system.display import NO_DISPLAY

REPO = Path(__file__).resolve().parents[2]


def headless_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, WAYBILL_HOME=str(tmp_path / "home"))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return env


@pytest.mark.parametrize("args", [["--demo"], []], ids=["demo", "window"])
def test_the_window_without_a_display_says_so_in_one_line(tmp_path: Path, args: list[str]) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO,
        env=headless_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 2
    assert done.stderr == NO_DISPLAY + "\n"
    assert done.stdout == ""
    assert elapsed < 30  # it never got as far as Qt (no plugin search, no abort)


def test_make_demo_without_a_display_stops_with_that_line(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "-s", "demo", f"VENV={sys.prefix}"],
        cwd=REPO,
        env=headless_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode != 0
    assert NO_DISPLAY in done.stderr.splitlines(), done.stdout + done.stderr
    assert "Aborted" not in done.stderr and "qt.qpa" not in done.stderr


def test_headless_commands_need_no_display(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "history"],
        cwd=REPO,
        env=headless_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert NO_DISPLAY not in done.stderr


def test_the_self_test_renders_offscreen_without_a_display(tmp_path: Path) -> None:
    env = dict(headless_env(tmp_path), TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS  shared libraries: " in done.stdout
    assert "PASS: 6 of 6 checks passed" in done.stdout
