"""Can the window open here? Asked before the first QApplication exists.

Without a display (neither `DISPLAY` nor `WAYLAND_DISPLAY`) or without the system
libraries of the xcb platform plugin, Qt prints a page of advice and aborts the process.
`window_blocker` says instead, in one line, what is wrong and what to run. Platforms the
caller chose explicitly (`QT_QPA_PLATFORM=offscreen`, `vnc`, …) need neither and pass.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping

from app.system.shared_libraries import Part, Resolution, resolve, window_parts

NO_DISPLAY = (
    "waybill-printer: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): "
    "start it from a desktop session, or headless with `xvfb-run waybill-printer --demo` "
    "(in the source tree: `xvfb-run make demo`)"
)

_ON_SCREEN = {"", "xcb", "wayland", "wayland-egl"}
XCB_PLUGIN = "xcb platform plugin"


def requested_platform(env: Mapping[str, str]) -> str:
    """The first platform named by `QT_QPA_PLATFORM` ("xcb:arg;wayland" -> "xcb"), or ""."""
    value = env.get("QT_QPA_PLATFORM", "").split(";", 1)[0]
    return value.split(":", 1)[0].strip()


def window_blocker(
    env: Mapping[str, str],
    *,
    platform: str = sys.platform,
    resolver: Callable[[Iterable[Part]], Resolution] = resolve,
) -> str | None:
    """One line saying why the window cannot open here, or None when it can try."""
    if not platform.startswith("linux"):
        return None
    qpa = requested_platform(env)
    if qpa not in _ON_SCREEN:
        return None
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return NO_DISPLAY
    uses_xcb = qpa == "xcb" or (not qpa and not env.get("WAYLAND_DISPLAY"))
    parts = [p for p in window_parts() if uses_xcb or p.name != XCB_PLUGIN]
    try:
        result = resolver(parts)
    except (OSError, ValueError):
        return None  # no ldd here: let Qt try
    if not result.missing:
        return None
    return f"waybill-printer: the window cannot start, missing system libraries: {result.summary()}"
