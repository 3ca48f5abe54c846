"""The menu entry and icon: installed for the user only, valid, starting this installation."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from app.system.desktop_entry import data_home, exec_value, install_desktop_entry, resources_dir

REPO = Path(__file__).resolve().parents[3]


def validate(entry: Path) -> None:
    done = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_committed_entry_is_valid_and_names_the_icon() -> None:
    entry = REPO / "resources" / "waybill-printer.desktop"
    validate(entry)
    text = entry.read_text(encoding="utf-8")
    assert "\nIcon=waybill-printer\n" in text and "\nTerminal=false\n" in text
    assert (REPO / "resources" / "icons" / "waybill-printer.png").is_file()
    assert resources_dir() == REPO / "resources"


def test_install_writes_entry_and_icon_under_the_users_data_folder(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    installed = install_desktop_entry(resources_dir(), env, argv=["/opt/way bill/waybill-printer"])
    assert installed.entry == tmp_path / "data" / "applications" / "waybill-printer.desktop"
    assert installed.icon == tmp_path / "data/icons/hicolor/256x256/apps/waybill-printer.png"
    assert (
        installed.icon.read_bytes() == (REPO / "resources/icons/waybill-printer.png").read_bytes()
    )
    validate(installed.entry)
    lines = installed.entry.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.startswith("Exec=")] == [
        'Exec="/opt/way bill/waybill-printer"'
    ]


def test_data_home_defaults_to_local_share() -> None:
    assert data_home({"HOME": "/home/p"}) == Path("/home/p/.local/share")
    assert data_home({"HOME": "/home/p", "XDG_DATA_HOME": "relative"}) == Path(
        "/home/p/.local/share"
    )
    assert exec_value(["/usr/bin/x", "--demo"]) == "/usr/bin/x --demo"
    assert exec_value(['/a "b"/$x']) == '"/a \\"b\\"/\\$x"'


def test_the_command_installs_an_entry_that_starts_this_installation(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run(
        [sys.executable, "-m", "app", "install-desktop"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    entry = tmp_path / "data" / "applications" / "waybill-printer.desktop"
    assert f"installed {entry}" in done.stdout
    validate(entry)
    exec_line = next(
        line for line in entry.read_text(encoding="utf-8").splitlines() if line.startswith("Exec=")
    )
    program = shlex.split(exec_line.removeprefix("Exec="))
    assert os.access(program[0], os.X_OK)
    version = subprocess.run([*program, "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("waybill-printer "), version.stdout + version.stderr
