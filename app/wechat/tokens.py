"""Access tokens: where they come from (`TokenSource`s) and the one cache all threads share.

Sources:
- `StableTokenSource` — `POST /cgi-bin/stable_token`: the same token for every station
  sharing an AppID; a forced refresh is rate limited, so it is only asked for when the
  normal answer repeats a token WeChat just rejected, and at most once per 30 s.
- `ClassicTokenSource` — `GET /cgi-bin/token`: each fetch invalidates the previous token;
  its URL holds the AppSecret, which never reaches a log or an exception.
- `StaticTokenSource` — a token handed in from elsewhere (third-party platforms): it cannot
  be refreshed, so a rejection is a `ConfigError`.
- `CommandTokenSource` — runs a command whose standard output is the token.

`TokenCache` fetches under a lock (one fetch however many threads ask), renews `margin`
seconds before expiry, and `invalidate(failed)` drops the cached token only if it is
still the one that failed. No object's repr or str shows a token.
"""

from __future__ import annotations

import logging
import math
import os
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from app.core.model import Hint
from app.wechat.errors import (
    BAD_RESPONSE,
    NOT_CONFIGURED,
    Action,
    ApiError,
    ConfigError,
    info_for,
)
from app.wechat.http import Timeout, errcode_of, request_json
from app.wechat.items import Masker

STABLE_TOKEN_PATH = "/cgi-bin/stable_token"
CLASSIC_TOKEN_PATH = "/cgi-bin/token"
MAX_TOKEN_LENGTH = 512
#: WeChat allows a forced stable-token refresh at most every 30 s (and 20 times a day).
FORCE_REFRESH_GAP = 30.0

# Token-endpoint codes that mean the configuration is wrong (not a stale token).
_SECRET_CODES = frozenset({40001, 40125, 40002, 41004})
_APPID_CODES = frozenset({40013, 41002})


@dataclass(frozen=True)
class Token:
    """An access token and when it stops working (`expires_at`, seconds since the epoch)."""

    value: str = field(repr=False)
    expires_at: float

    def __repr__(self) -> str:
        return f"Token(value=***, expires_at={self.expires_at!r})"


class TokenSource(Protocol):
    """Where tokens come from. `force=True` asks for a token other than the current one."""

    def fetch(self, force: bool = False) -> Token: ...

    def describe(self) -> str: ...


class _EndpointTokenSource:
    """Shared by the stable and classic sources: call, retry -1/45011, map errors, parse."""

    def __init__(
        self,
        session: requests.Session,
        api_base: str,
        appid: str,
        secret: str,
        *,
        timeout: Timeout = (3.05, 15.0),
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = 3,
        backoff: float = 0.5,
        logger: logging.Logger | None = None,
    ) -> None:
        self._session = session
        self._api_base = api_base.rstrip("/")
        self._appid = appid
        self._secret = secret
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._max_retries = max_retries
        self._backoff = backoff
        self._log = logger or logging.getLogger(__name__)
        self._lock = threading.Lock()
        self._last: str | None = None  # the token this source handed out last
        self._forced_at = -math.inf  # when it last asked for a forced refresh

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()!r})"

    def describe(self) -> str:
        raise NotImplementedError

    def fetch(self, force: bool = False) -> Token:
        raise NotImplementedError

    def _request(self, force_refresh: bool) -> dict[str, Any]:
        raise NotImplementedError

    def _fetch_checked(self, force_refresh: bool = False) -> Token:
        attempt = 0
        while True:
            data = self._request(force_refresh)
            code = errcode_of(data, "token")
            if code == 0:
                return self._parse(data)
            raw_msg = data.get("errmsg", "")
            masker = Masker([self._secret], logger=self._log)
            errmsg = masker.show(raw_msg if isinstance(raw_msg, str) else "")
            if info_for(code).action is Action.RETRY and attempt < self._max_retries:
                self._sleep(self._backoff * 2**attempt)
                attempt += 1
                continue
            raise self._error(code, errmsg)

    def _error(self, code: int, errmsg: str) -> Exception:
        what = f"token request for AppID {self._appid} failed"
        if code in _APPID_CODES:
            return ConfigError(code, f"{what}: the AppID is wrong ({errmsg})", info_for(40013).hint)
        if code in _SECRET_CODES:
            return ConfigError(
                code, f"{what}: the AppSecret is wrong ({errmsg})", info_for(40125).hint
            )
        if info_for(code).action is Action.CONFIG:
            return ConfigError(code, f"{what}: {errmsg}")
        return ApiError(code, f"{what}: {errmsg}")

    def _parse(self, data: Mapping[str, Any]) -> Token:
        value = data.get("access_token")
        if not isinstance(value, str) or not value or len(value) > MAX_TOKEN_LENGTH:
            raise ApiError(BAD_RESPONSE, "token answer has no usable access_token")
        expires_in = data.get("expires_in", 7200)
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
            raise ApiError(BAD_RESPONSE, "token answer has no usable expires_in")
        return Token(value, self._clock() + max(0.0, float(expires_in)))


