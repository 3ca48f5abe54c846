"""The session's retry policy, the API base rule and URL redaction."""

from __future__ import annotations

import logging

import pytest
from requests.adapters import HTTPAdapter

from app.wechat.http import (
    RedactingFilter,
    make_retry,
    make_session,
    redact_url,
    validate_api_base,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.weixin.qq.com", "https://api.weixin.qq.com"),
        ("https://api.weixin.qq.com/", "https://api.weixin.qq.com"),
        ("  HTTPS://API.Weixin.QQ.com/  ", "https://api.weixin.qq.com"),
        ("https://proxy.example.com:8443/wx/", "https://proxy.example.com:8443/wx"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.1.2.3:9/", "http://127.1.2.3:9"),
        ("http://localhost:5000/", "http://localhost:5000"),
        ("http://[::1]:5000", "http://[::1]:5000"),
    ],
)
def test_valid_api_bases_are_normalised(url: str, expected: str) -> None:
    assert validate_api_base(url) == expected


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://api.weixin.qq.com", "plain http"),
        ("http://192.168.1.10:8080", "plain http"),
        ("http://10.0.0.1", "plain http"),
        ("http://localhost.evil.com", "plain http"),
        ("ftp://api.weixin.qq.com", "https://"),
        ("api.weixin.qq.com", "https://"),
        ("https://", "https://"),
        ("", "https://"),
        ("https://api.weixin.qq.com/?access_token=x", "query"),
        ("https://user:pw@api.weixin.qq.com", "password"),
        ("https://api.weixin.qq.com:99999", "not a valid URL"),
    ],
)
def test_invalid_api_bases_are_refused_with_a_clear_message(url: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        validate_api_base(url)


def test_refusal_message_does_not_repeat_a_token_in_the_query() -> None:
    with pytest.raises(ValueError) as caught:
        validate_api_base("https://api.weixin.qq.com/?access_token=SECRETTOKEN")
    assert "SECRETTOKEN" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://h/cgi-bin/x?access_token=ABC&b=1",
            "https://h/cgi-bin/x?access_token=***&b=1",
        ),
        (
            "https://h/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=S3CR3T",
            "https://h/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=***",
        ),
        ("https://h/p?ACCESS_TOKEN=abc#frag", "https://h/p?ACCESS_TOKEN=***#frag"),
        ("https://h/p?a=1", "https://h/p?a=1"),
        ("/p?authorizer_access_token=zz", "/p?authorizer_access_token=***"),
    ],
)
def test_redact_url_hides_secret_values_only(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_retry_policy_is_bounded_and_retries_posts() -> None:
    retry = make_retry(retries=3, backoff=0.25)
    assert retry.connect == 3 and retry.status == 3
    assert retry.read == 1  # a read timeout is repeated once, not three times
    assert retry.status_forcelist == {500, 502, 503, 504}
    assert retry.allowed_methods is None  # POST batchget is read-only and safe to repeat
    assert retry.backoff_factor == 0.25
    assert retry.raise_on_status is False and retry.respect_retry_after_header is True
    assert make_retry(retries=0).read == 0


def test_negative_retries_are_refused() -> None:
    with pytest.raises(ValueError):
        make_retry(retries=-1)


def test_session_mounts_the_retrying_adapter_for_both_schemes() -> None:
    session = make_session(retries=2, backoff=0.0, pool_size=5)
    try:
        for scheme in ("https://", "http://"):
            adapter = session.get_adapter(scheme + "example.com")
            assert isinstance(adapter, HTTPAdapter)
            assert adapter.max_retries.status == 2
            assert adapter._pool_maxsize == 5  # type: ignore[attr-defined]
    finally:
        session.close()


def test_session_puts_a_redacting_filter_on_urllib3_once() -> None:
    make_session().close()
    make_session().close()
    filters = logging.getLogger("urllib3.connectionpool").filters
    assert sum(isinstance(f, RedactingFilter) for f in filters) == 1


def test_urllib3_log_lines_lose_their_token(caplog: pytest.LogCaptureFixture) -> None:
    make_session().close()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3.connectionpool").debug(
        '%s://%s:%s "%s %s %s" %s %s',
        "https",
        "api.weixin.qq.com",
        443,
        "POST",
        "/cgi-bin/express/business/order/batchget?access_token=TOPSECRET",
        "HTTP/1.1",
        200,
        10,
    )
    assert caplog.records, "the record must still be logged"
    assert "TOPSECRET" not in caplog.text
    assert "access_token=***" in caplog.text
