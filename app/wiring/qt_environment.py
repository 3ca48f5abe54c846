"""The process environment QtWebEngine needs, set before the first Qt application exists.

Chromium refuses to start as root unless its own sandbox is off (packing-station kiosks and
CI run as root); headless commands render offscreen when there is no display. Labels stay
confined by the hardened label profile either way (no scripts, no navigation, no remote or
local loads).
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping


def allow_webengine_as_root(
    env: MutableMapping[str, str] | None = None, *, euid: int | None = None
) -> None:
    """Turn Chromium's sandbox off only when running as root, where it cannot start."""
    env = os.environ if env is None else env
    if euid is None:
        euid = os.geteuid() if hasattr(os, "geteuid") else -1
    if euid == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def prepare_headless(env: MutableMapping[str, str] | None = None) -> None:
    """For commands without a window: offscreen when Linux has no display, root allowed."""
    env = os.environ if env is None else env
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    allow_webengine_as_root(env)
