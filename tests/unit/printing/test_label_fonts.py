"""The label fonts: Chinese label text is embedded as the program's TrueType fonts (one
subsetted font a weight), not as Chromium's Type3 glyph drawings of Noto Sans CJK (CFF),
whatever Chinese sans font the label names — rendered in real QtWebEngine."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdf
import pytest

from app.printing.render import LabelRenderer
from app.printing.verify import verify_label
from app.sandbox.labels import render_label
from app.wiring.qt_environment import label_fonts_config, use_label_fonts

LABEL_FONT = "WaybillSansCJKSC"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the label fonts are fontconfig's (Linux)"
)


def embedded_fonts(pdf: bytes) -> list[tuple[str, str]]:
    """(subtype, base font name without the subset tag) of every font on every page."""
    fonts = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            if font["/Subtype"] == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                subtype, name = str(descendant["/Subtype"]), str(font["/BaseFont"])
            else:
                subtype, name = str(font["/Subtype"]), str(font.get("/BaseFont", ""))
            fonts.append((subtype, name.lstrip("/").partition("+")[2] or name.lstrip("/")))
    return fonts


def simple_label(family: str) -> str:
    return (
        "<html><head><style>@page { size: 100mm 150mm; margin: 0 } body { margin: 0; "
        f"font-family: {family}; font-size: 5mm }}</style></head><body>"
        "<p>收件人 朱秀兰 上海市浦东新区张江路 88 号</p><p><b>顺丰速运 青岛 532UD-489</b></p>"
        "</body></html>"
    )


def test_a_sandbox_label_embeds_the_truetype_label_fonts_and_no_type3(
    renderer: LabelRenderer,
) -> None:
    pdf = renderer.render_pdf_blocking(render_label("SF", "ORD0000001", "SF3094299503659"), None)
    fonts = embedded_fonts(pdf)
    assert not [f for f in fonts if f[0] == "/Type3"], fonts
    assert ("/CIDFontType2", f"{LABEL_FONT}-Regular") in fonts, fonts
    assert ("/CIDFontType2", f"{LABEL_FONT}-Bold") in fonts, fonts
    assert verify_label(pdf, "SF3094299503659").ok


@pytest.mark.parametrize("family", ["SimHei", "黑体", '"Microsoft YaHei"', "微软雅黑", "SimSun"])
def test_a_label_naming_a_common_chinese_font_gets_the_label_fonts(
    renderer: LabelRenderer, family: str
) -> None:
    fonts = embedded_fonts(renderer.render_pdf_blocking(simple_label(family), None))
    assert sorted(set(fonts)) == [
        ("/CIDFontType2", f"{LABEL_FONT}-Bold"),
        ("/CIDFontType2", f"{LABEL_FONT}-Regular"),
    ]


def test_a_latin_font_stays_what_it_was(renderer: LabelRenderer) -> None:
    html = simple_label("serif").replace("收件人 朱秀兰 上海市浦东新区张江路 88 号", "Deliver to")
    fonts = embedded_fonts(renderer.render_pdf_blocking(html, None))
    assert fonts and not any(LABEL_FONT in name for _, name in fonts), fonts


def test_the_configuration_is_used_on_linux_unless_one_was_chosen(tmp_path: Path) -> None:
    config = label_fonts_config()
    assert config.is_file()
    assert (config.parent / f"{LABEL_FONT}-Regular.ttf").is_file()
    assert (config.parent / f"{LABEL_FONT}-Bold.ttf").is_file()
    env: dict[str, str] = {}
    use_label_fonts(env, platform="linux")
    assert env == {"FONTCONFIG_FILE": str(config)}
    chosen = {"FONTCONFIG_FILE": "/etc/fonts/mine.conf"}
    use_label_fonts(chosen, platform="linux")
    assert chosen == {"FONTCONFIG_FILE": "/etc/fonts/mine.conf"}
    windows: dict[str, str] = {}
    use_label_fonts(windows, platform="win32")
    assert windows == {}
    missing: dict[str, str] = {}
    use_label_fonts(missing, platform="linux", config=tmp_path / "none.conf")
    assert missing == {}
