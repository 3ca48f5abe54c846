"""The error table: every documented code, bilingual hints, and exception texts."""

from __future__ import annotations

import pytest

from app.wechat.errors import (
    BAD_RESPONSE,
    CANCELLED,
    ERRORS,
    HTTP_ERROR,
    NO_ANSWER,
    NOT_CONFIGURED,
    TOKEN_ERRORS,
    TRANSPORT,
    Action,
    ApiError,
    ConfigError,
    TransportError,
    WeChatError,
    info_for,
    scrub,
)

DOCUMENTED = [0, -1, 40001, 40014, 42001, 41001, 40013, 40125, 40002, 40164, 45009, 45011]
DOCUMENTED += [47001, 9300501, 9300502, 9300503, 9300512, 9300526, 9300534, 930561, 930563]
DOCUMENTED += [40199]


@pytest.mark.parametrize("code", DOCUMENTED)
def test_every_documented_code_has_an_entry_with_both_languages(code: int) -> None:
    info = ERRORS[code]
    assert info.code == code
    assert info.hint.en.strip() and info.hint.zh.strip()
    assert info.hint.en != info.hint.zh


@pytest.mark.parametrize(
    ("code", "action"),
    [
        (-1, Action.RETRY),
        (45011, Action.RETRY),
        (40001, Action.REFRESH_TOKEN),
        (40014, Action.REFRESH_TOKEN),
        (42001, Action.REFRESH_TOKEN),
        (41001, Action.REFRESH_TOKEN),
        (40013, Action.CONFIG),
        (40125, Action.CONFIG),
        (40002, Action.CONFIG),
        (40164, Action.CONFIG),
        (45009, Action.QUOTA),
        (47001, Action.BUG),
        (930563, Action.PER_ORDER),
        (9300502, Action.PER_ORDER),
    ],
)
def test_actions_follow_the_documentation(code: int, action: Action) -> None:
    assert info_for(code).action is action


def test_token_errors_are_exactly_the_refresh_codes() -> None:
    refresh = {code for code, info in ERRORS.items() if info.action is Action.REFRESH_TOKEN}
    assert refresh == TOKEN_ERRORS


def test_ip_whitelist_hint_tells_the_admin_what_to_do() -> None:
    hint = info_for(40164).hint
    assert "public IP" in hint.en and "whitelist" in hint.en
    assert "白名单" in hint.zh


def test_local_codes_are_distinct_negative_and_documented() -> None:
    local = [NO_ANSWER, CANCELLED, TRANSPORT, BAD_RESPONSE, HTTP_ERROR, NOT_CONFIGURED]
    assert len(set(local)) == len(local)
    assert all(code < -1000 for code in local)
    assert all(code in ERRORS for code in local)
    assert "fetch it again" in info_for(NO_ANSWER).hint.en


def test_transport_hint_names_network_suspects() -> None:
    hint = info_for(TRANSPORT).hint.en
    assert "proxy" in hint and "DNS" in hint and "firewall" in hint


def test_unknown_code_is_a_per_order_error_quoting_the_code() -> None:
    info = info_for(123456)
    assert info.code == 123456
    assert info.action is Action.PER_ORDER
    assert "123456" in info.hint.en and "123456" in info.hint.zh
    assert 123456 not in ERRORS


def test_the_table_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        ERRORS[1] = info_for(1)  # type: ignore[index]


def test_exceptions_carry_code_message_and_hint() -> None:
    exc = ApiError(45009, "reach max api daily quota limit")
    assert isinstance(exc, WeChatError)
    assert exc.code == 45009 and exc.hint == info_for(45009).hint
    assert "45009" in str(exc) and "quota" in str(exc)
    assert "45009" in repr(exc)
    transport = TransportError("could not connect")
    assert transport.code == TRANSPORT and "proxy" in transport.hint.en


def test_config_error_missing_uses_both_languages() -> None:
    exc = ConfigError.missing("No AppID.", "缺少 AppID。")
    assert exc.code == NOT_CONFIGURED
    assert exc.hint.en == "No AppID." and exc.hint.zh == "缺少 AppID。"
    assert "No AppID." in str(exc)


def test_scrub_removes_every_secret_and_ignores_empty_ones() -> None:
    assert scrub("token abc in abc", "abc", None, "") == "token *** in ***"
