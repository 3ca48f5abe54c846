"""The window's central panel: what the packer sees between the menu and the status bar.

`StationPanel` lays out the demo banner, the command buttons with the printer's state,
the scan bar with the carrier picker beside it, the refused-lines panel, the order queue
table with the label preview beside it, the progress row of a running fetch and the
print progress. It only builds and shows widgets; `MainWindow` connects them to the
controllers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import Settings
from app.ui.actions import WindowActions, action_button
from app.ui.bulk_print import PrintProgress
from app.ui.carrier_box import CarrierBox
from app.ui.label_preview import LabelPreview
from app.ui.paste_dialog import RejectionsPanel
from app.ui.printer_watch import PrinterStateLabel
from app.ui.queue_model import OrderQueueModel
from app.ui.queue_view import QueueView
from app.ui.scan_bar import ScanBar
from app.ui.services import WindowServices

DEMO_BANNER_STYLE = "QLabel { background: #ffd600; color: #222; font-weight: bold; padding: 6px; }"


class StationPanel(QWidget):
    """The central widget of the station window (see the module docstring)."""

    def __init__(
        self,
        model: OrderQueueModel,
        actions: WindowActions,
        services: WindowServices,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        a = actions
        layout = QVBoxLayout(self)
        self.demo_banner = QLabel(self.tr("DEMO — sandbox, nothing is sent to WeChat"), self)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setStyleSheet(DEMO_BANNER_STYLE)
        self.demo_banner.setVisible(services.demo)
        layout.addWidget(self.demo_banner)

        self.carrier_box = CarrierBox(self)
        self.carrier_box.set_carriers(services.carriers, settings.default_carrier)
        buttons = QHBoxLayout()
        for action in (a.fetch, a.print_selected, a.print_all, a.remove, a.clear):
            buttons.addWidget(action_button(action, self))
        self.printer_state = PrinterStateLabel(self)
        buttons.addWidget(self.printer_state)
        self.stuck_button = QPushButton(self)  # labels that have not come out (job_follow)
        self.stuck_button.setObjectName("stuckLabels")
        self.stuck_button.hide()
        buttons.addWidget(self.stuck_button)
        buttons.addStretch(1)
        buttons.addWidget(action_button(a.paste_list, self))
        if services.sample_orders:
            buttons.addWidget(action_button(a.load_samples, self))
        layout.addLayout(buttons)

        self.scan_bar = ScanBar(self, big_font=settings.big_font)
        # The carrier picker sits beside the scan field: it says what a scan will get,
        # and the button row stays narrow enough for a 1024-pixel screen.
        self.scan_bar.add_beside_field(QLabel(self.tr("Default carrier:"), self))
        self.scan_bar.add_beside_field(self.carrier_box)
        layout.addWidget(self.scan_bar)
        self.rejections = RejectionsPanel(self)
        layout.addWidget(self.rejections)

        self.table = QueueView(model, self, big_font=settings.big_font)
        self.scan_bar.redirect_typing_from(self.table)
        self.preview = LabelPreview(services.label_profile, self, language=services.language)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("queueSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([860, 440])
        layout.addWidget(self.splitter, 1)

        self.progress = QProgressBar(self)
        self.progress.setFormat(self.tr("%v of %m orders answered"))
        self.progress_row = QWidget(self)
        progress_layout = QHBoxLayout(self.progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        progress_layout.addWidget(self.progress, 1)
        progress_layout.addWidget(action_button(a.cancel, self.progress_row))
        self.progress_row.hide()
        layout.addWidget(self.progress_row)
        self.print_progress = PrintProgress(self)
        layout.addWidget(self.print_progress)

    def fetch_started(self, total: int) -> None:
        """Show the progress row of a fetch of `total` orders."""
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress_row.show()

    def fetch_progressed(self, answered: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(answered)

    def fetch_ended(self) -> None:
        self.progress_row.hide()

    def set_big_font(self, big: bool) -> None:
        """The table's and the scan bar's share of the large-text setting."""
        self.table.set_big_font(big)
        self.scan_bar.set_big_font(big)
