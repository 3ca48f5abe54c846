"""The vocabulary settings are declared in: token modes, dialog tabs, choices, field facts.

Each field of `app.core.settings.Settings` carries a `FieldInfo` (labels and help in
English and Chinese, the tab, its range or choices) in `metadata["info"]`; the settings
dialog and `app.core.settings_check` read these facts back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

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
