"""The HTTP plumbing under the WeChat client: the session, the API base rule, URL redaction.

`make_session()` returns a `requests.Session` whose adapter retries, a bounded number of
times, connection failures, HTTP 500/502/503/504 and (once) read timeouts — every call
this program makes is read-only, so repeating one is safe. `validate_api_base()` allows
plain http only for loopback (the sandbox). `redact_url()` hides the `access_token` and
`secret` query values wherever a URL is logged: urllib3 logs request URLs itself, so
`make_session()` also puts a redacting filter on urllib3's loggers (once per process).
`request_json()` makes one call and turns every failure into a `WeChatError` whose text
never holds the URL (requests' own exceptions do, token and all). Each call has a total
deadline (`call_deadline`, see `app.wechat.deadline`), its answer is read with a size cap
and parsed as UTF-8 JSON (`app.wechat.answer`); a loopback host is always reached
directly (never through a proxy from the environment), and nothing is sent over plain
http to any other host — every call carries an AppSecret or a token.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.util.retry import Retry

from app.core.loopback import is_loopback
from app.wechat.answer import MAX_ANSWER_BYTES, AnswerProblem, parse_json, read_body
from app.wechat.deadline import CallDeadline, DeadlineAdapter, DeadlinePassed, DeadlineRetry
from app.wechat.errors import (
    BAD_RESPONSE,
    HTTP_ERROR,
    ApiError,
    ConfigError,
    TransportError,
    WeChatError,
    info_for,
)

#: Query parameters whose values must never reach a log, an exception or the screen.
SECRET_PARAMS = ("access_token", "authorizer_access_token", "secret", "appsecret")

_SECRET_QUERY = re.compile(
    r"(?i)\b(" + "|".join(SECRET_PARAMS) + r")=[^&#\s'\"]*",
)
#: A requests timeout: one number, or (connect, read) seconds.
Timeout = float | tuple[float, float]
# Proxies for a loopback call: none, whatever HTTP_PROXY / ALL_PROXY say.
_NO_PROXIES: dict[str, str | None] = {"http": None, "https": None, "all": None}
#: The smallest and largest numbers an answer may hold where this program stores a number.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# urllib3 modules that put request URLs into log records.
_URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.poolmanager")


def redact_url(url: str) -> str:
    """`url` with the values of secret query parameters replaced by `***`."""
    return _SECRET_QUERY.sub(r"\1=***", url)


def url_for_log(url: str) -> str:
    """`url` without its query string and fragment: what our own log lines show of a request."""
    return urlsplit(url)._replace(query="", fragment="").geturl()


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message so that secret query values never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_url(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True


def install_log_redaction() -> None:
    """Put a `RedactingFilter` on urllib3's URL-logging loggers (idempotent)."""
    for name in _URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


