"""The freedesktop menu entry and icon, installed for the current user (no root).

`install_desktop_entry` writes `resources/waybill-printer.desktop` to
`$XDG_DATA_HOME/applications` (default `~/.local/share/applications`) with `Exec=`
pointing at this installation's program — the bundle's executable, or the
`waybill-printer` script of the source tree's venv — and the icon to
`$XDG_DATA_HOME/icons/hicolor/256x256/apps`, so the packer starts the program from the
desktop's menu or a panel launcher without a terminal.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ENTRY_NAME = "waybill-printer.desktop"
ICON_NAME = "waybill-printer.png"
ICON_SIZE = "256x256"


@dataclass(frozen=True)
class InstalledEntry:
    """Where the entry and the icon went, and the command the entry runs."""

    entry: Path
    icon: Path
    command: str


def data_home(env: Mapping[str, str]) -> Path:
    """`$XDG_DATA_HOME`, else `~/.local/share` (the freedesktop default)."""
    value = env.get("XDG_DATA_HOME", "").strip()
    if value and Path(value).is_absolute():
        return Path(value)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


def program_command() -> list[str]:
    """The command that starts this installation's window, as an argument list."""
    if getattr(sys, "frozen", False):  # the PyInstaller bundle
        return [str(Path(sys.executable).resolve())]
    script = Path(sys.executable).parent / "waybill-printer"
    if script.is_file():
        return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "app"]


def exec_value(argv: list[str]) -> str:
    """`argv` as a desktop entry's `Exec=` value (quoted where the spec requires)."""

    def quote(arg: str) -> str:
        if re.fullmatch(r"[\w@%+=:,./-]+", arg):
            return arg
        escaped = re.sub(r'(["`$\\])', r"\\\1", arg)
        return f'"{escaped}"'.replace("%", "%%")

    return " ".join(quote(arg) for arg in argv)


def entry_text(template: str, command: str) -> str:
    """The template with its `Exec=` line set to `command`."""
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={command}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def resources_dir() -> Path:
    """The program's `resources` folder (next to `app/` in the source tree and the bundle)."""
    import app

    return Path(app.__file__).resolve().parent.parent / "resources"


def run_install_desktop(out: TextIO) -> int:
    """`waybill-printer install-desktop`: install, say where; 0, or 1 when it failed."""
    try:
        installed = install_desktop_entry(resources_dir())
    except OSError as exc:
        out.write(f"could not install the desktop entry: {exc}\n")
        return 1
    out.write(
        f"installed {installed.entry}\n  runs: {installed.command}\ninstalled {installed.icon}\n"
    )
    return 0


def install_desktop_entry(
    resources: Path, env: Mapping[str, str] | None = None, argv: list[str] | None = None
) -> InstalledEntry:
    """Install the entry and the icon under the user's data folder; returns where."""
    env = os.environ if env is None else env
    home = data_home(env)
    command = exec_value(argv if argv is not None else program_command())
    entry = home / "applications" / ENTRY_NAME
    icon = home / "icons" / "hicolor" / ICON_SIZE / "apps" / ICON_NAME
    entry.parent.mkdir(parents=True, exist_ok=True)
    icon.parent.mkdir(parents=True, exist_ok=True)
    template = (resources / ENTRY_NAME).read_text(encoding="utf-8")
    entry.write_text(entry_text(template, command), encoding="utf-8")
    shutil.copyfile(resources / "icons" / ICON_NAME, icon)
    return InstalledEntry(entry, icon, command)
