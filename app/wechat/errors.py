"""The WeChat error table and the exceptions of the WeChat client.

`ERRORS` maps every code the logistics API documents (plus this program's local codes) to
an `ErrorInfo`: what the client does about it (`Action`) and what a packer or an admin
should do (`Hint`, English and Chinese). `info_for(code)` never fails: an unknown code is
treated as a per-order error that quotes the code.

Local codes — negative and below -1000, so they never collide with WeChat's own codes
(WeChat's only negative code is -1, "system busy"); all of them live in `app.core.codes`:

- `NO_ANSWER` (-1003): WeChat answered the call but left this order out.
- `CANCELLED` (-1004): the fetch was cancelled before this order was asked for
  (same meaning as the engine's `NOT_FETCHED`).
- `TRANSPORT` (-1005): the call never got an answer (DNS, refused, timeout, proxy, TLS).
- `BAD_RESPONSE` (-1006): the answer was not the JSON the API documents.
- `HTTP_ERROR` (-1007): the server answered with an HTTP error status (after retries).
- `NOT_CONFIGURED` (-1008): this station cannot get a token (missing credentials, a
  token command that failed).

Exception texts never contain an access token or an AppSecret: callers pass texts
through `scrub()` with the secrets they hold before building an exception.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.core.codes import BAD_RESPONSE as BAD_RESPONSE
from app.core.codes import HTTP_ERROR as HTTP_ERROR
from app.core.codes import NO_ANSWER as NO_ANSWER
from app.core.codes import NOT_CONFIGURED as NOT_CONFIGURED
from app.core.codes import NOT_FETCHED
from app.core.codes import TRANSPORT as TRANSPORT
from app.core.model import Hint

CANCELLED = NOT_FETCHED  # the engine's name for the same meaning

#: Codes a business call answers when its access token is no good: refresh once, retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001, 41001})


class Action(enum.Enum):
    """What the client does when it meets a code."""

    OK = "ok"
    RETRY = "retry"  # back off and call again, a bounded number of times
    REFRESH_TOKEN = "refresh_token"  # drop the token, fetch a new one, retry the call once
    CONFIG = "config"  # the station is misconfigured: do not retry, tell the admin
    QUOTA = "quota"  # the daily quota is gone: stop calling
    PER_ORDER = "per_order"  # this order's problem; the other orders are fine
    BUG = "bug"  # the request itself was malformed: a defect in this program


@dataclass(frozen=True)
class ErrorInfo:
    """One error code: what the client does about it and what a person should do."""

    code: int
    action: Action
    hint: Hint


def _info(code: int, action: Action, en: str, zh: str) -> tuple[int, ErrorInfo]:
    return code, ErrorInfo(code, action, Hint(en, zh))


_TOKEN_EN = (
    "WeChat rejected the access token. The program fetches a new one by itself; if this "
    "keeps happening, another program may be refreshing the token for the same AppID "
    "(use the stable token mode on every station)."
)
_TOKEN_ZH = (
    "微信拒绝了 access_token。程序会自动重新获取；如果反复出现，可能有其他程序在为同一个 "
    "AppID 刷新令牌（请在所有工作站使用稳定版令牌模式）。"
)

ERRORS: Mapping[int, ErrorInfo] = MappingProxyType(
    dict(
        [
            _info(0, Action.OK, "OK.", "成功。"),
            _info(
                -1,
                Action.RETRY,
                "WeChat is busy. Wait a moment and fetch again.",
                "微信系统繁忙，请稍等片刻后重新获取。",
            ),
            _info(40001, Action.REFRESH_TOKEN, _TOKEN_EN, _TOKEN_ZH),
            _info(40014, Action.REFRESH_TOKEN, _TOKEN_EN, _TOKEN_ZH),
            _info(
                42001,
                Action.REFRESH_TOKEN,
                "The access token expired. The program fetches a new one by itself; fetch "
                "again if this order still failed.",
                "access_token 已过期。程序会自动重新获取；如该订单仍失败，请重新获取。",
            ),
            _info(
                41001,
                Action.REFRESH_TOKEN,
                "No access token was sent. Check the token settings (AppID and AppSecret, "
                "or the supplied token).",
                "请求中缺少 access_token。请检查令牌设置（AppID 和 AppSecret，或提供的令牌）。",
            ),
            _info(
                40013,
                Action.CONFIG,
                "The AppID is wrong. An admin must enter the Mini Program's AppID exactly "
                "as shown in the WeChat admin console (Development > Development settings).",
                "AppID 不正确。请管理员按微信公众平台（开发 > 开发管理 > 开发设置）中显示的 "
                "AppID 重新填写。",
            ),
            _info(
                40125,
                Action.CONFIG,
                "The AppSecret is wrong. An admin must copy the current AppSecret from the "
                "WeChat admin console (it changes when someone resets it).",
                "AppSecret 不正确。请管理员从微信公众平台复制当前的 AppSecret（重置后会变化）。",
            ),
            _info(
                40002,
                Action.CONFIG,
                "The token request was rejected (invalid grant type or AppSecret). An admin "
                "must check the AppID, the AppSecret and the token mode.",
                "获取令牌的请求被拒绝（grant_type 或 AppSecret 无效）。请管理员检查 AppID、"
                "AppSecret 和令牌模式。",
            ),
            _info(
                40164,
                Action.CONFIG,
                "This computer's IP address is not allowed to call the API. An admin must add "
                "this machine's public IP to the AppID's IP whitelist in the WeChat admin "
                "console (Development > Development settings > IP whitelist).",
                "本机的 IP 地址不允许调用接口。请管理员在微信公众平台（开发 > 开发管理 > "
                "开发设置 > IP 白名单）中添加本机的公网 IP。",
            ),
            _info(
                45009,
                Action.QUOTA,
                "Today's API quota for this AppID is used up. Stop fetching and tell an "
                "admin; the quota resets tomorrow (an admin can also reset it in the console).",
                "该 AppID 今日的接口调用次数已用完。请停止获取并通知管理员；次数明天恢复"
                "（管理员也可在公众平台重置）。",
            ),
            _info(
                45011,
                Action.RETRY,
                "Too many calls in a short time. Wait a minute, then fetch again.",
                "调用过于频繁。请等待一分钟后再重新获取。",
            ),
            _info(
                47001,
                Action.BUG,
                "WeChat could not read the request (data format error). This is a defect in "
                "the program: report it with the log.",
                "微信无法解析请求（数据格式错误）。这是程序缺陷，请连同日志一起报告。",
            ),
            _info(
                9300501,
                Action.PER_ORDER,
                "The carrier refused this order. Check the order with the carrier; the "
                "carrier's reason is in the details.",
                "快递公司拒绝了该订单。请与快递公司核对订单，详情中有快递公司给出的原因。",
            ),
            _info(
                9300502,
                Action.PER_ORDER,
                "The carrier's system had an error. Fetch this order again later.",
                "快递公司系统出错。请稍后重新获取该订单。",
            ),
            _info(
                9300503,
                Action.PER_ORDER,
                "This carrier code does not exist. Check the carrier (delivery_id) of the "
                "order, e.g. SF, ZTO, YTO, EMS.",
                "该快递公司编码不存在。请检查订单的快递公司（delivery_id），如 SF、ZTO、YTO、EMS。",
            ),
            _info(
                9300512,
                Action.PER_ORDER,
                "WeChat could not render this order's label template. Fetch it again later; "
                "if it keeps failing, ask the carrier.",
                "微信无法生成该订单的面单模板。请稍后重新获取；如一直失败，请联系快递公司。",
            ),
            _info(
                9300526,
                Action.PER_ORDER,
                "A field of this order has the wrong length. Check the order id and waybill "
                "id for typos or extra characters.",
                "该订单的某个字段长度不正确。请检查订单号和运单号是否有错字或多余字符。",
            ),
            _info(
                9300534,
                Action.PER_ORDER,
                "The order belongs to another Mini Program or user (access token and openid "
                "do not match). Check that the order was created with this AppID.",
                "该订单属于其他小程序或用户（access_token 与 openid 不匹配）。请确认订单是用"
                "本 AppID 下的单。",
            ),
            _info(
                930561,
                Action.PER_ORDER,
                "WeChat rejected the order's fields (argument error). Check the order id and "
                "the carrier.",
                "微信拒绝了该订单的参数（参数错误）。请检查订单号和快递公司。",
            ),
            _info(
                930563,
                Action.PER_ORDER,
                "No such order. Check the order id and the carrier; the order may not have "
                "been created for this carrier.",
                "订单不存在。请检查订单号和快递公司；该订单可能不是在此快递公司下的单。",
            ),
            _info(
                40199,
                Action.PER_ORDER,
                "The waybill id was not found. Check the waybill id, or leave it out.",
                "运单号不存在。请检查运单号，或不填运单号。",
            ),
            _info(
                NO_ANSWER,
                Action.PER_ORDER,
                "WeChat did not answer for this order; fetch it again.",
                "微信没有返回该订单的结果，请重新获取。",
            ),
            _info(
                CANCELLED,
                Action.PER_ORDER,
                "The fetch was cancelled before this order; fetch it again.",
                "获取已取消，该订单尚未获取，请重新获取。",
            ),
            _info(
                TRANSPORT,
                Action.RETRY,
                "Could not reach the WeChat server. Check the network cable or Wi-Fi, the "
                "proxy settings, DNS and the firewall, then fetch again.",
                "无法连接微信服务器。请检查网线或 Wi-Fi、代理设置、DNS 和防火墙，然后重新获取。",
            ),
            _info(
                BAD_RESPONSE,
                Action.RETRY,
                "The server's answer could not be read. Fetch again; if it keeps happening, "
                "check that the API address is WeChat's (or a proxy is not rewriting answers).",
                "无法读取服务器的应答。请重新获取；如反复出现，请检查接口地址是否为微信的，"
                "或代理是否改写了应答。",
            ),
            _info(
                HTTP_ERROR,
                Action.RETRY,
                "The server answered with an HTTP error. Wait a moment and fetch again; if it "
                "keeps happening, check the API address and the proxy.",
                "服务器返回了 HTTP 错误。请稍等后重新获取；如反复出现，请检查接口地址和代理。",
            ),
            _info(
                NOT_CONFIGURED,
                Action.CONFIG,
                "This station cannot get an access token. An admin must check the token "
                "settings (AppID and AppSecret, the supplied token, or the token command).",
                "本工作站无法获取 access_token。请管理员检查令牌设置（AppID 和 AppSecret、"
                "提供的令牌或获取令牌的命令）。",
            ),
        ]
    )
)


def info_for(code: int) -> ErrorInfo:
    """The table's entry for `code`; an unknown code is a per-order error quoting the code."""
    known = ERRORS.get(code)
    if known is not None:
        return known
    return ErrorInfo(
        code,
        Action.PER_ORDER,
        Hint(
            f"WeChat returned error {code}. Fetch this order again; if it keeps failing, "
            f"report the order id and the code {code}.",
            f"微信返回错误 {code}。请重新获取该订单；如一直失败，请报告订单号和错误码 {code}。",
        ),
    )


