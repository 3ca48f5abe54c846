"""A third-party token command for tests: prints a sandbox token, optionally a stale one first."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from app.sandbox.server import SandboxServer

# Prints a token for the sandbox: the first run a stale one WeChat rejects (40001), then
# a real stable token. Its argv: counter file, API base, AppID, AppSecret.
TOKEN_SCRIPT = """\
import json, pathlib, sys, urllib.request
counter = pathlib.Path(sys.argv[1])
runs = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(runs))
if runs == 1 and sys.argv[5] == "stale-first":
    print("STALE_TOKEN_NEVER_ISSUED")
else:
    body = json.dumps({"grant_type": "client_credential", "appid": sys.argv[3],
                       "secret": sys.argv[4]}).encode()
    request = urllib.request.Request(sys.argv[2] + "/cgi-bin/stable_token", data=body)
    answer = json.load(urllib.request.urlopen(request, timeout=30))
    print(answer["access_token"], answer["expires_in"])
"""


def token_command(tmp_path: Path, sandbox: SandboxServer, first: str) -> tuple[str, Path]:
    script = tmp_path / "print_token.py"
    script.write_text(TOKEN_SCRIPT, encoding="utf-8")
    counter = tmp_path / "runs.txt"
    argv = [sys.executable, str(script), str(counter), sandbox.base_url, sandbox.appid]
    argv += [sandbox.secret, first]
    return shlex.join(argv), counter
