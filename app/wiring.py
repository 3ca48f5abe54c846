"""Builds the WeChat client from settings and credentials: the one place CLI and GUI share.

Where the token comes from is decided here, in this order: a ready token in
`WAYBILL_ACCESS_TOKEN` (third-party platforms), the configured token mode with the
AppSecret from the environment or the keyring. Nothing here is kept globally.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from app.core.settings import Settings, TokenMode
from app.wechat.client import WeChatClient
from app.wechat.errors import ConfigError
from app.wechat.http import make_session, validate_api_base
from app.wechat.tokens import (
    ClassicTokenSource,
    CommandTokenSource,
    StableTokenSource,
    StaticTokenSource,
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


def build_client(
    settings: Settings, creds: Credentials, *, session: requests.Session | None = None
) -> WeChatClient:
    """A ready client: validated API base, one session, one shared token cache."""
    api_base = validate_api_base(settings.api_base)
    session = session or make_session()
    tokens = TokenCache(build_token_source(settings, creds, session, api_base))
    return WeChatClient(
        session,
        api_base,
        tokens,
        timeout=(settings.connect_timeout, settings.read_timeout),
        concurrency=settings.concurrency,
    )
