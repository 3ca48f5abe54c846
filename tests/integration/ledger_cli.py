"""Helpers for the tests that run the real command line with its ledger (not a test module).

Every run gets its own `WAYBILL_HOME`, so its settings and its ledger are its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.core.ledger import DEFAULT_FILENAME, Ledger
from app.core.ledger_records import HistoryRow, PrintRecord
from app.sandbox.server import SandboxServer

BATCHGET = "/cgi-bin/express/business/order/batchget"
TOKEN_PATHS = ("/cgi-bin/token", "/cgi-bin/stable_token")


def cli_env(home: Path, sandbox: SandboxServer | None = None) -> dict[str, str]:
    """The environment of one station: its own home, the sandbox's credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYBILL_")}
    env["WAYBILL_HOME"] = str(home)
    if sandbox is not None:
        env["WAYBILL_APPID"] = sandbox.appid
        env["WAYBILL_APPSECRET"] = sandbox.secret
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


def run_cli(
    args: list[str], env: dict[str, str], stdin: str | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args),
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def ledger_path(home: Path) -> Path:
    return home / "data" / DEFAULT_FILENAME


def ledger_rows(home: Path) -> list[HistoryRow]:
    """Every order in the station's ledger (opened after the command ended)."""
    with Ledger(ledger_path(home)) as ledger:
        return ledger.search(limit=100_000)


def ledger_prints(home: Path) -> dict[str, list[PrintRecord]]:
    """Order id → every print attempt of its ledger orders, oldest first."""
    with Ledger(ledger_path(home)) as ledger:
        rows = ledger.search(limit=100_000)
        found: dict[str, list[PrintRecord]] = {}
        for row in sorted(rows, key=lambda r: r.order_row_id):
            found.setdefault(row.order_id, []).extend(ledger.attempts(row.order_row_id))
    return found
