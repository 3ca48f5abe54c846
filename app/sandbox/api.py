"""The sandbox's endpoints: one request in, one `Reply` out, no sockets involved.

Routes (everything else answers HTTP 404 with `{"errcode": 40066, "errmsg": "invalid url"}`):
- `GET  /cgi-bin/token`                              classic token
- `POST /cgi-bin/stable_token`                       stable token
- `POST /cgi-bin/express/business/order/batchget`    batchGetOrder (≤ 100 orders)
- `POST /cgi-bin/express/business/order/get`         getOrder
- `GET  /cgi-bin/express/business/delivery/getall`   getAllDelivery
A wrong method answers 43001 (require GET) / 43002 (require POST).

Credential errors at the token endpoints: bad grant_type 40002, missing appid 41002,
wrong appid 40013, missing secret 41004, wrong secret 40125 (WeChat sometimes answers
40001 for a wrong secret at the token endpoint; the sandbox always says 40125).

For the logistics endpoints the order is: count the call (and batchget's batch size),
faults (see `app.sandbox.faults`), access token (41001 / 40001 / 42001), body (not JSON
→ 47001, more than 100 orders or an empty list → 930561 at top level), then the answer.
batchget answers its items in a shuffled but deterministic order (seeded by the request),
so clients must match items by `(order_id, delivery_id)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.sandbox.carriers import CARRIERS
from app.sandbox.encoding import decode, encode
from app.sandbox.faults import Faults
from app.sandbox.orders import answer_order, is_dropped
from app.sandbox.stats import SandboxStats
from app.sandbox.tokens import TokenBook, TokenError

MAX_BATCH = 100
TOKEN = "/cgi-bin/token"
STABLE_TOKEN = "/cgi-bin/stable_token"
BATCHGET = "/cgi-bin/express/business/order/batchget"
GET_ORDER = "/cgi-bin/express/business/order/get"
GETALL = "/cgi-bin/express/business/delivery/getall"

_HTTP_500_BODY = (
    b"<html><head><title>500 Internal Server Error</title></head><body>"
    b"<center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center>"
    b"</body></html>"
)
_TRUNCATED_JSON = (
    b'{"errcode":0,"errmsg":"ok","order_list":[{"errcode":0,"errmsg":"ok","order_id":"'
)


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, body bytes and content type."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"


def json_reply(payload: dict[str, Any], status: int = 200) -> Reply:
    return Reply(status, encode(payload))


def error_reply(errcode: int, errmsg: str, status: int = 200) -> Reply:
    return json_reply({"errcode": errcode, "errmsg": errmsg}, status)


class _BadRequest(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errcode, errmsg)
        self.reply = error_reply(errcode, errmsg)


class _Body:
    """A request body, parsed as a JSON object at most once (`parse` raises `_BadRequest`)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._parsed: dict[str, Any] | _BadRequest | None = None

    def parse(self) -> dict[str, Any]:
        if self._parsed is None:
            try:
                self._parsed = _parse_object(self.raw)
            except _BadRequest as exc:
                self._parsed = exc
        if isinstance(self._parsed, _BadRequest):
            raise self._parsed
        return self._parsed


