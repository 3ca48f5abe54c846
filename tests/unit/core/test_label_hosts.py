"""The label allow-list: rules, wildcards, ports, https only (http for loopback)."""

from __future__ import annotations

import pytest

from app.core.label_hosts import (
    DEFAULT_LABEL_HOSTS,
    AllowList,
    AllowListError,
    HostRule,
    origin_of,
    parse_allow_list,
    parse_rule,
)


def test_a_rule_is_scheme_host_and_default_port() -> None:
    assert parse_rule("https://Res.WX.qq.com") == HostRule("https", "res.wx.qq.com", 443)
    assert parse_rule("https://cdn.example:8443/") == HostRule("https", "cdn.example", 8443)
    assert parse_rule("http://127.0.0.1:8000") == HostRule("http", "127.0.0.1", 8000)
    assert str(parse_rule("https://*.example.com:443")) == "https://*.example.com"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("http://cdn.example", "plain http only for this computer"),
        ("ftp://cdn.example", "write it as https://host"),
        ("cdn.example", "write it as https://host"),
        ("https://cdn.example/path", "no path"),
        ("https://user@cdn.example", "no path or user"),
        ("https://cdn.example:99999", "port"),
        ("https://bad_host!", "is not a host name"),
    ],
)
def test_bad_rules_say_why(text: str, why: str) -> None:
    with pytest.raises(AllowListError, match=why):
        parse_rule(text)


def test_a_list_keeps_the_good_rules_and_reports_the_bad() -> None:
    rules, problems = parse_allow_list("https://a.example, http://b.example\nhttps://a.example")
    assert rules == (HostRule("https", "a.example", 443),)
    assert len(problems) == 1 and "http://b.example" in problems[0]


def test_allows_exact_host_scheme_and_port() -> None:
    allow = AllowList.from_text("https://cdn.example http://127.0.0.1:8000")
    assert allow.allows("https", "cdn.example", None)
    assert allow.allows("https", "cdn.example", 443)
    assert not allow.allows("http", "cdn.example", 80)
    assert not allow.allows("https", "cdn.example", 8443)
    assert not allow.allows("https", "evil.cdn.example", 443)
    assert allow.allows("http", "127.0.0.1", 8000)
    assert not allow.allows("http", "127.0.0.1", 8001)
    assert not allow.allows("wss", "cdn.example", 443)


def test_wildcards_cover_subdomains_not_the_domain() -> None:
    allow = AllowList.from_text("https://*.example.com")
    assert allow.allows("https", "img.example.com", None)
    assert allow.allows("https", "a.b.example.com", None)
    assert not allow.allows("https", "example.com", None)
    assert not allow.allows("https", "badexample.com", None)


def test_http_to_other_hosts_is_never_allowed() -> None:
    # even if a rule slipped in by hand
    allow = AllowList((HostRule("http", "cdn.example", 80),))
    assert not allow.allows("http", "cdn.example", 80)


def test_the_default_is_wechat_static_hosts() -> None:
    rules, problems = parse_allow_list(DEFAULT_LABEL_HOSTS)
    assert not problems
    assert all(rule.scheme == "https" for rule in rules) and rules


def test_origin_of_drops_the_default_port() -> None:
    assert origin_of("https", "cdn.example", 443) == "https://cdn.example"
    assert origin_of("http", "127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert origin_of("https", "::1", -1) == "https://[::1]"
