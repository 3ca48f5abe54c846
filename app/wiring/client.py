"""Builds the WeChat client from settings and credentials: the one place CLI and GUI share.

Where the token comes from is decided here, in this order: a ready token in
`WAYBILL_ACCESS_TOKEN` (third-party platforms), the configured token mode with the
AppSecret from the environment or the keyring. Nothing here is kept globally; a
`SecretRegistry` handed to `build_client` learns the AppSecret, a ready token and every
token the source hands out, so the log filter can mask them.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from app.core.model import Hint
from app.core.secret_registry import SecretRegistry
from app.core.settings import ConnectionResult, Settings, TokenMode
from app.wechat.client import WeChatClient
from app.wechat.errors import ConfigError, WeChatError
from app.wechat.http import make_session, validate_api_base
from app.wechat.tokens import (
    ClassicTokenSource,
    CommandTokenSource,
    StableTokenSource,
    StaticTokenSource,
    Token,
    TokenCache,
    TokenSource,
)

ENV_APPID = "WAYBILL_APPID"
ENV_APPSECRET = "WAYBILL_APPSECRET"
ENV_ACCESS_TOKEN = "WAYBILL_ACCESS_TOKEN"


@dataclass(frozen=True)
class Credentials:
    """What authenticates this station: an AppID with its secret, or a ready token."""

    appid: str = ""
    secret: str | None = None
    access_token: str | None = None


def credentials_from_env(
    env: Mapping[str, str], settings: Settings, secret_lookup: object = None
) -> Credentials:
    """The environment wins over settings; `secret_lookup(appid)` (the keyring) comes last."""
    token = env.get(ENV_ACCESS_TOKEN, "").strip() or None
    appid = env.get(ENV_APPID, "").strip() or settings.appid
    secret = env.get(ENV_APPSECRET, "") or None
    if secret is None and appid and callable(secret_lookup):
        found = secret_lookup(appid)
        secret = found if isinstance(found, str) and found else None
    return Credentials(appid=appid, secret=secret, access_token=token)


def build_token_source(
    settings: Settings, creds: Credentials, session: requests.Session, api_base: str
) -> TokenSource:
    """Pick the token source the settings and credentials call for, or say what is missing."""
    timeout = settings.connect_timeout, settings.read_timeout
    if creds.access_token:
        return StaticTokenSource(creds.access_token)
    if settings.token_mode is TokenMode.THIRD_PARTY:
        if not settings.token_command.strip():
            raise ConfigError.missing(
                "Third-party token mode needs WAYBILL_ACCESS_TOKEN or a token command.",
                "第三方令牌模式需要 WAYBILL_ACCESS_TOKEN 或获取令牌的命令。",
            )
        return CommandTokenSource(
            shlex.split(settings.token_command), timeout=settings.read_timeout
        )
    if not creds.appid or not creds.secret:
        raise ConfigError.missing(
            "No credentials: set WAYBILL_APPID and WAYBILL_APPSECRET, save the AppSecret "
            "in the settings (keyring), or give a ready token in WAYBILL_ACCESS_TOKEN.",
            "缺少凭据：请设置 WAYBILL_APPID 和 WAYBILL_APPSECRET，或在设置中保存 AppSecret，"
            "或通过 WAYBILL_ACCESS_TOKEN 提供令牌。",
        )
    source_type = (
        ClassicTokenSource if settings.token_mode is TokenMode.CLASSIC else StableTokenSource
    )
    return source_type(session, api_base, creds.appid, creds.secret, timeout=timeout)


class RecordingTokenSource:
    """A token source that tells a `SecretRegistry` every token before handing it out."""

    def __init__(self, source: TokenSource, secrets: SecretRegistry) -> None:
        self._source = source
        self._secrets = secrets

    def __repr__(self) -> str:
        return f"RecordingTokenSource({self._source.describe()!r})"

    @property
    def inner(self) -> TokenSource:
        """The source that really fetches the tokens."""
        return self._source

    def describe(self) -> str:
        return self._source.describe()

    def fetch(self, force: bool = False) -> Token:
        token = self._source.fetch(force)
        self._secrets.add(token.value)
        return token


def build_client(
    settings: Settings,
    creds: Credentials,
    *,
    session: requests.Session | None = None,
    secrets: SecretRegistry | None = None,
) -> WeChatClient:
    """A ready client: validated API base, one session, one shared token cache.

    The AppSecret, a ready token and every fetched token are registered in `secrets` (for
    the log filter; a private registry without it) before anything could log them, and
    the client masks all of them wherever an answer echoes one.
    """
    secrets = secrets if secrets is not None else SecretRegistry()
    secrets.add_all((creds.secret, creds.access_token))
    api_base = validate_api_base(settings.api_base)
    session = session or make_session()
    source = build_token_source(settings, creds, session, api_base)
    source = RecordingTokenSource(source, secrets)
    # Not a source that asks the TokenCache: the cache logs while holding its lock, and a
    # log filter asking it then would wait for that same lock forever.
    tokens = TokenCache(source)
    return WeChatClient(
        session,
        api_base,
        tokens,
        timeout=(settings.connect_timeout, settings.read_timeout),
        concurrency=settings.concurrency,
        secrets=secrets,
    )


def check_connection(
    settings: Settings, secret: str, *, secrets: SecretRegistry | None = None
) -> ConnectionResult:
    """Fetch a token and the carrier list with these settings; say what works or what to fix.

    Blocking (network): the settings dialog runs it through the background helper.
    """
    creds = Credentials(appid=settings.appid.strip(), secret=secret or None)
    try:
        with build_client(settings, creds, secrets=secrets) as client:
            carriers = client.get_all_delivery()
    except WeChatError as exc:
        hint = exc.hint or Hint(str(exc), str(exc))
        return ConnectionResult(False, Hint(f"{hint.en} ({exc})", f"{hint.zh}（{exc}）"))
    except ValueError as exc:  # an API base that is not allowed
        return ConnectionResult(False, Hint(str(exc), f"接口地址无效：{exc}"))
    return ConnectionResult(
        True,
        Hint(
            f"Connected: token received, {len(carriers)} carriers available.",
            f"连接成功：已获取令牌，可用快递公司 {len(carriers)} 家。",
        ),
    )
