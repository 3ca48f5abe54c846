"""Access-token bookkeeping: issuing, superseding and checking classic and stable tokens.

Rules (from WeChat's documentation):
- classic (`/cgi-bin/token`): every call issues a new token; the previous classic tokens
  stay valid for 5 more minutes (`OVERLAP_S`), then answer 40001 ("not latest").
- stable (`/cgi-bin/stable_token`): independent of classic tokens; every caller gets the
  same token while it has more than 5 minutes left (`expires_in` counts down), after that a
  new one is issued and the old one lives out its time. `force_refresh` issues a new one
  at once and the old one is invalid immediately (40001); it is limited to 20 a day
  (UTC days here; beyond → 45009) and 30 s apart (sooner → 45011).
- a token past its own lifetime answers 42001; one never issued answers 40001.
All times come from the injected clock, so tests step through expiry without sleeping.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

OVERLAP_S = 300
FORCE_REFRESH_PER_DAY = 20
FORCE_REFRESH_GAP_S = 30


@dataclass
class _Token:
    kind: str  # "classic" | "stable"
    expires_at: float
    invalid_from: float | None = None  # superseded: answers 40001 from this time on


class TokenError(Exception):
    """A token request or token check failed with a WeChat error code."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errcode, errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


class TokenBook:
    """All tokens the sandbox has issued and whether each still works (thread-safe)."""

    def __init__(
        self,
        *,
        ttl: int,
        clock: Callable[[], float],
        on_issue: Callable[[str], None] = lambda _token: None,
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._on_issue = on_issue
        self._lock = threading.Lock()
        self._tokens: dict[str, _Token] = {}
        self._stable: str | None = None
        self._forced: list[float] = []

    def _new(self, kind: str, now: float) -> str:
        token = f"{len(self._tokens) + 80}_{secrets.token_urlsafe(102)}"
        self._tokens[token] = _Token(kind, now + self._ttl)
        self._on_issue(token)
        return token

    def issue_classic(self) -> tuple[str, int]:
        """A new classic token and its `expires_in`; older classic tokens get 5 minutes."""
        with self._lock:
            now = self._clock()
            for record in self._tokens.values():
                if record.kind == "classic" and record.invalid_from is None:
                    record.invalid_from = now + OVERLAP_S
            return self._new("classic", now), self._ttl

    def stable(self, *, force_refresh: bool) -> tuple[str, int]:
        """The shared stable token and its remaining `expires_in` (see module rules)."""
        with self._lock:
            now = self._clock()
            current = self._tokens.get(self._stable) if self._stable else None
            if force_refresh:
                day = [t for t in self._forced if int(t // 86400) == int(now // 86400)]
                if len(day) >= FORCE_REFRESH_PER_DAY:
                    raise TokenError(45009, "reach max api daily quota limit")
                if self._forced and now - self._forced[-1] < FORCE_REFRESH_GAP_S:
                    raise TokenError(
                        45011, "api minute-quota reach limit  mustslower  retry next minute"
                    )
                self._forced.append(now)
                if current is not None:
                    current.invalid_from = now
            elif (
                self._stable is not None
                and current is not None
                and current.invalid_from is None
                and now < current.expires_at - OVERLAP_S
            ):
                return self._stable, int(current.expires_at - now)
            self._stable = self._new("stable", now)
            return self._stable, self._ttl

    def check(self, token: str | None) -> None:
        """Raise `TokenError` (41001, 40001 or 42001) unless `token` may call the API now."""
        if not token:
            raise TokenError(41001, "access_token missing")
        with self._lock:
            now = self._clock()
            record = self._tokens.get(token)
            if record is None:
                raise TokenError(40001, "invalid credential, access_token is invalid or not latest")
            if now >= record.expires_at:
                raise TokenError(42001, "access_token expired")
            if record.invalid_from is not None and now >= record.invalid_from:
                raise TokenError(40001, "invalid credential, access_token is invalid or not latest")

    def expire_all(self) -> None:
        """Make every token issued so far expired (the `expire_token_after` fault)."""
        with self._lock:
            now = self._clock()
            for record in self._tokens.values():
                record.expires_at = min(record.expires_at, now)

    def issued(self) -> list[str]:
        """Every token ever issued, oldest first."""
        with self._lock:
            return list(self._tokens)