def make_retry(*, retries: int = 3, backoff: float = 0.5) -> Retry:
    """The bounded retry policy of the session's adapter.

    Connection failures and 5xx answers are retried `retries` times with exponential
    backoff (and `Retry-After` honoured); a read timeout only once, because the server may
    still be working on the first call and a slow server should not cost minutes.
    """
    if retries < 0:
        raise ValueError("retries must be >= 0")
    return DeadlineRetry(
        total=retries + 1,
        connect=retries,
        read=min(1, retries),
        status=retries,
        other=0,
        redirect=0,
        status_forcelist=frozenset({500, 502, 503, 504}),
        allowed_methods=None,  # every call here is read-only: POST batchget is safe to repeat
        backoff_factor=backoff,
        backoff_max=10.0,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


def make_session(*, retries: int = 3, backoff: float = 0.5, pool_size: int = 8) -> requests.Session:
    """A session with a bounded-retry adapter for http and https and a pool of `pool_size`."""
    install_log_redaction()
    adapter = DeadlineAdapter(
        max_retries=make_retry(retries=retries, backoff=backoff),
        pool_connections=pool_size,
        pool_maxsize=pool_size,
    )
    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = "waybill-printer"
    session.headers["Accept-Encoding"] = "gzip, deflate"  # the ones `answer.read_body` inflates
    return session


def validate_api_base(url: str) -> str:
    """The API base normalised (lower-case scheme and host, no trailing slash).

    https is accepted for any host; plain http only for a loopback host (the sandbox), so
    tokens never cross a network in clear text. Anything else raises `ValueError`.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"API address {text!r} is not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise ValueError(
            f"API address {redact_url(text)!r} must start with https:// and name a host, "
            "e.g. https://api.weixin.qq.com"
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError("API address must not contain a user name or password")
    if parts.query or parts.fragment:
        raise ValueError(
            f"API address {redact_url(text)!r} must not contain a query (?...) or fragment (#...)"
        )
    if scheme == "http" and not is_loopback(host):
        raise ValueError(
            f"API address {text!r} uses plain http: only https is allowed, except for this "
            "computer's own sandbox (localhost, 127.0.0.1, ::1)"
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def transport_error(exc: requests.RequestException, what: str) -> TransportError:
    """A `TransportError` describing `exc` by its kind, never by its text (which has the URL)."""
    if isinstance(exc, requests.exceptions.ProxyError):
        reason = "the proxy refused or failed the connection"
    elif isinstance(exc, requests.exceptions.SSLError):
        reason = "the secure (TLS) connection failed"
    elif isinstance(exc, requests.exceptions.ConnectTimeout):
        reason = "connecting timed out"
    elif isinstance(exc, requests.exceptions.ReadTimeout) or "Read timed out" in _reason(exc):
        reason = "the server did not answer in time"
    elif isinstance(exc, requests.exceptions.ConnectionError):
        reason = "could not connect"
    else:
        reason = f"request failed ({type(exc).__name__})"
    return TransportError(f"{what}: {reason}")


def _reason(exc: BaseException) -> str:
    # The urllib3 reason of a requests ConnectionError, e.g. "Read timed out." — it holds
    # host and port but not the URL; only used to classify, never shown.
    args = exc.args
    inner = args[0] if args else None
    cause = getattr(inner, "reason", None)
    return str(cause) if cause is not None else ""


def call_deadline(timeout: Timeout) -> float:
    """The total seconds one call may take: connect, plus two reads' worth (one retry)."""
    if isinstance(timeout, tuple):
        connect, read = timeout
        return connect + 2 * read
    return 3 * timeout


def check_transport(url: str) -> bool:
    """Whether `url` is a loopback address; `ConfigError` for plain http to anything else.

    Every call this program makes carries a secret (the AppSecret or an access token), so
    a plain-http URL that leaves the computer is refused before anything is sent.
    """
    parts = urlsplit(url)
    loopback = is_loopback(parts.hostname or "")
    if parts.scheme.lower() != "https" and not loopback:
        raise ConfigError.missing(
            f"Refused to send credentials over plain http to {parts.hostname or '?'}: "
            "only https is allowed, except for this computer's own sandbox.",
            f"拒绝通过明文 http 向 {parts.hostname or '?'} 发送凭据：只允许 https"
            "（本机沙盒除外）。",
        )
    return loopback


def request_json(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: Timeout,
    logger: logging.Logger,
    what: str,
    params: Mapping[str, str] | None = None,
    json: Any = None,
    max_bytes: int = MAX_ANSWER_BYTES,
) -> dict[str, Any]:
    """One HTTP call answered by a JSON object; every failure is a `WeChatError`.

    Raises `ConfigError` (plain http to a host other than loopback, before sending),
    `TransportError` (no complete answer within `call_deadline(timeout)`, or an HTTP
    error status) or `ApiError(BAD_RESPONSE)` (too large, not UTF-8 JSON, not an object);
    none carries the URL. The log line names the method, the redacted URL, the status
    and the elapsed time.
    """
    loopback = check_transport(url)
    started = time.monotonic()
    seconds = call_deadline(timeout)
    failure: WeChatError | None = None
    status = 0
    body = b""
    with CallDeadline(seconds) as deadline:
        try:
            response = session.request(
                method,
                url,
                params=params,
                json=json,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
                proxies=_NO_PROXIES if loopback else None,  # type: ignore[arg-type]
            )
            try:
                status = response.status_code
                if status == 200:
                    encoding = response.headers.get("Content-Encoding", "")
                    body = read_body(response.raw, encoding, max_bytes=max_bytes)
            finally:
                response.close()
        except DeadlinePassed:
            pass
        except requests.RequestException as exc:
            failure = transport_error(exc, what)
        except AnswerProblem as exc:
            failure = ApiError(BAD_RESPONSE, f"{what}: {exc}")
        except Exception as exc:  # urllib3 errors while streaming the body, after the deadline
            failure = TransportError(f"{what}: request failed ({type(exc).__name__})")
        if deadline.expired:
            failure = TransportError(f"{what}: no complete answer within {seconds:g} s")
    elapsed = time.monotonic() - started
    if failure is not None:
        logger.warning(
            "%s %s failed after %.3f s: %s", method, url_for_log(url), elapsed, failure.errmsg
        )
        raise failure
    logger.debug("%s %s -> HTTP %s in %.3f s", method, url_for_log(url), status, elapsed)
    if status != 200:
        raise TransportError(
            f"{what}: HTTP {status}",
            info_for(HTTP_ERROR).hint,
            code=HTTP_ERROR,
        )
    try:
        data = parse_json(body)
    except AnswerProblem as exc:
        raise ApiError(BAD_RESPONSE, f"{what}: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(BAD_RESPONSE, f"{what}: the answer is not a JSON object")
    return data


def is_int_in_range(value: object) -> bool:
    """True for a JSON integer (not a bool) that fits a 64-bit signed integer."""
    return isinstance(value, int) and not isinstance(value, bool) and INT_MIN <= value <= INT_MAX


def errcode_of(data: Mapping[str, Any], what: str) -> int:
    """The answer's `errcode` (0 when absent); a non-integer is `ApiError(BAD_RESPONSE)`."""
    code = data.get("errcode", 0)
    if not is_int_in_range(code):
        raise ApiError(BAD_RESPONSE, f"{what}: errcode is not a number in range")
    assert isinstance(code, int)
    return code
