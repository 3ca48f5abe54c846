"""Translation helpers for tests: build the .qm files when missing, read a .ts file, and
extract the tr() strings of app/ with pyside6-lupdate."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from app.ui.i18n import translations_dir

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
ZH_TS = translations_dir() / "waybill-printer_zh_CN.ts"


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    numerus: bool
    translation_type: str | None
    forms: tuple[str, ...]


def build_translations() -> list[Path]:
    """Compile every .ts whose .qm is missing or older (what build-translations.sh does)."""
    built = []
    for ts in sorted(translations_dir().glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            subprocess.run(
                [str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True
            )
        built.append(qm)
    return built


def read_ts(path: Path) -> list[Message]:
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            numerus = message.get("numerus") == "yes"
            if numerus:
                forms = tuple(f.text or "" for f in translation.iter("numerusform"))
            else:
                forms = (translation.text or "",)
            messages.append(
                Message(
                    name,
                    message.findtext("source") or "",
                    numerus,
                    translation.get("type"),
                    forms,
                )
            )
    return messages


def extract_sources(tmp_dir: Path) -> set[tuple[str, str]]:
    """(context, source) of every tr() string in app/, as pyside6-lupdate finds them now."""
    target = tmp_dir / "extracted_zh_CN.ts"
    subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            "-silent",
            "-extensions",
            "py",
            "-locations",
            "none",
            str(ROOT / "app"),
            "-ts",
            str(target),
        ],
        check=True,
        capture_output=True,
    )
    return {(m.context, m.source) for m in read_ts(target)}
