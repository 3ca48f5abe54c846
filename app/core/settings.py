"""Every user setting, declared once with its type, default, labels and valid values.

`Settings` is a frozen dataclass; each field's `metadata["info"]` is a `FieldInfo` (labels
and help in English and Chinese, the tab it belongs to, its range or choices), so the
settings dialog and `validate()` are both driven from this one declaration.
`SettingsStore` reads and atomically writes the settings as a JSON file.
The AppSecret is deliberately not a setting: it lives in the OS keyring (`credentials`).
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
import json
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.core.atomic_file import write_atomically
from app.core.label_hosts import DEFAULT_LABEL_HOSTS, parse_allow_list
from app.core.model import Hint


class TokenMode(enum.StrEnum):
    """How the program obtains an access_token."""

    STABLE = "stable"
    CLASSIC = "classic"
    THIRD_PARTY = "third_party"


class Group(enum.StrEnum):
    """The settings dialog tab a field appears on."""

    ACCOUNT = "account"
    PRINTING = "printing"
    STATION = "station"
    ADVANCED = "advanced"


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field and how to show it."""

    value: str
    label: Hint


@dataclass(frozen=True)
class FieldInfo:
    """Presentation and validation facts about one setting."""

    label: Hint
    help: Hint
    group: Group
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    decimals: int = 0
    step: float = 1.0
    suffix: str = ""

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)


def _setting(
    default: Any,
    label: tuple[str, str],
    help: tuple[str, str],
    group: Group,
    **info: Any,
) -> Any:
    """A dataclass field carrying its `FieldInfo` in `metadata["info"]`."""
    meta = FieldInfo(label=Hint(*label), help=Hint(*help), group=group, **info)
    return field(default=default, metadata={"info": meta})


def _choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(value, Hint(en, zh)) for value, en, zh in items)


LABEL_SIZES = _choices(
    ("auto", "Automatic (from the label)", "自动（按面单）"),
    ("100x150", "100 × 150 mm", "100 × 150 毫米"),
    ("100x180", "100 × 180 mm", "100 × 180 毫米"),
    ("76x130", "76 × 130 mm", "76 × 130 毫米"),
    ("100x100", "100 × 100 mm", "100 × 100 毫米"),
    ("A4", "A4", "A4"),
    ("A5", "A5", "A5"),
    ("custom", "Custom size", "自定义尺寸"),
)


