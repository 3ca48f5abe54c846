"""Program-start logging for the window and the command line: one file, secrets masked.

`logging_session(paths, env, secrets)` configures the rotating log file in the user's log
folder (`AppPaths.log_dir`, `waybill-printer.log`) at INFO, or at the level named by
`WAYBILL_LOG_LEVEL` (e.g. DEBUG to see every request line), with the redacting filter
asking the handed-in `SecretRegistry` for the current AppSecret(s) and tokens; on exit
the handler is removed and the file closed. `app.cli.program` runs every command inside it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping

from app.core.logsetup import configure_logging, remove_logging
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry

LEVEL_ENV = "WAYBILL_LOG_LEVEL"
DEFAULT_LEVEL = logging.INFO
_LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "WARN": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
}

log = logging.getLogger(__name__)


def log_level(env: Mapping[str, str]) -> int:
    """The level `WAYBILL_LOG_LEVEL` names (a name or a number); INFO if unset or unknown."""
    text = env.get(LEVEL_ENV, "").strip().upper()
    if not text:
        return DEFAULT_LEVEL
    if text.isdigit():
        return int(text)
    return _LEVELS.get(text, DEFAULT_LEVEL)


def register_env_secrets(env: Mapping[str, str], secrets: SecretRegistry) -> None:
    """Tell `secrets` the AppSecret and ready token the environment holds, if any."""
    from app.wiring.client import ENV_ACCESS_TOKEN, ENV_APPSECRET

    secrets.add_all(env.get(name, "").strip() for name in (ENV_APPSECRET, ENV_ACCESS_TOKEN))


def start_logging(
    paths: AppPaths, env: Mapping[str, str], secrets: SecretRegistry
) -> logging.Handler | None:
    """Attach the masked log file; None (logging stays off) if the folder cannot be made."""
    try:
        handler = configure_logging(paths.log_dir, level=log_level(env), secrets=secrets)
    except OSError:
        return None
    log.info("logging started at level %s", logging.getLevelName(log_level(env)))
    return handler


@contextlib.contextmanager
def logging_session(
    paths: AppPaths, env: Mapping[str, str], secrets: SecretRegistry
) -> Iterator[logging.Handler | None]:
    """`start_logging()` for the duration of a `with` block, then detached and closed.

    The environment's AppSecret and token are registered first, so they are masked from
    the first line on.
    """
    register_env_secrets(env, secrets)
    handler = start_logging(paths, env, secrets)
    try:
        yield handler
    finally:
        if handler is not None:
            remove_logging(handler)
