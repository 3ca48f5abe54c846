"""The settings file: JSON read leniently (a bad value falls back to its default and is
reported), written atomically.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from pathlib import Path
from typing import Any

from app.core.atomic_file import write_atomically
from app.core.settings import SettingField, Settings, setting_fields
from app.core.settings_check import check_value


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
        hint = check_value(item, value)
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
