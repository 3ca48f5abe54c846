"""Every user setting, declared once with its type, default, labels and valid values.

`Settings` is a frozen dataclass; each field's `metadata["info"]` is a `FieldInfo` (labels
and help in English and Chinese, the tab it belongs to, its range or choices), so the
settings dialog and `validate()` are both driven from this one declaration.
The vocabulary of the declarations is `app.core.setting_info`; the checks are
`app.core.settings_check` (`validate`), the file `app.core.settings_store` (`SettingsStore`).
The AppSecret is deliberately not a setting: it lives in the OS keyring (`credentials`).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from app.core.label_hosts import DEFAULT_LABEL_HOSTS
from app.core.model import Hint
from app.core.setting_info import Choice, FieldInfo, Group, TokenMode

__all__ = [
    "LABEL_SIZES",
    "Choice",
    "ConnectionResult",
    "FieldInfo",
    "Group",
    "SettingField",
    "Settings",
    "TokenMode",
    "setting_field",
    "setting_fields",
]


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
    stuck_after_s: float = _setting(
        60.0,
        ("Stuck after", "卡住判定"),
        (
            "A label the printer has not finished this many seconds after it was sent is "
            "reported stuck (the command line then stops waiting for it).",
            "面单发送后超过此秒数仍未打印完成，即报告为卡住（命令行随即停止等待）。",
        ),
        Group.PRINTING,
        minimum=5.0,
        maximum=3600.0,
        decimals=0,
        step=5.0,
        suffix=" s",
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
class ConnectionResult:
    """The outcome of testing settings and an AppSecret against the API."""

    ok: bool
    message: Hint
