"""Asking the packer before a label that failed verification is printed.

A label is `unverified` when its rendered PDF did not pass `app.printing.verify` (no
barcode, a barcode of another waybill, blank, two pages, an absurd page size, blocked
hosts). Nothing unverified is printed unless the packer, having seen it, says so:
`UnverifiedDialog` shows the label itself (a caged `LabelPreview`) and why it failed, with
"Print anyway" and "Don't print" — the latter is the default, so Enter from a scanner
never forces a print. `confirm_print_anyway` is the one call the window makes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.model import Waybill
from app.ui.label_preview import LabelPreview


class UnverifiedDialog(QDialog):
    """The label, the reason it is not verified, "Print anyway" / "Don't print"."""

    def __init__(
        self,
        profile: QWebEngineProfile,
        waybill: Waybill,
        reason: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        name = waybill.waybill_id or waybill.ref.order_id
        self.setWindowTitle(self.tr("Label {0} is not verified").format(name))
        self.setObjectName("unverifiedDialog")
        self.resize(520, 720)

        self.reason_label = QLabel(
            self.tr(
                "This label did not pass the check before printing: {0}.\n"
                "A carrier's scanner may not read it. Print it only if you are sure."
            ).format(reason),
            self,
        )
        self.reason_label.setObjectName("unverifiedReason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label.setStyleSheet(
            "QLabel { background: #fde2c8; color: #5a2a00; padding: 8px; font-weight: bold; }"
        )

        self.preview = LabelPreview(profile, self)
        self.preview.show_waybill(waybill)

        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton(self.tr("Print anyway"), self)
        self.print_button.setObjectName("printAnyway")
        self.print_button.setAutoDefault(False)
        self.cancel_button = QPushButton(self.tr("Don't print"), self)
        self.cancel_button.setObjectName("dontPrint")
        self.cancel_button.setDefault(True)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self.cancel_button.setFocus()


def confirm_print_anyway(
    parent: QWidget | None, profile: QWebEngineProfile, waybill: Waybill, reason: str
) -> bool:
    """Show `UnverifiedDialog` modally; True only if the packer chose "Print anyway"."""
    dialog = UnverifiedDialog(profile, waybill, reason, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
