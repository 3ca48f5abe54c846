"""Logging to a rotating file under the log folder, with secrets and tokens masked.

`configure_logging()` attaches one `RotatingFileHandler` to the "app" logger (not the
root logger) with a `RedactingFilter`, which replaces every current secret value (asked
for on each record — tokens change) and any `access_token=…` / `secret=…` / JSON
`"access_token": "…"` fragment with `***` in the message, its arguments, the exception
text and the stack text.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Callable, Iterable
from pathlib import Path

LOGGER_NAME = "app"
LOG_FILE_NAME = "waybill-printer.log"
MASK = "***"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5

_KEY = r"[A-Za-z_]*(?:access_token|secret)"
_QUERY_RE = re.compile(rf"(?i)(\b{_KEY}=)[^&\s\"'#<>]+")
_JSON_RE = re.compile(rf"(?i)(\"{_KEY}\"\s*:\s*\")(?:[^\"\\]|\\.)*(\")")
_REPR_RE = re.compile(rf"(?i)('{_KEY}'\s*:\s*')(?:[^'\\]|\\.)*(')")

SecretsProvider = Callable[[], Iterable[str]]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with the given secret values and token/secret fragments replaced by `***`."""
    for value in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(value, MASK)
    text = _QUERY_RE.sub(rf"\g<1>{MASK}", text)
    text = _JSON_RE.sub(rf"\g<1>{MASK}\g<2>", text)
    return _REPR_RE.sub(rf"\g<1>{MASK}\g<2>", text)


class RedactingFilter(logging.Filter):
    """Masks secrets in every record passing through the handler it is attached to."""

    def __init__(self, secrets: SecretsProvider) -> None:
        super().__init__()
        self._secrets = secrets
        self._formatter = logging.Formatter()

    def _current_secrets(self) -> list[str]:
        try:
            return [s for s in self._secrets() if s]
        except Exception:  # a broken provider must not stop logging; regexes still apply
            return []

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self._current_secrets()
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: keep what we can, masked
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message, secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
            # Formatters re-render from exc_info only when exc_text is empty; drop the
            # live exception anyway so no later handler can print the unmasked one.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


def configure_logging(
    log_dir: Path,
    *,
    level: int = logging.INFO,
    secrets: SecretsProvider,
) -> logging.Handler:
    """Log the "app" logger to `log_dir/waybill-printer.log` (1 MB × 5), secrets masked.

    Returns the handler; pass it to `remove_logging()` (or remove and close it) when done.
    """
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / LOG_FILE_NAME,
        maxBytes=MAX_BYTES,
        backupCount=BACKUP_COUNT,
        encoding="utf-8",
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s")
    )
    handler.addFilter(RedactingFilter(secrets))
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def remove_logging(handler: logging.Handler) -> None:
    """Detach a handler made by `configure_logging()` and close its file."""
    logging.getLogger(LOGGER_NAME).removeHandler(handler)
    handler.close()
