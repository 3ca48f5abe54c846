"""The wiring CLI and window share: token source choice and the connection test."""

from __future__ import annotations

import pytest

from app.core.settings import Settings, TokenMode
from app.sandbox.server import SandboxServer
from app.wechat.errors import ConfigError
from app.wechat.tokens import (
    ClassicTokenSource,
    CommandTokenSource,
    StableTokenSource,
    StaticTokenSource,
)
from app.wiring.client import (
    Credentials,
    build_client,
    build_token_source,
    check_connection,
    credentials_from_env,
)


def settings_for(sandbox: SandboxServer, **changes: object) -> Settings:
    return Settings(appid=sandbox.appid, api_base=sandbox.base_url, read_timeout=10.0).replace(
        **changes
    )


def test_environment_wins_and_keyring_is_asked_last() -> None:
    asked: list[str] = []

    def lookup(appid: str) -> str:
        asked.append(appid)
        return "from-keyring"

    settings = Settings(appid="wxsettings")
    from_env = credentials_from_env({"WAYBILL_APPSECRET": "from-env"}, settings, lookup)
    assert from_env == Credentials("wxsettings", "from-env", None)
    assert asked == []
    from_keyring = credentials_from_env({"WAYBILL_APPID": "wxenv"}, settings, lookup)
    assert from_keyring == Credentials("wxenv", "from-keyring", None)
    assert asked == ["wxenv"]


@pytest.mark.parametrize(
    ("mode", "creds", "expected"),
    [
        (TokenMode.STABLE, Credentials("wx1", "s"), StableTokenSource),
        (TokenMode.CLASSIC, Credentials("wx1", "s"), ClassicTokenSource),
        (TokenMode.STABLE, Credentials("wx1", "s", "ready-token"), StaticTokenSource),
        (TokenMode.THIRD_PARTY, Credentials(), CommandTokenSource),
    ],
)
def test_token_source_follows_mode_and_credentials(
    sandbox: SandboxServer, mode: TokenMode, creds: Credentials, expected: type
) -> None:
    import requests

    settings = settings_for(sandbox, token_mode=mode, token_command="print-token --now")
    with requests.Session() as session:
        source = build_token_source(settings, creds, session, sandbox.base_url)
    assert isinstance(source, expected)


def test_missing_credentials_say_what_to_set(sandbox: SandboxServer) -> None:
    with pytest.raises(ConfigError, match="WAYBILL_APPSECRET"):
        build_client(settings_for(sandbox), Credentials(appid=sandbox.appid))


def test_connection_ok_counts_carriers(sandbox: SandboxServer) -> None:
    result = check_connection(settings_for(sandbox), sandbox.secret)
    assert result.ok, result.message.en
    assert "carriers" in result.message.en and "快递公司" in result.message.zh
    assert sandbox.stats.calls("/cgi-bin/express/business/delivery/getall") == 1


@pytest.mark.parametrize("mode", [TokenMode.STABLE, TokenMode.CLASSIC])
def test_connection_wrong_secret_says_secret(sandbox: SandboxServer, mode: TokenMode) -> None:
    wrong = "0" * 32
    result = check_connection(settings_for(sandbox, token_mode=mode), wrong)
    assert not result.ok
    assert "secret" in result.message.en.lower()
    assert wrong not in result.message.en + result.message.zh


def test_connection_wrong_appid_says_appid(sandbox: SandboxServer) -> None:
    result = check_connection(settings_for(sandbox, appid="wx0000000000000bad"), sandbox.secret)
    assert not result.ok
    assert "appid" in result.message.en.lower()


def test_connection_ip_whitelist_hint(sandbox: SandboxServer) -> None:
    sandbox.faults.ip_not_whitelisted = True
    result = check_connection(settings_for(sandbox), sandbox.secret)
    assert not result.ok
    assert "whitelist" in result.message.en.lower()


def test_connection_network_error_hints_proxy_or_dns(sandbox: SandboxServer) -> None:
    settings = settings_for(sandbox, connect_timeout=1.0)
    sandbox.stop()
    result = check_connection(settings, sandbox.secret)
    assert not result.ok
    text = result.message.en.lower()
    assert "proxy" in text or "dns" in text or "network" in text


def test_connection_refuses_plain_http_to_remote_host() -> None:
    settings = Settings(appid="wx1", api_base="http://api.weixin.qq.com")
    result = check_connection(settings, "secret")
    assert not result.ok
    assert "https" in result.message.en
