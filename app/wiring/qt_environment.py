"""The process environment QtWebEngine needs, set before the first Qt application exists.

Chromium refuses to start as root unless its own sandbox is off (packing-station kiosks and
CI run as root); headless commands render offscreen when there is no display. Labels stay
confined by the label cage either way (no navigation, no sockets to hosts that are not
allowed, no local loads). Timers of the hidden label pages run at full speed. Commands that
render labels send Chromium's connections through the label proxy (`add_chromium_flags`
with `LabelProxy.chromium_flags`). On Linux fontconfig reads the program's own configuration
(`resources/fonts/fonts.conf`): the system's, plus TrueType label fonts in place of the Chinese
sans fonts labels name (see that file).
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path

from app.system.desktop_entry import resources_dir


def allow_webengine_as_root(
    env: MutableMapping[str, str] | None = None, *, euid: int | None = None
) -> None:
    """Turn Chromium's sandbox off only when running as root, where it cannot start."""
    env = os.environ if env is None else env
    if euid is None:
        euid = os.geteuid() if hasattr(os, "geteuid") else -1
    if euid == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


#: Chromium slows the timers of a page nobody sees to one run a second and never runs its
#: animation frames: a label page is never seen, and a template that draws its barcode
#: 100 ms after loading would take a second or more to settle.
LABEL_RENDERER_FLAGS = ("--disable-background-timer-throttling", "--disable-renderer-backgrounding")


def add_chromium_flags(extra: Sequence[str], env: MutableMapping[str, str] | None = None) -> None:
    """Add `extra` to QtWebEngine's Chromium flags (before Qt starts); a switch already
    there with another value (`--name=value`) is replaced."""
    env = os.environ if env is None else env
    names = {flag.partition("=")[0] for flag in extra}
    flags = [
        f
        for f in env.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
        if f.partition("=")[0] not in names
    ]
    flags += list(extra)
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)


def keep_hidden_pages_running(env: MutableMapping[str, str] | None = None) -> None:
    """Add `LABEL_RENDERER_FLAGS` to QtWebEngine's Chromium flags (before Qt starts)."""
    add_chromium_flags(LABEL_RENDERER_FLAGS, env)


def label_fonts_config() -> Path:
    """The program's fontconfig configuration (the label fonts beside it)."""
    return resources_dir() / "fonts" / "fonts.conf"


def use_label_fonts(
    env: MutableMapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    config: Path | None = None,
) -> None:
    """Point fontconfig (Qt's and Chromium's) at the program's configuration, before Qt
    starts: on Linux, when the file is there, unless FONTCONFIG_FILE was chosen already.
    Chromium's PDF writer embeds the TrueType label fonts as one subsetted font each, where
    Noto Sans CJK (CFF) becomes dozens of Type3 fonts: 123 -> 22 KiB a sandbox label, and
    ~7 ms less CPU a label in the renderer. Elsewhere (Windows) fonts are not fontconfig's."""
    env = os.environ if env is None else env
    path = label_fonts_config() if config is None else config
    if platform.startswith("linux") and path.is_file():
        env.setdefault("FONTCONFIG_FILE", str(path))


def prepare_headless(env: MutableMapping[str, str] | None = None) -> None:
    """For commands without a window: offscreen when Linux has no display, root allowed,
    hidden label pages' timers at full speed, the label fonts."""
    env = os.environ if env is None else env
    keep_hidden_pages_running(env)
    use_label_fonts(env)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    allow_webengine_as_root(env)