@dataclass(frozen=True)
class Settings:
    """All settings of one packing station. Immutable; use `replace()` to change."""

    # --- Account -------------------------------------------------------------------
    appid: str = _setting(
        "",
        ("AppID", "AppID"),
        (
            "The Mini Program's AppID (starts with wx).",
            "小程序的 AppID（以 wx 开头）。",
        ),
        Group.ACCOUNT,
    )
    token_mode: TokenMode = _setting(  # noqa: RUF009 (an immutable enum member)
        TokenMode.STABLE,
        ("Token mode", "令牌方式"),
        (
            "Stable token is right when several stations share one AppID.",
            "多个工位共用一个 AppID 时请使用稳定版令牌。",
        ),
        Group.ACCOUNT,
        choices=_choices(
            ("stable", "Stable token (recommended)", "稳定版令牌（推荐）"),
            ("classic", "Classic token", "普通令牌"),
            ("third_party", "Third-party platform (command)", "第三方平台（命令）"),
        ),
    )
    token_command: str = _setting(
        "",
        ("Token command", "令牌命令"),
        (
            "Third-party mode only: a command whose output is the access token.",
            "仅第三方平台方式：一个输出访问令牌的命令。",
        ),
        Group.ACCOUNT,
    )
    api_base: str = _setting(
        "https://api.weixin.qq.com",
        ("API address", "接口地址"),
        (
            "Normally https://api.weixin.qq.com; plain http only for this computer.",
            "通常为 https://api.weixin.qq.com；仅本机地址可用 http。",
        ),
        Group.ACCOUNT,
    )
    # --- Station -------------------------------------------------------------------
    default_carrier: str = _setting(
        "SF",
        ("Default carrier", "默认快递公司"),
        (
            "Carrier id used when a scanned line names none, e.g. SF, ZTO, YTO, EMS.",
            "扫描行未写快递公司时使用的编码，例如 SF、ZTO、YTO、EMS。",
        ),
        Group.STATION,
    )
    # --- Advanced ------------------------------------------------------------------
    connect_timeout: float = _setting(
        3.05,
        ("Connect timeout", "连接超时"),
        ("Seconds to wait for a connection.", "等待建立连接的秒数。"),
        Group.ADVANCED,
        minimum=0.5,
        maximum=60.0,
        decimals=2,
        step=0.5,
        suffix=" s",
    )
    read_timeout: float = _setting(
        15.0,
        ("Read timeout", "读取超时"),
        ("Seconds to wait for an answer.", "等待接口答复的秒数。"),
        Group.ADVANCED,
        minimum=1.0,
        maximum=300.0,
        decimals=1,
        step=1.0,
        suffix=" s",
    )
    concurrency: int = _setting(
        4,
        ("Parallel requests", "并发请求数"),
        ("How many batch requests run at once.", "同时进行的批量请求数。"),
        Group.ADVANCED,
        minimum=1,
        maximum=16,
    )
    # --- Printing ------------------------------------------------------------------
    printer_name: str = _setting(
        "",
        ("Printer", "打印机"),
        ("The label printer; empty means the system default.", "面单打印机；留空为系统默认。"),
        Group.PRINTING,
    )
    label_size: str = _setting(
        "auto",
        ("Label size", "面单尺寸"),
        (
            "Used when the label does not state its own page size.",
            "面单未声明页面尺寸时使用。",
        ),
        Group.PRINTING,
        choices=LABEL_SIZES,
    )
    custom_width_mm: float = _setting(
        100.0,
        ("Custom width", "自定义宽度"),
        ("Label width for the custom size.", "自定义尺寸的面单宽度。"),
        Group.PRINTING,
        minimum=20.0,
        maximum=300.0,
        decimals=1,
        suffix=" mm",
    )
    custom_height_mm: float = _setting(
        150.0,
        ("Custom height", "自定义高度"),
        ("Label height for the custom size.", "自定义尺寸的面单高度。"),
        Group.PRINTING,
        minimum=20.0,
        maximum=500.0,
        decimals=1,
        suffix=" mm",
    )
    orientation: str = _setting(
        "portrait",
        ("Orientation", "方向"),
        ("Page orientation.", "纸张方向。"),
        Group.PRINTING,
        choices=_choices(("portrait", "Portrait", "纵向"), ("landscape", "Landscape", "横向")),
    )
    dpi: int = _setting(
        0,
        ("Resolution (dpi)", "分辨率（dpi）"),
        (
            "0 uses the printer's native resolution (203 or 300 for label printers).",
            "0 表示使用打印机原生分辨率（面单打印机一般为 203 或 300）。",
        ),
        Group.PRINTING,
        minimum=0,
        maximum=2400,
    )
    copies: int = _setting(
        1,
        ("Copies", "份数"),
        ("Copies of each label.", "每张面单打印的份数。"),
        Group.PRINTING,
        minimum=1,
        maximum=10,
    )
    offset_x_mm: float = _setting(
        0.0,
        ("Horizontal offset", "水平偏移"),
        ("Shift the print right (negative: left).", "向右移动打印内容（负数向左）。"),
        Group.PRINTING,
        minimum=-20.0,
        maximum=20.0,
        decimals=1,
        step=0.5,
        suffix=" mm",
    )
    offset_y_mm: float = _setting(
        0.0,
        ("Vertical offset", "垂直偏移"),
        ("Shift the print down (negative: up).", "向下移动打印内容（负数向上）。"),
        Group.PRINTING,
        minimum=-20.0,
        maximum=20.0,
        decimals=1,
        step=0.5,
        suffix=" mm",
    )
    label_scripts: bool = _setting(
        True,
        ("Run label scripts", "运行面单脚本"),
        (
            "Let a label's own JavaScript draw it (barcodes on a canvas); it still cannot "
            "reach the network, open windows or files.",
            "允许面单自带的 JavaScript 绘制面单（如画布条码）；脚本仍无法联网、打开窗口或文件。",
        ),
        Group.PRINTING,
    )
    label_hosts: str = _setting(
        DEFAULT_LABEL_HOSTS,
        ("Label hosts", "面单可用的主机"),
        (
            "Hosts labels may load images, fonts and styles from, separated by spaces: "
            "https://host[:port], *.domain for subdomains (http only for 127.0.0.1).",
            "面单可加载图片、字体和样式的主机，用空格分隔：https://主机[:端口]，"
            "*.域名 表示其子域名（仅本机 127.0.0.1 可用 http）。",
        ),
        Group.PRINTING,
    )
    multi_page_labels: bool = _setting(
        False,
        ("Allow multi-page labels", "允许多页面单"),
        (
            "Accept a label that prints on more than one page (a label printer feeds one "
            "label per page).",
            "允许一张面单打印成多页（标签打印机每页出一张标签）。",
        ),
        Group.PRINTING,
    )
    # --- Station -------------------------------------------------------------------
    language: str = _setting(
        "",
        ("Language", "语言"),
        ("Language of the program; takes effect after a restart.", "界面语言；重启后生效。"),
        Group.STATION,
        choices=_choices(
            ("", "System language", "跟随系统"),
            ("en", "English", "English"),
            ("zh_CN", "简体中文", "简体中文"),
        ),
    )
    sound_enabled: bool = _setting(
        True,
        ("Sounds", "提示音"),
        ("Beep on success and on errors.", "成功和出错时发出提示音。"),
        Group.STATION,
    )
    big_font: bool = _setting(
        False,
        ("Large text", "大字体"),
        ("Larger text for the packing table.", "打包台使用更大的字体。"),
        Group.STATION,
    )
    scan_to_print: bool = _setting(
        False,
        ("Print on scan", "扫描即打印"),
        (
            "Print each label as soon as its order is scanned.",
            "扫描订单后立即打印面单。",
        ),
        Group.STATION,
    )
    station_name: str = _setting(
        "",
        ("Station name", "工位名称"),
        (
            "Recorded with every print and shown in the history; empty means this computer's name.",
            "随每次打印记录并显示在历史中；留空则使用本机名称。",
        ),
        Group.STATION,
    )
    ledger_url: str = _setting(
        "",
        ("Shared ledger", "共享打印记录库"),
        (
            "A warehouse ledger every station shares, e.g. "
            "postgresql://station@db-server/waybills (see docs/WAREHOUSE.md). Empty keeps "
            "this station's own ledger file. The password is kept in the keyring, never "
            "here.",
            "所有工位共享的仓库打印记录库，例如 postgresql://station@db-server/waybills"
            "（见 docs/WAREHOUSE.md）。留空则使用本工位自己的记录文件。密码保存在系统密钥环中，"
            "不写在这里。",
        ),
        Group.STATION,
    )
    retention_days: int = _setting(
        180,
        ("Keep history", "历史保留天数"),
        ("Days to keep the print history.", "打印记录保留的天数。"),
        Group.ADVANCED,
        minimum=1,
        maximum=3650,
        suffix=" d",
    )

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (unknown names raise `TypeError`)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class SettingField:
    """One declared setting: name, Python type, default and `FieldInfo`."""

    name: str
    type: type
    default: Any
    info: FieldInfo


