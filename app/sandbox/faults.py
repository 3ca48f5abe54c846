"""Fault switches the tests flip at runtime to make the sandbox misbehave on purpose.

"API calls" are the logistics endpoints (batchget, get, getall); the token endpoints are
never hit by the API-call faults (only `ip_not_whitelisted` applies to them as well, as on
WeChat). Counters (`system_busy`, `too_frequent`, `http_500`, `malformed_json`) count
down by one each time they fire, atomically, so `faults.system_busy = 2` fails exactly the
next two API calls. When several counters are set, one call consumes only the first that
fires, in the order: http_500, malformed_json, system_busy, too_frequent.

`expire_token_after = N` lets N more batchget calls succeed, then every token issued so
far expires (the next call with one of them gets 42001) and the switch resets to None;
`0` expires the tokens before the next batchget is answered.

"Connection refused" needs no switch: tests `stop()` the server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

Counter = Literal["system_busy", "too_frequent", "http_500", "malformed_json"]


@dataclass
class Faults:
    """Mutable switches; see the module docstring for what each one does."""

    expire_token_after: int | None = None
    """After N more successful batchget calls, all current tokens expire (→ 42001)."""
    system_busy: int = 0
    """The next N API calls answer `{"errcode": -1, "errmsg": "system error"}`."""
    too_frequent: int = 0
    """The next N API calls answer 45011."""
    http_500: int = 0
    """The next N API calls answer HTTP 500 with an HTML body."""
    slow_seconds: float = 0.0
    """Each batchget/get sleeps this long before answering (beyond a client's timeout)."""
    drop_item: bool = False
    """Omit one item (the last in request order) from every batchget answer."""
    malformed_json: int = 0
    """The next N API calls answer a truncated JSON body with HTTP 200."""
    corrupt_base64: bool = False
    """Every print_html is invalid Base64."""
    empty_label: bool = False
    """Every print_html is ""."""
    cancel_all: bool = False
    """Every order comes back with order_status 1 (cancelled)."""
    shared_labels: bool = False
    """Not a fault: every order of a carrier gets that carrier's one sample label (its
    barcode is not the order's waybill id). The throughput benchmark's fast mode, so a
    million orders measure the program rather than the sandbox's label rendering."""
    quota_exhausted: bool = False
    """Every API call answers 45009 (daily quota used up)."""
    ip_not_whitelisted: bool = False
    """Every API call and token request answers 40164 (caller IP not whitelisted)."""
    templates: dict[str, str] = field(default_factory=dict, compare=False)
    """order_id → the label HTML its answer carries instead of the sandbox's own (a
    carrier's template as it arrives: scripts, remote images, fragments…); `{{WAYBILL}}`
    in it is replaced with the order's waybill id."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def take(self, name: Counter) -> bool:
        """Consume one firing of counter `name`; True if it was armed (it then counts down)."""
        with self._lock:
            left: int = getattr(self, name)
            if left <= 0:
                return False
            setattr(self, name, left - 1)
            return True

    def expire_check(self) -> bool:
        """Before a batchget: True (and disarm) if the tokens must expire now."""
        with self._lock:
            if self.expire_token_after is not None and self.expire_token_after <= 0:
                self.expire_token_after = None
                return True
            return False

    def batch_succeeded(self) -> bool:
        """After a successful batchget: count down; True (and disarm) if tokens expire now."""
        with self._lock:
            if self.expire_token_after is None:
                return False
            self.expire_token_after -= 1
            if self.expire_token_after <= 0:
                self.expire_token_after = None
                return True
            return False
