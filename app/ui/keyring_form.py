"""What a Settings row needs to ask the keyring without the GUI thread waiting on it.

`RunInLane` is how a row asks (`SerialLane.run` of the window's background helper, or
`run_inline` for a form tested alone); its answer comes back later, on the GUI thread.
`LatestAnswer` says which answers a row may still show: only the latest question's (one
overtaken by a newer question, or by a save, says nothing), and only while the row's
widgets exist (the dialog may have closed meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QWidget

RunInLane = Callable[..., object]
"""`run(fn, *args, on_done=..., on_error=...)`, e.g. `SerialLane.run`."""


def run_inline(
    fn: Callable[..., object],
    *args: Any,
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> None:
    """`RunInLane` on the calling thread (the form without a background helper)."""
    try:
        value = fn(*args)
    except Exception as exc:
        on_error(exc)
    else:
        on_done(value)


class LatestAnswer:
    """Numbers a row's questions; see the module docstring."""

    def __init__(self, *widgets: QWidget) -> None:
        self._widgets = widgets
        self._asked = 0

    def supersede(self) -> int:
        """A new question (or a save): answers still on their way are no longer shown.
        Returns the new question's number, for `current`."""
        self._asked += 1
        return self._asked

    def alive(self) -> bool:
        """The row's widgets still exist."""
        return all(shiboken6.isValid(widget) for widget in self._widgets)

    def current(self, asked: int) -> bool:
        """The answer to question `asked` may be shown: no newer one, the row still there."""
        return asked == self._asked and self.alive()
