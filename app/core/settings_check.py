"""Whether settings are acceptable: each value on its own, and the settings as a whole.

`check_value` tests one value against its declaration (type, range, choices, and the
shape of an AppID, carrier id, API address, ledger URL, label host list, dpi); `validate`
lists every problem of a `Settings`, one `SettingError` per field, with a hint in both
languages. The settings dialog shows them; `app.core.settings_store` drops bad stored values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.core.label_hosts import parse_allow_list
from app.core.loopback import is_loopback
from app.core.model import Hint
from app.core.setting_info import TokenMode
from app.core.settings import SettingField, Settings, setting_fields


@dataclass(frozen=True)
class SettingError:
    """A setting whose value is not acceptable, and what to do about it."""

    field: str
    message: Hint


_APPID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CARRIER_RE = re.compile(r"^[A-Za-z0-9_]{1,32}$")


def _check_api_base(url: str) -> Hint | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Hint(
            "Enter a full address such as https://api.weixin.qq.com.",
            "请输入完整地址，例如 https://api.weixin.qq.com。",
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return Hint(
            "Plain http is only allowed for this computer (127.0.0.1); use https.",
            "仅本机地址（127.0.0.1）可以使用 http，其他地址请使用 https。",
        )
    return None


def check_value(item: SettingField, value: Any) -> Hint | None:
    """Whether one value is acceptable for its setting on its own (type, range, choices)."""
    kind = item.type
    info = item.info
    if kind is bool:
        ok_type = isinstance(value, bool)
    elif kind is int:
        ok_type = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok_type = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok_type = isinstance(value, str)
    if not ok_type:
        return Hint(f"Expected a {kind.__name__} value.", f"需要 {kind.__name__} 类型的值。")
    if info.choices and value not in info.choice_values:
        allowed = ", ".join(c or '""' for c in info.choice_values)
        return Hint(f"Choose one of: {allowed}.", f"请从以下选项中选择：{allowed}。")
    if info.minimum is not None and value < info.minimum:
        return Hint(f"Must be at least {info.minimum:g}.", f"不能小于 {info.minimum:g}。")
    if info.maximum is not None and value > info.maximum:
        return Hint(f"Must be at most {info.maximum:g}.", f"不能大于 {info.maximum:g}。")
    if item.name == "appid" and value and not _APPID_RE.match(value):
        return Hint(
            "An AppID has only letters and digits (e.g. wx1234567890abcdef).",
            "AppID 只包含字母和数字（例如 wx1234567890abcdef）。",
        )
    if item.name == "ledger_url" and value.strip():
        return _check_ledger_url(value.strip())
    if item.name == "default_carrier" and not _CARRIER_RE.match(value):
        return Hint(
            "Enter a carrier id such as SF, ZTO, YTO or EMS.",
            "请输入快递公司编码，例如 SF、ZTO、YTO 或 EMS。",
        )
    if item.name == "api_base":
        return _check_api_base(value)
    if item.name == "label_hosts":
        problems = parse_allow_list(value)[1]
        if problems:
            return Hint(
                f"Not a label host: {problems[0]}.",
                f"不是有效的面单主机：{problems[0]}。",
            )
    if item.name == "dpi" and 0 < value < 72:
        return Hint(
            "Use 0 (the printer's own) or at least 72.", "请填 0（打印机默认）或不小于 72。"
        )
    return None


def _check_ledger_url(value: str) -> Hint | None:
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres") or (not parts.hostname and not parts.query):
        return Hint(
            "Enter a PostgreSQL URL such as postgresql://station@db-server/waybills.",
            "请输入 PostgreSQL 地址，例如 postgresql://station@db-server/waybills。",
        )
    if parts.password is not None or "password=" in parts.query.lower():
        return Hint(
            "Leave the password out of the URL: the program asks for it and keeps it in "
            "the keyring.",
            "请不要在地址中写密码：程序会询问密码并保存在系统密钥环中。",
        )
    return None


def validate(settings: Settings) -> list[SettingError]:
    """Every problem with `settings`, one `SettingError` per offending field."""
    errors: list[SettingError] = []
    for item in setting_fields():
        hint = check_value(item, getattr(settings, item.name))
        if hint is not None:
            errors.append(SettingError(item.name, hint))
    if settings.token_mode == TokenMode.THIRD_PARTY and not settings.token_command.strip():
        errors.append(
            SettingError(
                "token_command",
                Hint(
                    "Third-party mode needs the command that prints the access token.",
                    "第三方平台方式需要填写输出访问令牌的命令。",
                ),
            )
        )
    if settings.token_mode != TokenMode.THIRD_PARTY and not settings.appid.strip():
        errors.append(
            SettingError(
                "appid",
                Hint(
                    "Enter the AppID of your Mini Program.",
                    "请填写小程序的 AppID。",
                ),
            )
        )
    return errors
