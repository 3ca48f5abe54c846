"""Tests for app.core.logsetup: the rotating log file and the redaction of secrets."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.logsetup import (
    LOG_FILE_NAME,
    RedactingFilter,
    configure_logging,
    redact,
    remove_logging,
)

TOKEN = "88_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-tokenvalue"
SECRET = "0123456789abcdef0123456789abcdef"


class Secrets:
    """What the program currently knows as secret; changes like a rotating token."""

    def __init__(self, *values: str) -> None:
        self.values = list(values)

    def __call__(self) -> list[str]:
        return list(self.values)


@pytest.fixture
def secrets() -> Secrets:
    return Secrets(TOKEN, SECRET)


@pytest.fixture
def log_file(tmp_path: Path, secrets: Secrets) -> Iterator[Path]:
    handler = configure_logging(tmp_path / "log", level=logging.DEBUG, secrets=secrets)
    try:
        yield tmp_path / "log" / LOG_FILE_NAME
    finally:
        remove_logging(handler)


def read(path: Path) -> str:
    for handler in logging.getLogger("app").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_handler_shape_and_placement(tmp_path: Path) -> None:
    handler = configure_logging(tmp_path, secrets=list)
    try:
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        assert handler.maxBytes == 1_000_000
        assert handler.backupCount == 5
        assert Path(handler.baseFilename) == tmp_path / "waybill-printer.log"
        assert handler in logging.getLogger("app").handlers
        assert handler not in logging.getLogger().handlers
        assert any(isinstance(f, RedactingFilter) for f in handler.filters)
    finally:
        remove_logging(handler)
    assert handler not in logging.getLogger("app").handlers


def test_token_in_message_is_masked(log_file: Path) -> None:
    logging.getLogger("app.wechat.tokens").info("got token %s for wx1", TOKEN)
    logging.getLogger("app").warning(f"literal {TOKEN} and {SECRET}")
    text = read(log_file)
    assert TOKEN not in text and SECRET not in text
    assert "got token *** for wx1" in text
    assert "literal *** and ***" in text


def test_token_in_args_of_any_type_is_masked(log_file: Path) -> None:
    logging.getLogger("app.x").error("call failed: %r", {"token": TOKEN, "n": 3})
    text = read(log_file)
    assert TOKEN not in text
    assert "call failed: {'token': '***', 'n': 3}" in text


def test_token_in_exception_traceback_is_masked(log_file: Path) -> None:
    def fail_with_token() -> None:
        raise RuntimeError(f"server said no to access_token {TOKEN}")

    try:
        fail_with_token()
    except RuntimeError:
        logging.getLogger("app.client").exception("request failed")
    text = read(log_file)
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: server said no to access_token ***" in text
    assert TOKEN not in text


def test_stack_info_is_masked() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "here", None, None)
    record.stack_info = f'Stack (most recent call last):\n  fetch(token="{TOKEN}")'
    assert RedactingFilter(Secrets(TOKEN)).filter(record)
    assert record.stack_info == 'Stack (most recent call last):\n  fetch(token="***")'


def test_rotated_tokens_are_masked_when_they_appear(log_file: Path, secrets: Secrets) -> None:
    new_token = "99_freshly-issued-token-value-xyz"
    secrets.values.append(new_token)
    logging.getLogger("app").info("new %s", new_token)
    assert "new ***" in read(log_file)
    assert new_token not in read(log_file)


def test_url_and_json_fragments_are_masked_without_knowing_the_value(log_file: Path) -> None:
    log = logging.getLogger("app.http")
    log.info(
        "POST https://api.weixin.qq.com/cgi-bin/express/business/order/batchget"
        "?access_token=UNKNOWN_TOKEN_1&x=1"
    )
    log.info("GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=UNKNOWN_SECRET_2")
    log.info('answer {"access_token": "UNKNOWN_TOKEN_3", "expires_in": 7200}')
    log.info("body %s", {"appid": "wx1", "secret": "UNKNOWN_SECRET_4"})
    text = read(log_file)
    for n in range(1, 5):
        assert f"UNKNOWN_{'TOKEN' if n % 2 else 'SECRET'}_{n}" not in text
    assert "batchget?access_token=***&x=1" in text
    assert "appid=wx1&secret=***" in text
    assert '{"access_token": "***", "expires_in": 7200}' in text
    assert "{'appid': 'wx1', 'secret': '***'}" in text


def test_other_text_is_left_alone(log_file: Path) -> None:
    logging.getLogger("app").info("fetched %d orders for %s", 12, "SF")
    assert "fetched 12 orders for SF" in read(log_file)


def test_debug_is_dropped_at_info_level(tmp_path: Path) -> None:
    handler = configure_logging(tmp_path, secrets=list)
    try:
        logging.getLogger("app").debug("quiet")
        logging.getLogger("app").info("loud")
        handler.flush()
        text = (tmp_path / LOG_FILE_NAME).read_text(encoding="utf-8")
    finally:
        remove_logging(handler)
    assert "loud" in text and "quiet" not in text


def test_a_broken_secrets_provider_does_not_stop_logging(tmp_path: Path) -> None:
    def broken() -> list[str]:
        raise RuntimeError("provider failed")

    handler = configure_logging(tmp_path, secrets=broken)
    try:
        logging.getLogger("app").info("still logged ?access_token=abc")
        handler.flush()
        text = (tmp_path / LOG_FILE_NAME).read_text(encoding="utf-8")
    finally:
        remove_logging(handler)
    assert "still logged ?access_token=***" in text


def test_redact_prefers_the_longest_secret() -> None:
    assert redact("abc abcdef", ["abc", "abcdef"]) == "*** ***"
    assert redact("nothing here", ["", "zzz"]) == "nothing here"