class StableTokenSource(_EndpointTokenSource):
    """`POST /cgi-bin/stable_token`: one token shared by every station of the AppID."""

    def describe(self) -> str:
        return f"stable token for AppID {self._appid}"

    def _request(self, force_refresh: bool) -> dict[str, Any]:
        body = {
            "grant_type": "client_credential",
            "appid": self._appid,
            "secret": self._secret,
            "force_refresh": force_refresh,
        }
        return request_json(
            self._session,
            "POST",
            self._api_base + STABLE_TOKEN_PATH,
            json=body,
            timeout=self._timeout,
            logger=self._log,
            what="stable token request",
        )

    def fetch(self, force: bool = False) -> Token:
        """The current stable token; with `force`, a different one if WeChat allows it.

        A forced fetch first asks normally (another station may already have renewed the
        token); only if that repeats the last token, and the last forced refresh is at
        least 30 s ago, does it ask WeChat with `force_refresh=true`.
        """
        with self._lock:
            token = self._fetch_checked(False)
            if force and token.value == self._last:
                now = self._clock()
                if now - self._forced_at >= FORCE_REFRESH_GAP:
                    self._forced_at = now
                    self._log.info("asking WeChat for a forced stable token refresh")
                    token = self._fetch_checked(True)
            self._last = token.value
            return token


class ClassicTokenSource(_EndpointTokenSource):
    """`GET /cgi-bin/token`: a new token on every fetch (which invalidates the previous one)."""

    def describe(self) -> str:
        return f"classic token for AppID {self._appid}"

    def _request(self, force_refresh: bool) -> dict[str, Any]:
        params = {"grant_type": "client_credential", "appid": self._appid, "secret": self._secret}
        return request_json(
            self._session,
            "GET",
            self._api_base + CLASSIC_TOKEN_PATH,
            params=params,
            timeout=self._timeout,
            logger=self._log,
            what="token request",
        )

    def fetch(self, force: bool = False) -> Token:
        """A new token (every classic fetch is a fresh one, so `force` changes nothing)."""
        return self._fetch_checked()


class StaticTokenSource:
    """A token handed in from elsewhere (a third-party platform's authorizer token)."""

    def __init__(self, token: str, *, expires_at: float = math.inf) -> None:
        self._token = Token(token.strip(), expires_at)
        if not self._token.value:
            raise ConfigError.missing(
                "The supplied access token is empty.", "提供的 access_token 为空。"
            )

    def __repr__(self) -> str:
        return "StaticTokenSource(***)"

    def describe(self) -> str:
        return "access token supplied from the environment"

    def fetch(self, force: bool = False) -> Token:
        """The supplied token; asked to replace it, it can only report the rejection."""
        if force:
            raise ConfigError.missing(
                "WeChat rejected the supplied access token and this program cannot renew it. "
                "Supply a fresh token (WAYBILL_ACCESS_TOKEN) from the platform that issues it.",
                "微信拒绝了提供的 access_token，本程序无法自行更新。请从签发令牌的平台获取新的"
                "令牌（WAYBILL_ACCESS_TOKEN）。",
            )
        return self._token


