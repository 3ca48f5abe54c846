"""Where a station's ledger lives, and the shared ledger's password kept out of sight.

`ledger_location(env, setting, default_path)`: ``WAYBILL_LEDGER_URL`` (command line), else
the Settings → Station "shared ledger" URL, else the station's own SQLite file. A URL's
password is a secret like the AppSecret: `split_password` takes it out of the URL (the
URL without it may be stored, logged and shown), `mask_url` hides it in anything shown,
and the password itself lives in the keyring under `KEYRING_SERVICE` and the URL's
``user@host:port/db`` (`keyring_key`), or for one command in the environment's URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ENV_URL = "WAYBILL_LEDGER_URL"
KEYRING_SERVICE = "waybill-printer-ledger"
MASK = "***"
_SCHEMES = ("postgresql", "postgres")


def is_ledger_url(text: str) -> bool:
    return urlsplit(text.strip()).scheme in _SCHEMES


def split_password(url: str) -> tuple[str, str | None]:
    """(the URL without its password, the password or None)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    if parts.username is not None:
        netloc = f"{parts.username}@{netloc}"
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, unquote(parts.password)


def mask_url(url: str) -> str:
    """The URL with its password (and any ``password=`` parameter) replaced by ***."""
    bare, password = split_password(url)
    if password is not None:
        parts = urlsplit(bare)
        user, _, hostport = parts.netloc.rpartition("@")
        bare = urlunsplit(
            (parts.scheme, f"{user}:{MASK}@{hostport}", parts.path, parts.query, parts.fragment)
        )
    return re.sub(r"(?i)(password=)[^&]*", rf"\g<1>{MASK}", bare)


def keyring_key(url: str) -> str:
    """The keyring user name of a URL's password: ``user@host:port/database``."""
    parts = urlsplit(split_password(url)[0])
    return f"{parts.username or ''}@{parts.hostname or ''}:{parts.port or 5432}{parts.path}"


@dataclass(frozen=True)
class LedgerLocation:
    """A SQLite file (`url` None) or a shared ledger URL without its password."""

    path: Path
    url: str | None = None
    password: str | None = None

    @property
    def target(self) -> Path | str:
        return self.url if self.url is not None else self.path

    @property
    def shown(self) -> str:
        return mask_url(self.url) if self.url is not None else str(self.path)


def ledger_location(
    env: Mapping[str, str],
    setting: str,
    default_path: Path,
    keyring_get: Callable[[str, str], str | None] | None = None,
) -> LedgerLocation:
    """Which ledger this process uses (see the module docstring)."""
    raw = env.get(ENV_URL, "").strip() or setting.strip()
    if not raw:
        return LedgerLocation(default_path)
    url, password = split_password(raw)
    if password is None and keyring_get is not None:
        try:
            password = keyring_get(KEYRING_SERVICE, keyring_key(url))
        except Exception:  # no keyring here: the server may not need a password
            password = None
    return LedgerLocation(default_path, url, password)


def keyring_password(service: str, key: str) -> str | None:
    """The password stored in the OS keyring, or None (also when there is no keyring)."""
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(service, key)
    except keyring.errors.KeyringError:
        return None


def unusable_message(location: LedgerLocation, problem: object) -> str:
    """Why the ledger cannot be used and what to do, for the command line."""
    if location.url is not None:
        return (
            f"the warehouse ledger {location.shown} cannot be used: {problem}. Nothing was "
            "printed. Check that the server runs and the URL (WAYBILL_LEDGER_URL or Settings "
            "→ Station) and the password in the keyring are right, then run again."
        )
    path = location.path
    return (
        f"the ledger {path} cannot be used: {problem}. Without it there is no history and "
        "no guard against printing a waybill twice, so nothing was printed. Move it aside "
        f'and start a new ledger (the old file is kept): mv "{path}" "{path}.unusable" — '
        "or quit and ask for help."
    )
