"""`waybill-printer fetch` credentials in-process: the keyring's AppSecret when the
environment has none, a missing keyring said plainly, every token mode, the token command
run again on 40001, and the secret registry learning what the log must mask."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from app.cli.fetch import run_fetch
from app.cli.program import EXIT_OK, EXIT_USAGE, build_parser
from app.core.credentials import SERVICE
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry
from app.core.settings import Settings, TokenMode
from app.core.settings_store import SettingsStore
from app.sandbox.server import SandboxServer
from tests.integration.token_command import token_command
from tests.unit.core.memory_keyring import MemoryKeyring

BATCHGET = "/cgi-bin/express/business/order/batchget"
ORDERS = ["4200002001,SF", "4200002002,ZTO", "4200002003,TEST"]


@pytest.fixture
def default_keyring() -> Iterator[list[KeyringBackend]]:
    """Lets a test set keyring's default backend; the previous one comes back afterwards."""
    previous = keyring.get_keyring()
    chosen: list[KeyringBackend] = []
    try:
        yield chosen
    finally:
        keyring.set_keyring(previous)


def use_keyring(chosen: list[KeyringBackend], backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    chosen.append(backend)


def fetch(
    tmp_path: Path,
    settings: Settings,
    env: dict[str, str] | None = None,
    secrets: SecretRegistry | None = None,
) -> tuple[int, list[dict[str, object]], str]:
    paths = AppPaths.under(tmp_path / "home").ensure()
    SettingsStore(paths.settings_file).save(settings)
    args = build_parser().parse_args(["fetch", "--json", *ORDERS])
    out, err = io.StringIO(), io.StringIO()
    code = run_fetch(
        args,
        env=env or {},
        stdin=io.StringIO(),
        out=out,
        err=err,
        paths=paths,
        secrets=secrets,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, lines, err.getvalue()


def sandbox_settings(sandbox: SandboxServer, **changes: object) -> Settings:
    return Settings(appid=sandbox.appid, api_base=sandbox.base_url).replace(**changes)


def test_fetch_reads_the_secret_from_the_keyring(
    tmp_path: Path, sandbox: SandboxServer, default_keyring: list[KeyringBackend]
) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, sandbox.appid, sandbox.secret)
    use_keyring(default_keyring, backend)
    secrets = SecretRegistry()
    code, lines, err = fetch(tmp_path, sandbox_settings(sandbox), secrets=secrets)
    assert code == EXIT_OK, err
    assert [line["status"] for line in lines] == ["ok"] * 3
    known = secrets.values()
    assert sandbox.secret in known
    assert set(sandbox.issued_tokens()) <= set(known)


def test_the_environment_wins_over_the_keyring(
    tmp_path: Path, sandbox: SandboxServer, default_keyring: list[KeyringBackend]
) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, sandbox.appid, "0" * 32)
    use_keyring(default_keyring, backend)
    env = {"WAYBILL_APPSECRET": sandbox.secret}
    code, lines, err = fetch(tmp_path, sandbox_settings(sandbox), env)
    assert code == EXIT_OK, err
    assert all(line["status"] == "ok" for line in lines)


def test_without_a_keyring_fetch_says_what_to_set(
    tmp_path: Path, sandbox: SandboxServer, default_keyring: list[KeyringBackend]
) -> None:
    use_keyring(default_keyring, fail.Keyring())
    code, lines, err = fetch(tmp_path, sandbox_settings(sandbox))
    assert code == EXIT_USAGE
    assert lines == []
    assert "WAYBILL_APPSECRET" in err and "Traceback" not in err
    assert sandbox.stats.calls(BATCHGET) == 0


@pytest.mark.parametrize(
    ("mode", "token_path"),
    [(TokenMode.STABLE, "/cgi-bin/stable_token"), (TokenMode.CLASSIC, "/cgi-bin/token")],
)
def test_fetch_uses_the_configured_token_mode(
    tmp_path: Path,
    sandbox: SandboxServer,
    default_keyring: list[KeyringBackend],
    mode: TokenMode,
    token_path: str,
) -> None:
    use_keyring(default_keyring, fail.Keyring())  # the environment's secret is enough
    env = {"WAYBILL_APPSECRET": sandbox.secret}
    code, _lines, err = fetch(tmp_path, sandbox_settings(sandbox, token_mode=mode), env)
    assert code == EXIT_OK, err
    assert sandbox.stats.calls(token_path) == 1
    other = {"/cgi-bin/stable_token", "/cgi-bin/token"} - {token_path}
    assert sandbox.stats.calls(other.pop()) == 0


def test_third_party_command_runs_again_when_wechat_rejects_its_token(
    tmp_path: Path, sandbox: SandboxServer, default_keyring: list[KeyringBackend]
) -> None:
    use_keyring(default_keyring, fail.Keyring())  # third-party mode needs no secret
    command, counter = token_command(tmp_path, sandbox, "stale-first")
    settings = sandbox_settings(sandbox, token_mode=TokenMode.THIRD_PARTY, token_command=command)
    secrets = SecretRegistry()
    code, lines, err = fetch(tmp_path, settings, secrets=secrets)
    assert code == EXIT_OK, err
    assert [line["status"] for line in lines] == ["ok"] * 3
    assert counter.read_text() == "2"  # the stale token got 40001, the command ran again
    assert sandbox.stats.calls(BATCHGET) == 2
    assert "STALE_TOKEN_NEVER_ISSUED" in secrets.values()
    assert set(sandbox.issued_tokens()) <= set(secrets.values())