class SandboxApi:
    """Answers requests against one AppID/AppSecret, with switchable faults."""

    def __init__(
        self,
        *,
        appid: str,
        secret: str,
        tokens: TokenBook,
        stats: SandboxStats,
        faults: Faults,
        sleep: Callable[[float], None],
        latency: float = 0.0,
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.tokens = tokens
        self.stats = stats
        self.faults = faults
        self.latency = latency
        self._sleep = sleep

    def handle(
        self, method: str, path: str, query: dict[str, str], body: bytes, client_ip: str
    ) -> Reply:
        """Answer one request; never raises for anything a client can send."""
        self.stats.record_call(path)
        self.stats.call_started(path)
        try:
            return self._answer(method, path, query, body, client_ip)
        finally:
            self.stats.call_ended(path)

    def _answer(
        self, method: str, path: str, query: dict[str, str], body: bytes, client_ip: str
    ) -> Reply:
        if self.latency > 0:
            self._sleep(self.latency)
        calls: dict[str, tuple[str, Callable[[_Body], Reply]]] = {
            BATCHGET: ("POST", self._batchget),
            GET_ORDER: ("POST", self._get_order),
            GETALL: ("GET", self._getall),
        }
        try:
            if path == TOKEN:
                return self._classic_token(method, query, client_ip)
            if path == STABLE_TOKEN:
                return self._stable_token(method, body, client_ip)
            if path in calls:
                wanted_method, answer = calls[path]
                return self._api_call(
                    path, method, wanted_method, query, _Body(body), client_ip, answer
                )
        except _BadRequest as exc:
            return exc.reply
        return error_reply(40066, "invalid url", status=404)

    # --- tokens ---------------------------------------------------------------------------

    def _whitelist(self, client_ip: str) -> None:
        if self.faults.ip_not_whitelisted:
            raise _BadRequest(
                40164, f"invalid ip {client_ip} ipv6 ::ffff:{client_ip}, not in whitelist"
            )

    def _credentials(self, grant_type: object, appid: object, secret: object) -> None:
        if grant_type != "client_credential":
            raise _BadRequest(40002, "invalid grant_type")
        if not appid:
            raise _BadRequest(41002, "appid missing")
        if appid != self.appid:
            raise _BadRequest(40013, "invalid appid")
        if not secret:
            raise _BadRequest(41004, "appsecret missing")
        if secret != self.secret:
            raise _BadRequest(40125, "invalid appsecret")

    def _classic_token(self, method: str, query: dict[str, str], client_ip: str) -> Reply:
        if method != "GET":
            return error_reply(43001, "require GET method")
        self._whitelist(client_ip)
        self._credentials(query.get("grant_type"), query.get("appid"), query.get("secret"))
        token, expires_in = self.tokens.issue_classic()
        return json_reply({"access_token": token, "expires_in": expires_in})

    def _stable_token(self, method: str, body: bytes, client_ip: str) -> Reply:
        if method != "POST":
            return error_reply(43002, "require POST method")
        self._whitelist(client_ip)
        request = _parse_object(body)
        self._credentials(request.get("grant_type"), request.get("appid"), request.get("secret"))
        force = request.get("force_refresh", False)
        if not isinstance(force, bool):
            raise _BadRequest(47001, "data format error: force_refresh must be a boolean")
        try:
            token, expires_in = self.tokens.stable(force_refresh=force)
        except TokenError as exc:
            return error_reply(exc.errcode, exc.errmsg)
        return json_reply({"access_token": token, "expires_in": expires_in})

    # --- logistics calls ------------------------------------------------------------------

    def _api_call(
        self,
        path: str,
        method: str,
        wanted_method: str,
        query: dict[str, str],
        body: _Body,
        client_ip: str,
        answer: Callable[[_Body], Reply],
    ) -> Reply:
        if method != wanted_method:
            if wanted_method == "GET":
                return error_reply(43001, "require GET method")
            return error_reply(43002, "require POST method")
        if path == BATCHGET:
            self._record_batch(body)
        fault = self._fault_reply(client_ip)
        if fault is not None:
            return fault
        if self.faults.expire_check():
            self.tokens.expire_all()
        try:
            self.tokens.check(query.get("access_token"))
        except TokenError as exc:
            return error_reply(exc.errcode, exc.errmsg)
        return answer(body)

    def _record_batch(self, body: _Body) -> None:
        try:
            orders = body.parse().get("order_list")
        except _BadRequest:
            return
        if isinstance(orders, list):
            self.stats.record_batch(len(orders))

    def _fault_reply(self, client_ip: str) -> Reply | None:
        faults = self.faults
        self._whitelist(client_ip)
        if faults.take("http_500"):
            return Reply(500, _HTTP_500_BODY, "text/html")
        if faults.take("malformed_json"):
            return Reply(200, _TRUNCATED_JSON)
        if faults.take("system_busy"):
            return error_reply(-1, "system error")
        if faults.take("too_frequent"):
            return error_reply(45011, "api minute-quota reach limit  mustslower  retry next minute")
        if faults.quota_exhausted:
            return error_reply(45009, "reach max api daily quota limit")
        return None

    def _slow(self) -> None:
        if self.faults.slow_seconds > 0:
            self._sleep(self.faults.slow_seconds)

    def _batchget(self, body: _Body) -> Reply:
        request = body.parse()
        orders = request.get("order_list")
        if not isinstance(orders, list) or not all(isinstance(o, dict) for o in orders):
            raise _BadRequest(47001, "data format error: order_list must be a list of objects")
        if not orders:
            raise _BadRequest(930561, "argument error: order_list is empty")
        if len(orders) > MAX_BATCH:
            raise _BadRequest(
                930561, f"argument error: order_list holds {len(orders)} orders, at most 100"
            )
        self._slow()
        answers = [answer_order(order, self.faults) for order in orders if not is_dropped(order)]
        if self.faults.drop_item and answers:
            answers.pop()
        _shuffle(answers, body.raw)
        reply = json_reply({"errcode": 0, "errmsg": "ok", "order_list": answers})
        if self.faults.batch_succeeded():
            self.tokens.expire_all()
        return reply

    def _get_order(self, body: _Body) -> Reply:
        request = body.parse()
        print_type = request.get("print_type", 0)
        if print_type not in (0, 1) or isinstance(print_type, bool):
            raise _BadRequest(930561, "argument error: print_type must be 0 or 1")
        self._slow()
        if is_dropped(request):
            item = {"errcode": 930563, "errmsg": "order not exists"}
        else:
            item = answer_order(request, self.faults)
        return json_reply(item)

    def _getall(self, _body: _Body) -> Reply:
        data = [
            {
                "delivery_id": c.delivery_id,
                "delivery_name": c.name,
                "can_use_cash": c.can_use_cash,
                "can_get_quota": c.can_get_quota,
                "cash_biz_id": f"{c.delivery_id}_CASH" if c.can_use_cash else "",
                "service_type": [
                    {"service_type": code, "service_name": name} for code, name in c.service
                ],
            }
            for c in CARRIERS.values()
        ]
        return json_reply({"errcode": 0, "errmsg": "ok", "count": len(data), "data": data})


def _parse_object(body: bytes) -> dict[str, Any]:
    try:
        request = decode(body)
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested too deep for json
        raise _BadRequest(47001, "data format error") from None
    if not isinstance(request, dict):
        raise _BadRequest(47001, "data format error")
    return request


def _shuffle(answers: list[dict[str, Any]], request: bytes) -> None:
    """Shuffle `answers` in place, deterministically per request body, never left in order.

    Each position gets a 32-bit key from SHAKE-256 of the body; sorting by the keys (ties
    keep their order) is one C-level sort instead of a Python loop of random draws."""
    count = len(answers)
    if count < 2:
        return
    keys = memoryview(hashlib.shake_256(request).digest(4 * count)).cast("I").tolist()
    order = sorted(range(count), key=keys.__getitem__)
    if order == list(range(count)):
        order = order[1:] + order[:1]
    answers[:] = [answers[i] for i in order]
