"""The carrier picker: a combo box of ``delivery_id — name`` for the default carrier.

Scanned or pasted ids that name no carrier get the one chosen here. A configured carrier
that is not in the list (an unusual id) is added at the top rather than silently lost.
The box never takes the keyboard focus, which belongs to the scan field.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget


class CarrierBox(QComboBox):
    """Picks the default carrier; `current_carrier()` is its delivery_id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carrierBox")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setToolTip(self.tr("Carrier for scanned ids that name none"))

    def set_carriers(self, carriers: list[tuple[str, str]], current: str) -> None:
        """Offer `(delivery_id, name)` pairs and select `current`."""
        self.clear()
        if current and current not in {cid for cid, _ in carriers}:
            carriers = [(current, current), *carriers]
        for cid, name in carriers:
            self.addItem(f"{cid} — {name}" if name and name != cid else cid, cid)
        self.setCurrentIndex(max(self.findData(current), 0))

    def current_carrier(self) -> str:
        return str(self.currentData() or "")
