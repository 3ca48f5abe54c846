"""Choosing the window's language and installing the program's and Qt's translators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

import app
from app.ui.i18n import (
    catalogue_file,
    install_translators,
    resources_dir,
    translations_dir,
    ui_language,
)
from tests.unit.ui.i18n_support import build_translations


@pytest.fixture
def installed() -> Iterator[list[QTranslator]]:
    """Translators a test installs; removed afterwards so other tests stay in English."""
    translators: list[QTranslator] = []
    yield translators
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
        translator.deleteLater()


@pytest.mark.parametrize(
    ("configured", "system", "expected"),
    [
        ("", "zh_CN", "zh_CN"),
        ("", "zh_TW", "zh_CN"),
        ("", "en_US", "en"),
        ("", "de_DE", "en"),
        ("en", "zh_CN", "en"),
        ("zh_CN", "en_US", "zh_CN"),
    ],
)
def test_the_setting_wins_over_the_system_locale(
    configured: str, system: str, expected: str
) -> None:
    assert ui_language(configured, QLocale(system)) == expected


def test_resources_are_found_next_to_the_package() -> None:
    assert resources_dir() == Path(app.__file__).resolve().parent.parent / "resources"
    assert (translations_dir() / "waybill-printer_zh_CN.ts").is_file()
    assert (resources_dir() / "sounds" / "ok.wav").is_file()


def test_chinese_installs_the_program_and_qt_translations(
    qapp: QApplication, installed: list[QTranslator]
) -> None:
    build_translations()
    assert catalogue_file("zh_CN").is_file()
    installed.extend(install_translators(qapp, "zh_CN"))
    assert len(installed) == 2
    assert QCoreApplication.translate("WindowActions", "&Fetch") == "获取面单(&F)"
    assert QCoreApplication.translate("OrderQueueModel", "ready") == "待打印"
    # Qt's own dialogs: the standard buttons come from qtbase_zh_CN.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_plural_messages_are_translated(qapp: QApplication, installed: list[QTranslator]) -> None:
    build_translations()
    installed.extend(install_translators(qapp, "zh_CN"))
    assert (
        QCoreApplication.translate("OrderEntry", "Added %n order(s).", "", 3) == "已添加 3 个订单。"
    )


def test_english_needs_no_translator(qapp: QApplication, installed: list[QTranslator]) -> None:
    installed.extend(install_translators(qapp, "en"))
    assert installed == []
    assert QCoreApplication.translate("WindowActions", "&Fetch") == "&Fetch"


def test_a_missing_catalogue_leaves_the_english_text(
    qapp: QApplication, installed: list[QTranslator], tmp_path: Path
) -> None:
    installed.extend(install_translators(qapp, "zh_CN", folder=tmp_path))
    assert len(installed) == 1  # Qt's own translation only
    assert QCoreApplication.translate("WindowActions", "&Fetch") == "&Fetch"
