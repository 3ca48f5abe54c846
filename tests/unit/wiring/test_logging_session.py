"""Program-start logging: the level from the environment, the file in the log folder, and
every secret and token the wiring learns masked — including ones only seen as free text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.cli.program import EXIT_USAGE, main
from app.core.logsetup import LOG_FILE_NAME, LOGGER_NAME
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry
from app.core.settings import Settings, TokenMode
from app.sandbox.server import SandboxServer
from app.wiring.client import Credentials, build_client
from app.wiring.logging_session import LEVEL_ENV, log_level, logging_session

log = logging.getLogger("app.tests.logging_wiring")


def app_handlers() -> list[logging.Handler]:
    return list(logging.getLogger(LOGGER_NAME).handlers)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (None, logging.INFO),
        ("", logging.INFO),
        ("DEBUG", logging.DEBUG),
        ("debug", logging.DEBUG),
        (" warning ", logging.WARNING),
        ("10", 10),
        ("chatty", logging.INFO),
    ],
)
def test_level_comes_from_the_environment(value: str | None, level: int) -> None:
    env = {} if value is None else {LEVEL_ENV: value}
    assert log_level(env) == level


def test_session_logs_info_to_the_log_folder_and_detaches(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    before = app_handlers()
    with logging_session(paths, {}, SecretRegistry()) as handler:
        assert handler is not None and handler in app_handlers()
        log.debug("a debug line")
        log.info("an info line")
    assert app_handlers() == before
    text = (paths.log_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "an info line" in text
    assert "a debug line" not in text


def test_environment_secrets_are_masked_from_the_first_line(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    env = {"WAYBILL_APPSECRET": "env-secret-9d8c7b", "WAYBILL_ACCESS_TOKEN": "env-token-1a2b3c"}
    with logging_session(paths, env, SecretRegistry()):
        log.warning("configured with env-secret-9d8c7b and env-token-1a2b3c")
    text = (paths.log_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "configured with *** and ***" in text
    assert "env-secret" not in text and "env-token" not in text


@pytest.mark.parametrize("mode", [TokenMode.STABLE, TokenMode.CLASSIC])
def test_client_tokens_and_secret_never_reach_the_log(
    tmp_path: Path, sandbox: SandboxServer, mode: TokenMode
) -> None:
    paths = AppPaths.under(tmp_path)
    secrets = SecretRegistry()
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url, token_mode=mode)
    with logging_session(paths, {LEVEL_ENV: "DEBUG"}, secrets):
        creds = Credentials(sandbox.appid, sandbox.secret)
        with build_client(settings, creds, secrets=secrets) as client:
            client.get_all_delivery()
            sandbox.faults.expire_token_after = 0  # the next token is a different one
            client.batch_get_orders([])
            from app.core.model import OrderRef

            client.batch_get_orders([OrderRef("4200003001", "SF")])
        tokens = sandbox.issued_tokens()
        assert len(tokens) == 2
        # free text, no "access_token=" for the patterns to catch: only the registry helps
        log.warning("tokens seen: %s", " ".join(tokens))
        log.warning("secret seen: %s", sandbox.secret)
    text = (paths.log_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "/order/batchget -> HTTP 200" in text  # request lines were logged ...
    assert "batchget?" not in text  # ... without their query string
    assert "tokens seen: *** ***" in text and "secret seen: ***" in text
    for value in [*tokens, sandbox.secret]:
        assert value not in text


def test_main_logs_each_command_to_the_user_log_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WAYBILL_HOME", str(tmp_path))
    monkeypatch.setenv("WAYBILL_APPSECRET", "main-secret-55aa")
    before = app_handlers()
    assert main(["fetch"]) == EXIT_USAGE  # no orders: a usage error, but logging ran
    assert app_handlers() == before
    log_file = AppPaths.under(tmp_path).log_dir / LOG_FILE_NAME
    text = log_file.read_text(encoding="utf-8")
    assert "logging started at level INFO" in text
    assert "main-secret-55aa" not in text + capsys.readouterr().err
