"""Where the ledger is, and the shared ledger's password kept out of sight."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.ledger import Ledger
from app.core.ledger_records import LedgerUnavailable
from app.core.ledger_url import (
    ENV_URL,
    KEYRING_SERVICE,
    keyring_key,
    ledger_location,
    mask_url,
    split_password,
)
from app.sandbox.server import SandboxServer
from tests.fixtures.postgres import free_port
from tests.integration.ledger_cli import cli_env, run_cli

SECRET = "s3cr3t-Pa55"


def test_the_password_is_split_off_and_masked() -> None:
    url = f"postgresql://station:{SECRET}@db.local:5433/waybills?sslmode=require"
    bare, password = split_password(url)
    assert password == SECRET and SECRET not in bare
    assert bare == "postgresql://station@db.local:5433/waybills?sslmode=require"
    assert mask_url(url) == "postgresql://station:***@db.local:5433/waybills?sslmode=require"
    assert SECRET not in mask_url(f"postgresql://db/w?password={SECRET}&x=1")
    assert keyring_key(url) == "station@db.local:5433/waybills"


def test_the_location_is_the_env_url_then_the_setting_then_the_own_file(
    tmp_path: Path,
) -> None:
    own = tmp_path / "ledger.sqlite3"
    asked: list[tuple[str, str]] = []

    def keyring_get(service: str, key: str) -> str | None:
        asked.append((service, key))
        return "from-keyring"

    assert ledger_location({}, "", own, keyring_get).target == own
    from_setting = ledger_location({}, "postgresql://st@db/w", own, keyring_get)
    assert (from_setting.target, from_setting.password) == ("postgresql://st@db/w", "from-keyring")
    assert asked == [(KEYRING_SERVICE, "st@db:5432/w")]
    env = {ENV_URL: f"postgresql://cli:{SECRET}@db2/w"}
    from_env = ledger_location(env, "postgresql://st@db/w", own, keyring_get)
    assert (from_env.target, from_env.password) == ("postgresql://cli@db2/w", SECRET)
    assert SECRET not in from_env.shown and "***" not in from_env.shown


def test_an_unreachable_server_is_named_without_the_password() -> None:
    url = f"postgresql://station:{SECRET}@127.0.0.1:{free_port()}/waybills"
    with pytest.raises(LedgerUnavailable) as failed:
        Ledger(url)
    text = str(failed.value)
    assert "cannot reach" in text and "127.0.0.1" in text
    assert SECRET not in text and SECRET not in repr(failed.value.__cause__ or "")


def test_the_command_line_with_the_warehouse_ledger_down_prints_nothing_and_says_so(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", sandbox)
    env[ENV_URL] = f"postgresql://station:{SECRET}@127.0.0.1:{free_port()}/waybills"
    out = tmp_path / "labels"
    done = run_cli(
        ["fetch", "--api-base", sandbox.base_url, "--pdf-dir", str(out), "A1001", "A1002"], env
    )
    assert done.returncode == 2
    assert "warehouse ledger postgresql://station@127.0.0.1" in done.stderr
    assert "Nothing was printed" in done.stderr and SECRET not in done.stderr
    assert not out.exists() or list(out.iterdir()) == []
