"""A real Secret Service: gnome-keyring-daemon inside a private D-Bus session.

One Python process stores the AppSecret through `CredentialStore` with the platform's
default keyring; a second, fresh process in the same D-Bus session reads it back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.secretservice

PROJECT = Path(__file__).resolve().parents[2]
APPID = "wx1234567890abcdef"
SECRET = "real-secret-service-5f4e3d2c1b0a"

SAVE = """
import os
from app.core.credentials import CredentialStore
store = CredentialStore()
store.save_secret(os.environ["T_APPID"], os.environ["T_SECRET"])
print("BACKEND=" + store.backend_name())
"""

READ = """
import os
from app.core.credentials import CredentialStore
print("READ=" + repr(CredentialStore().get_secret(os.environ["T_APPID"])))
"""

FORGET = """
import os
from app.core.credentials import CredentialStore
CredentialStore().forget(os.environ["T_APPID"])
"""

# gnome-keyring-daemon --unlock reads the login keyring's password from stdin, creates
# and unlocks that keyring, and registers org.freedesktop.secrets on the session bus.
SCRIPT = """
set -e
eval "$(printf %s test-password | gnome-keyring-daemon --unlock --components=secrets)"
"$PY" -c "$SAVE"
"$PY" -c "$READ"
"$PY" -c "$FORGET"
"$PY" -c "$READ"
"""


def test_secret_survives_into_a_second_process(tmp_path: Path) -> None:
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        assert shutil.which(tool), f"{tool} is not installed"
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_RUNTIME_DIR=str(runtime),
        PYTHONPATH=str(PROJECT),
        PY=sys.executable,
        SAVE=SAVE,
        READ=READ,
        FORGET=FORGET,
        T_APPID=APPID,
        T_SECRET=SECRET,
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", SCRIPT],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "=" in line]
    assert lines[0].startswith("BACKEND=") and "SecretService" in lines[0], done.stdout
    assert lines[1:] == [f"READ={SECRET!r}", "READ=None"], done.stdout + done.stderr

    # The keyring file gnome-keyring wrote is encrypted: the secret is nowhere in plain text.
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("keyrings" in p.parts for p in written)
    assert not [p for p in written if SECRET.encode() in p.read_bytes()]
