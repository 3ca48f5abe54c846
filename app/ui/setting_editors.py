"""One form row per declared setting: the editor its type and choices call for, and back.

`setting_row` builds the label, the editor (a combo box for choices, a check box, an int
or float spin box with its unit, or a line edit) and the error line under it, from the
setting's `FieldInfo`; `editor_value` reads an editor back as the setting's plain value.
The settings dialog lays the rows out on its tabs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import SettingField

ERROR_STYLE = "color: #b00020;"


@dataclass
class SettingRow:
    """The widgets of one setting's row: `label` and `cell` go into the form."""

    label: QLabel
    cell: QWidget
    editor: QWidget
    error: QLabel


def setting_row(item: SettingField, value: Any, language: str) -> SettingRow:
    """The label, editor and (hidden) error line of one setting, texts in `language`."""
    info = item.info
    editor = make_editor(item, value, language)
    editor.setObjectName(f"setting_{item.name}")
    editor.setToolTip(info.help.text(language))
    error = QLabel()
    error.setObjectName(f"error_{item.name}")
    error.setStyleSheet(ERROR_STYLE)
    error.setWordWrap(True)
    error.hide()
    cell = QWidget()
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(editor)
    box.addWidget(error)
    label = QLabel(info.label.text(language))
    label.setBuddy(editor)
    label.setToolTip(info.help.text(language))
    return SettingRow(label, cell, editor, error)


def make_editor(item: SettingField, value: Any, language: str) -> QWidget:
    """The editor for one setting, showing `value`."""
    info = item.info
    if isinstance(value, enum.Enum):
        value = value.value
    if info.choices:
        combo = QComboBox()
        for choice in info.choices:
            combo.addItem(choice.label.text(language), choice.value)
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))
        return combo
    if item.type is bool:
        check = QCheckBox()
        check.setChecked(bool(value))
        return check
    if item.type is int:
        spin = QSpinBox()
        spin.setRange(int(info.minimum or 0), int(info.maximum or 1_000_000))
        spin.setSingleStep(max(int(info.step), 1))
        spin.setSuffix(unit_text(info.suffix))
        spin.setValue(int(value))
        return spin
    if item.type is float:
        dspin = QDoubleSpinBox()
        dspin.setDecimals(info.decimals or 2)
        dspin.setRange(float(info.minimum or 0.0), float(info.maximum or 1e6))
        dspin.setSingleStep(info.step)
        dspin.setSuffix(unit_text(info.suffix))
        dspin.setValue(float(value))
        return dspin
    line = QLineEdit()
    line.setText(str(value))
    return line


def unit_text(suffix: str) -> str:
    """A spin box's unit in the UI's language (" s" → " 秒")."""
    units = {
        " s": QCoreApplication.translate("SettingEditors", " s"),
        " d": QCoreApplication.translate("SettingEditors", " d"),
        " mm": QCoreApplication.translate("SettingEditors", " mm"),
    }
    return units.get(suffix, suffix)


def editor_value(editor: QWidget) -> Any:
    """What an editor made by `make_editor` holds now (text stripped)."""
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    assert isinstance(editor, QLineEdit)
    return editor.text().strip()
