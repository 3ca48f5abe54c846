"""Test-wide setup: an isolated home per run, the Qt/WebEngine environment, shared fixtures."""

from __future__ import annotations

import os
import tempfile

from app.wiring.qt_environment import use_label_fonts

# QtWebEngine refuses to start as root without this, and must not write into the real home.
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault(
    "QTWEBENGINE_CHROMIUM_FLAGS",
    "--disable-gpu --no-sandbox --disable-background-timer-throttling "
    "--disable-renderer-backgrounding",
)
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
use_label_fonts()  # the program's fontconfig configuration (label fonts), as the program sets it
_run_home = tempfile.mkdtemp(prefix="waybill-tests-")
for _var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = os.path.join(_run_home, _var.lower())
os.environ.setdefault("XDG_RUNTIME_DIR", os.path.join(_run_home, "runtime"))
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.cups",
    "tests.fixtures.qt",
    "tests.fixtures.postgres",
]