class CommandTokenSource:
    """Runs `argv`; its standard output is the token (optionally followed by expires_in).

    The command runs again whenever a new token is needed (expiry or a rejection). Its
    output is never logged; a failure reports only the program name and exit status.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        timeout: float = 30.0,
        ttl: float = 1800.0,
        clock: Callable[[], float] = time.time,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if not argv:
            raise ConfigError.missing("The token command is empty.", "获取令牌的命令为空。")
        self._argv = list(argv)
        self._timeout = timeout
        self._ttl = ttl
        self._clock = clock
        self._env = dict(env) if env is not None else None

    def __repr__(self) -> str:
        return f"CommandTokenSource({self.describe()!r})"

    def describe(self) -> str:
        return f"token command {os.path.basename(self._argv[0])}"

    def _fail(self, why: str) -> ConfigError:
        en = f"The token command ({os.path.basename(self._argv[0])}) {why}."
        return ConfigError(
            NOT_CONFIGURED,
            en,
            Hint(
                en + " An admin must check the token command in the settings.",
                f"获取令牌的命令（{os.path.basename(self._argv[0])}）失败：{why}。"
                "请管理员检查设置中的令牌命令。",
            ),
        )

    def fetch(self, force: bool = False) -> Token:
        """Run the command and read the token from its output."""
        try:
            done = subprocess.run(
                self._argv,
                capture_output=True,
                text=True,
                timeout=self._timeout,
                check=False,
                env=self._env,
            )
        except FileNotFoundError:
            raise self._fail("was not found") from None
        except subprocess.TimeoutExpired:
            raise self._fail(f"did not finish within {self._timeout:g} s") from None
        except OSError as exc:
            raise self._fail(f"could not be started ({type(exc).__name__})") from None
        if done.returncode != 0:
            raise self._fail(f"exited with status {done.returncode}")
        words = done.stdout.split()
        if not words or len(words[0]) > MAX_TOKEN_LENGTH:
            raise self._fail("printed no usable token")
        ttl = self._ttl
        if len(words) > 1:
            try:
                ttl = float(words[1])
            except ValueError:
                raise self._fail("printed something other than a token and expires_in") from None
        return Token(words[0], self._clock() + ttl)


class TokenCache:
    """The one token cache of a program, shared by all threads.

    `get()` returns a valid token, fetching it under a lock (only one fetch however many
    threads ask), and renews it `margin` seconds before it expires (at most half its
    lifetime early). `invalidate(failed)` drops the cached token only if it is still the
    one that failed; the next `get()` then asks the source with `force=True`.
    """

    def __init__(
        self,
        source: TokenSource,
        *,
        clock: Callable[[], float] = time.time,
        margin: float = 300.0,
    ) -> None:
        self._source = source
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._renew_at = -math.inf
        self._rejected = False

    def __repr__(self) -> str:
        return f"TokenCache({self._source.describe()!r})"

    def describe(self) -> str:
        """Where the tokens come from, for logs and the settings dialog."""
        return self._source.describe()

    def get(self) -> str:
        """A token that WeChat should accept now; raises the source's `WeChatError`s."""
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self._renew_at:
                token = self._source.fetch(force=self._rejected)
                lifetime = max(0.0, token.expires_at - now)
                self._token = token
                self._renew_at = token.expires_at - min(self._margin, lifetime / 2)
                self._rejected = False
            return self._token.value

    def invalidate(self, failed: str) -> None:
        """WeChat rejected `failed`: forget it unless another thread already replaced it."""
        with self._lock:
            if self._token is not None and self._token.value == failed:
                self._token = None
                self._rejected = True
