"""Yes/no prompts that only an explicit answer closes.

A packer's scanner ends every code with Return; a prompt with a default button would take
the next parcel's scan as its answer. `ExplicitQuestion` has no default button: Return
and Enter do nothing, the answer is a click, Space on the focused button, the buttons'
letter keys (Y / N) or Escape for "No". `explicit_ask(parent)` is the window's `ask`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

AskFn = Callable[[str, str], bool]

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ExplicitQuestion(QMessageBox):
    """A Yes/No message box that Return and Enter cannot answer."""

    def __init__(self, parent: QWidget | None, title: str, question: str) -> None:
        super().__init__(
            QMessageBox.Icon.Question,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent,
        )
        self.setObjectName("explicitQuestion")
        self.setEscapeButton(QMessageBox.StandardButton.No)
        for button in self.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _ENTER_KEYS:
            event.accept()  # no default answer: a scanner's Enter must not choose
            return
        super().keyPressEvent(event)

    def answered_yes(self) -> bool:
        return self.clickedButton() is self.button(QMessageBox.StandardButton.Yes)


def explicit_ask(parent: QWidget) -> AskFn:
    """Ask `question` over `parent` and wait for an explicit Yes or No (True for Yes)."""

    def ask(title: str, question: str) -> bool:
        box = ExplicitQuestion(parent, title, question)
        try:
            box.exec()
            return box.answered_yes()
        finally:
            box.deleteLater()

    return ask
