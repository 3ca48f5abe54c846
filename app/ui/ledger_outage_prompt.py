"""The question put to the packer when the warehouse ledger cannot be reached.

`ask_outage` shows it (Retry / Print with this station's guard only / Cancel) and returns
`RETRY`, `LOCAL` or `CANCEL`; `ChooseOutage` is the shape of any such answerer, so the
guard (`app.ui.ledger_fallback.FallbackPrintGuard`) and the tests can hand in their own.
Its texts keep the guard's translation context.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

RETRY = "retry"
LOCAL = "local"
CANCEL = "cancel"

ChooseOutage = Callable[[str], str]
"""`(what is wrong) -> RETRY, LOCAL or CANCEL`: the packer's answer to an outage."""


def outage_text(problem: str) -> str:
    return QCoreApplication.translate(
        "FallbackPrintGuard",
        "The warehouse ledger cannot be reached ({0}).\n\nWithout it, a waybill printed at "
        "another station is not recognised here.\n\nRetry, or print with this station's "
        "own guard only: those prints are recorded here and written to the warehouse "
        "ledger when it is back, and any waybill printed elsewhere meanwhile is listed.",
    ).format(problem)


def ask_outage(parent: QWidget | None, problem: str) -> str:
    """The blocking question: Retry / Print with this station's guard only / Cancel."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("FallbackPrintGuard", "The warehouse ledger cannot be reached"),
        "",
        parent=parent,
    )
    box.setText(outage_text(problem))
    retry = box.addButton(
        QCoreApplication.translate("FallbackPrintGuard", "Retry"), QMessageBox.ButtonRole.AcceptRole
    )
    local = box.addButton(
        QCoreApplication.translate("FallbackPrintGuard", "Print with this station's guard only"),
        QMessageBox.ButtonRole.ActionRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(retry)
    box.exec()
    clicked = box.clickedButton()
    return RETRY if clicked is retry else LOCAL if clicked is local else CANCEL
