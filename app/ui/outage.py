"""Outages: failures that are not about one order, named as what they are.

No network, DNS, a proxy, TLS, an HTTP error, WeChat busy, a wrong AppID/AppSecret, an
IP not on the whitelist, a used-up quota, a token WeChat keeps refusing — any of these
fails every order of a fetch alike. Shown as one error per row, they look like many bad
orders and bury the fix. `outage_of_waybill` / `outage_of_error` recognise them;
`Outage.banner(language, waiting)` says the cause first, then the fix, then that the
orders stay queued for the next Fetch, with the code and the server's words last.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.codes import HTTP_ERROR, NOT_CONFIGURED, TRANSPORT
from app.core.model import Hint, Waybill
from app.wechat.errors import TOKEN_ERRORS, Action, WeChatError, info_for

BUSY = -1
TOO_FREQUENT = 45011
QUOTA = 45009
IP_NOT_WHITELISTED = 40164
CREDENTIAL_CODES = frozenset({40013, 40125, 40002, 41001, NOT_CONFIGURED})

NO_CONNECTION = Hint("No connection to the WeChat server", "无法连接微信服务器（网络故障）")
SERVER_ERROR = Hint("The WeChat server answered with an error", "微信服务器返回错误")
SERVER_BUSY = Hint("WeChat is busy", "微信服务器繁忙")
CREDENTIALS = Hint(
    "WeChat refused this station's credentials", "微信拒绝了本工作站的凭据（AppID/AppSecret）"
)
NOT_WHITELISTED = Hint("This computer's IP is not on the whitelist", "本机 IP 不在白名单中")
QUOTA_USED = Hint("Today's API quota is used up", "今日接口调用次数已用完")
TOKEN_REFUSED = Hint("WeChat keeps refusing the access token", "微信一直拒绝 access_token")
STATION_PROBLEM = Hint("This station cannot call WeChat", "本工作站无法调用微信接口")


def cause_of(code: int) -> Hint | None:
    """The name of the outage behind `code`, or None for a problem of one order."""
    if code == TRANSPORT:
        return NO_CONNECTION
    if code == HTTP_ERROR:
        return SERVER_ERROR
    if code in (BUSY, TOO_FREQUENT):
        return SERVER_BUSY
    if code == IP_NOT_WHITELISTED:
        return NOT_WHITELISTED
    if code == QUOTA:
        return QUOTA_USED
    if code in CREDENTIAL_CODES:
        return CREDENTIALS
    if code in TOKEN_ERRORS:
        return TOKEN_REFUSED
    if info_for(code).action in (Action.CONFIG, Action.QUOTA):
        return STATION_PROBLEM
    return None


@dataclass(frozen=True)
class Outage:
    """One outage: its code, its name, what to do, and the server's own words."""

    code: int
    cause: Hint
    fix: Hint
    detail: str

    def banner(self, language: str, waiting: int) -> str:
        """Cause, fix, what happens to the orders; the code and details last."""
        cause, fix = self.cause.text(language), self.fix.text(language).strip()
        if language.startswith("zh"):
            return (
                f"{cause}。{fix}{waiting} 个订单仍在队列中，问题解决后按 F5 重新获取。"
                f"（错误码 {self.code}：{self.detail}）"
            )
        return (
            f"{cause}. {fix} {waiting} order(s) stay queued: press F5 to fetch again once "
            f"it is fixed. (Code {self.code}: {self.detail})"
        )


def outage_of_waybill(waybill: Waybill) -> Outage | None:
    """The outage a failed order stands for, or None if the failure is the order's own."""
    if waybill.errcode == 0:
        return None
    cause = cause_of(waybill.errcode)
    if cause is None:
        return None
    fix = waybill.hint or info_for(waybill.errcode).hint
    return Outage(waybill.errcode, cause, fix, waybill.errmsg)


def outage_of_error(exc: BaseException) -> Outage | None:
    """The outage behind an error that ended a whole fetch (a `WeChatError`), if any."""
    if not isinstance(exc, WeChatError):
        return None
    cause = cause_of(exc.code) or STATION_PROBLEM
    return Outage(exc.code, cause, exc.hint, exc.errmsg)