def scrub(text: str, *secrets: str | None) -> str:
    """`text` with every occurrence of each non-empty secret replaced by `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class WeChatError(Exception):
    """Base of the client's errors: a code (WeChat's or local), its message and a hint."""

    def __init__(self, code: int, errmsg: str, hint: Hint | None = None) -> None:
        self.code = code
        self.errmsg = errmsg
        self.hint = hint if hint is not None else info_for(code).hint
        super().__init__(code, errmsg)

    def __str__(self) -> str:
        return f"{self.errmsg} (errcode {self.code})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.errmsg!r})"


class ApiError(WeChatError):
    """A call failed as a whole: WeChat (or the answer itself) said no for every order in it."""


class ConfigError(WeChatError):
    """The station is misconfigured (AppID, AppSecret, IP whitelist, API base, token).

    Nothing can succeed until an admin fixes it; the command line exits with code 2.
    """

    @classmethod
    def missing(cls, en: str, zh: str) -> ConfigError:
        """Something the configuration lacks, said in both languages."""
        return cls(NOT_CONFIGURED, en, Hint(en, zh))


class TransportError(WeChatError):
    """The call got no usable HTTP answer: network, DNS, proxy, TLS, timeout, HTTP error."""

    def __init__(self, errmsg: str, hint: Hint | None = None, *, code: int = TRANSPORT) -> None:
        super().__init__(code, errmsg, hint)