def setting_fields() -> tuple[SettingField, ...]:
    """All settings in declaration order."""
    hints = typing.get_type_hints(Settings)
    return tuple(
        SettingField(f.name, hints[f.name], f.default, f.metadata["info"])
        for f in dataclasses.fields(Settings)
    )


def setting_field(name: str) -> SettingField:
    """The declaration of one setting by name (`KeyError` if unknown)."""
    for item in setting_fields():
        if item.name == name:
            return item
    raise KeyError(name)


@dataclass(frozen=True)
class SettingError:
    """A setting whose value is not acceptable, and what to do about it."""

    field: str
    message: Hint


_APPID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CARRIER_RE = re.compile(r"^[A-Za-z0-9_]{1,32}$")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_api_base(url: str) -> Hint | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Hint(
            "Enter a full address such as https://api.weixin.qq.com.",
            "请输入完整地址，例如 https://api.weixin.qq.com。",
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return Hint(
            "Plain http is only allowed for this computer (127.0.0.1); use https.",
            "仅本机地址（127.0.0.1）可以使用 http，其他地址请使用 https。",
        )
    return None


def _check_value(item: SettingField, value: Any) -> Hint | None:
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
        hint = _check_value(item, getattr(settings, item.name))
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


def _coerce(item: SettingField, raw: Any) -> Any:
    """Turn a JSON value into the field's type (ints become floats, strings enums)."""
    if item.type is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    if isinstance(item.type, type) and issubclass(item.type, enum.Enum):
        return item.type(raw)  # ValueError for an unknown member
    return raw


def settings_from_mapping(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Settings from a decoded JSON object; bad values become defaults and are reported."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    for item in setting_fields():
        if item.name not in data:
            continue
        raw = data[item.name]
        try:
            value = _coerce(item, raw)
        except (ValueError, TypeError):
            problems.append(f"{item.name}: invalid value {raw!r}; using the default.")
            continue
        hint = _check_value(item, value)
        if hint is not None:
            problems.append(f"{item.name}: {hint.en} Using the default.")
            continue
        values[item.name] = value
    return Settings(**values), problems


def settings_to_mapping(settings: Settings) -> dict[str, Any]:
    """A JSON-ready dict of all settings (enums as their string values)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        out[f.name] = value.value if isinstance(value, enum.Enum) else value
    return out


class SettingsStore:
    """The settings file: JSON, read leniently, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load_with_problems(self) -> tuple[Settings, list[str]]:
        """The stored settings plus a description of everything that had to be ignored."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings(), []
        except OSError as exc:
            return Settings(), [f"Cannot read {self.path}: {exc.strerror}; using defaults."]
        try:
            data = json.loads(text)
        except ValueError:
            return Settings(), [f"{self.path} is not valid JSON; using defaults."]
        if not isinstance(data, dict):
            return Settings(), [f"{self.path} does not hold a JSON object; using defaults."]
        return settings_from_mapping(data)

    def load(self) -> Settings:
        """The stored settings; a missing file gives the defaults."""
        return self.load_with_problems()[0]

    def save(self, settings: Settings) -> None:
        """Write atomically: a temp file in the same folder, then `os.replace`."""
        text = json.dumps(settings_to_mapping(settings), ensure_ascii=False, indent=2)
        write_atomically(self.path, (text + "\n").encode("utf-8"))


@dataclass(frozen=True)
class ConnectionResult:
    """The outcome of testing settings and an AppSecret against the API."""

    ok: bool
    message: Hint
