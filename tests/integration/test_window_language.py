"""The window speaks the system's language (LANG) unless the settings choose one: real
widget texts of the real window, each run in a fresh process (the system locale is read
when the process starts)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.ui.i18n_support import ROOT, build_translations


def window_texts(tmp_path: Path, lang: str, setting: str = "") -> dict[str, Any]:
    build_translations()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(LANG=lang, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.window_texts", str(tmp_path), setting],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    texts: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return texts


def test_chinese_system_gives_a_chinese_window(tmp_path: Path) -> None:
    texts = window_texts(tmp_path, "zh_CN.UTF-8")
    assert texts["language"] == "zh_CN"
    assert "获取面单" in texts["buttons"]
    assert {"打印", "全部打印", "移除", "清空"} <= set(texts["buttons"])
    assert texts["fetch_action"] == "获取面单(&F)"
    assert texts["placeholder"] == "扫描或输入订单号，然后按回车"
    assert texts["banner"] == "可以扫描了。"
    assert texts["menus"][0] == "订单(&O)"
    assert texts["state_header"] == "状态"
    assert texts["title"].startswith("面单打印")
    assert texts["qt_cancel"] == "取消"  # Qt's own buttons are Chinese too


def alt_keys(texts: list[str]) -> list[str]:
    """The Alt+letter of each text that has one ("&Orders" → "O", "订单(&O)" → "O")."""
    keys = []
    for text in texts:
        match = re.search(r"&([^&\s])", text.replace("&&", ""))
        if match:
            keys.append(match.group(1).upper())
    return keys


@pytest.mark.parametrize("lang", ["zh_CN.UTF-8", "en_US.UTF-8"])
def test_every_alt_key_of_the_window_is_unique(tmp_path: Path, lang: str) -> None:
    keys = alt_keys(window_texts(tmp_path, lang)["mnemonics"])
    assert len(keys) >= 5  # the menus and the scan field's caption at least
    assert sorted(keys) == sorted(set(keys)), keys


def test_english_system_gives_an_english_window(tmp_path: Path) -> None:
    texts = window_texts(tmp_path, "en_US.UTF-8")
    assert texts["language"] == "en"
    assert {"Fetch", "Print", "Print all ready", "Remove", "Clear"} <= set(texts["buttons"])
    assert texts["placeholder"] == "Scan or type an order id, then press Enter"
    assert texts["menus"][0] == "&Orders"
    assert texts["qt_cancel"] == "Cancel"


@pytest.mark.parametrize(("lang", "setting", "fetch"), [("en_US.UTF-8", "zh_CN", "获取面单")])
def test_the_language_setting_overrides_the_system(
    tmp_path: Path, lang: str, setting: str, fetch: str
) -> None:
    assert fetch in window_texts(tmp_path, lang, setting)["buttons"]
