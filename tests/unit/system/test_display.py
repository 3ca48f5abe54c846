"""Whether the window can open: no display, a chosen offscreen platform, missing xcb
libraries (named with their packages), and this machine with its display."""

from __future__ import annotations

from collections.abc import Iterable

from app.system.display import NO_DISPLAY, XCB_PLUGIN, requested_platform, window_blocker
from app.system.shared_libraries import Part, Resolution, resolve


class RecordingResolver:
    """Says `missing` for the parts it is asked about, and remembers which they were."""

    def __init__(self, missing: dict[str, list[str]] | None = None) -> None:
        self.missing = missing or {}
        self.asked: list[str] = []

    def __call__(self, parts: Iterable[Part]) -> Resolution:
        self.asked = [p.name for p in parts]
        return Resolution(checked=list(self.asked), missing=dict(self.missing))


def test_no_display_is_one_line_saying_how_to_run_it() -> None:
    resolver = RecordingResolver()
    assert window_blocker({}, platform="linux", resolver=resolver) == NO_DISPLAY
    assert window_blocker({"QT_QPA_PLATFORM": "xcb"}, platform="linux") == NO_DISPLAY
    assert "\n" not in NO_DISPLAY
    assert "xvfb-run make demo" in NO_DISPLAY and "desktop session" in NO_DISPLAY
    assert resolver.asked == []  # no display: nothing else to check


def test_a_chosen_headless_platform_and_other_systems_need_no_display() -> None:
    assert window_blocker({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert window_blocker({"QT_QPA_PLATFORM": "vnc:size=800x600"}, platform="linux") is None
    assert window_blocker({}, platform="win32") is None
    assert requested_platform({"QT_QPA_PLATFORM": "xcb:foo;wayland"}) == "xcb"


def test_missing_xcb_libraries_are_named_with_their_packages() -> None:
    resolver = RecordingResolver({"libxcb-cursor.so.0": [XCB_PLUGIN]})
    message = window_blocker({"DISPLAY": ":9"}, platform="linux", resolver=resolver)
    assert message is not None and "\n" not in message
    assert "libxcb-cursor.so.0 (Debian package libxcb-cursor0) needed by xcb platform plugin" in (
        message
    )
    assert message.endswith("sudo apt-get install --no-install-recommends libxcb-cursor0")
    assert XCB_PLUGIN in resolver.asked and "QtWebEngineProcess" in resolver.asked
    assert "QtMultimedia" not in resolver.asked  # the window opens without sounds


def test_on_wayland_the_xcb_plugin_is_not_required() -> None:
    resolver = RecordingResolver()
    assert (
        window_blocker({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux", resolver=resolver)
        is None
    )
    assert XCB_PLUGIN not in resolver.asked and "QtWidgets" in resolver.asked


def test_this_machine_with_a_display_can_open_the_window() -> None:
    assert window_blocker({"DISPLAY": ":99"}, platform="linux", resolver=resolve) is None
