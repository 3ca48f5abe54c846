"""Make the label fonts (resources/fonts/WaybillSansCJK-{Regular,Bold}.ttf) from Debian's
Noto Sans CJK SC, as TrueType: run by hand (`pip install fonttools`), the output is committed.

Why: Chromium's PDF writer (Skia) embeds a CFF font such as Noto Sans CJK (what fontconfig
picks for Chinese here) as dozens of Type3 fonts — a drawing per glyph — which costs the
label renderer, pdfium and the PDF's size (123 KiB a sandbox label); a TrueType (glyf)
font it embeds as one subsetted CIDFontType2 (22 KiB). Debian 12 has no TrueType CJK sans
with a bold face (Chromium's synthetic bold is written as Type3 again), so the two weights
of Noto Sans CJK SC are converted here: outlines turned quadratic (cu2qu, within 1 unit),
the characters of GB2312 (6763 hanzi, the symbols), ASCII, Latin-1, CJK punctuation and the
full-width forms kept. A character outside that set falls back to the system's Noto Sans
CJK as before. Renamed "Waybill Sans CJK SC" (a modified version under the SIL OFL 1.1,
resources/fonts/OFL.txt; the reserved font name is "Source").

    python scripts/make-label-fonts.py [/usr/share/fonts/opentype/noto] [resources/fonts]
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, TTFont, newTable

FAMILY = "Waybill Sans CJK SC"
SC_INDEX = 2  # Noto Sans CJK SC in Debian's NotoSansCJK-*.ttc
WEIGHTS = ("Regular", "Bold")


def characters() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    chars |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes((first, second)).decode("gb2312")))
    return chars


def to_truetype(font: TTFont) -> None:
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\0\1\0\0"


def rename(font: TTFont, weight: str) -> None:
    postscript = FAMILY.replace(" ", "") + "-" + weight
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4, 6):
            record.string = postscript if record.nameID != 4 else f"{FAMILY} {weight}"


def make(source_dir: Path, out_dir: Path, weight: str) -> Path:
    font = TTCollection(str(source_dir / f"NotoSansCJK-{weight}.ttc")).fonts[SC_INDEX]
    options = Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    to_truetype(font)
    rename(font, weight)
    out = out_dir / f"{FAMILY.replace(' ', '')}-{weight}.ttf"
    font.save(str(out))
    return out


def main() -> None:
    source_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
    out_dir = Path(sys.argv[2] if len(sys.argv) > 2 else "resources/fonts")
    out_dir.mkdir(parents=True, exist_ok=True)
    for weight in WEIGHTS:
        print(make(source_dir, out_dir, weight))


if __name__ == "__main__":
    main()
