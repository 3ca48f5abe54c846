"""The label preview pane: the selected waybill's label at its real proportions.

`LabelPreview` shows a label in a `QWebEngineView` whose page is a hardened `LabelPage`
on the profile handed in, zoomed so the whole label (its page size in mm, as CSS pixels
at 96 dpi) fits the pane; the zoom follows every resize. Without a label it shows a
placeholder text instead: nothing selected, not fetched yet, or the error and what to do.
A cancelled waybill is shown under a banner saying it must not be used.

The page is replaced by a fresh `LabelPage` once it has shown `recycle_after` labels
(see `LabelPage`: the renderer process behind a page grows with every label it loads, a
fresh page starts on a fresh one), so a packing station showing thousands of labels a
day stays at the same memory.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.core.model import PageSizeMm, Waybill, WaybillStatus
from app.printing.profile import RECYCLE_AFTER_LOADS, LabelPage, LabelTooLarge
from app.ui.queue_model import QueueRow, RowState

CSS_PX_PER_MM = 96 / 25.4
DEFAULT_LABEL_SIZE = PageSizeMm(100.0, 150.0)
MIN_ZOOM = 0.25
MAX_ZOOM = 5.0
_MARGIN_PX = 8
_CANCELLED_BANNER = "QLabel { background: #6d5a7b; color: white; font-weight: bold; padding: 6px; }"
_UNVERIFIED_BANNER = (
    "QLabel { background: #fde2c8; color: #5a2a00; font-weight: bold; padding: 6px; }"
)


def fit_zoom(page_size: PageSizeMm, available: QSize) -> float:
    """The zoom factor that makes a label of `page_size` fit `available` pixels."""
    width_px = page_size.width * CSS_PX_PER_MM
    height_px = page_size.height * CSS_PX_PER_MM
    if width_px <= 0 or height_px <= 0 or available.width() <= 0 or available.height() <= 0:
        return 1.0
    zoom = min(
        (available.width() - _MARGIN_PX) / width_px,
        (available.height() - _MARGIN_PX) / height_px,
    )
    return max(MIN_ZOOM, min(MAX_ZOOM, zoom))


class _LabelView(QWebEngineView):
    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class LabelPreview(QWidget):
    """Shows one waybill's label, or a placeholder saying why there is none."""

    labelLoaded = Signal(bool)
    """Emitted when a label finished loading (True) or failed to load (False)."""

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QWidget | None = None,
        *,
        language: str = "en",
        recycle_after: int = RECYCLE_AFTER_LOADS,
    ) -> None:
        super().__init__(parent)
        self._profile = profile
        self._recycle_after = recycle_after
        self._language = language
        self._page_size = DEFAULT_LABEL_SIZE
        self._waybill: Waybill | None = None

        self._banner = QLabel(self)
        self._banner.setObjectName("previewBanner")
        self._banner.setWordWrap(True)
        self._banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._banner.setStyleSheet(_CANCELLED_BANNER)
        self._banner.hide()

        self._placeholder = QLabel(self)
        self._placeholder.setObjectName("previewPlaceholder")
        self._placeholder.setWordWrap(True)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._placeholder.setMargin(16)
        font = self._placeholder.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self._placeholder.setFont(font)

        self._view = _LabelView(self)
        self._view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._page = self._make_page()
        self._view.setPage(self._page)
        self._view.resized.connect(self._fit)

        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._placeholder)
        self._stack.addWidget(self._view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._banner)
        layout.addWidget(self._stack, 1)
        self.setMinimumWidth(220)
        self.show_waybill(None)

    def _make_page(self) -> LabelPage:
        page = LabelPage(self._profile, self._view, recycle_after=self._recycle_after)
        page.loadFinished.connect(self._on_load_finished)
        return page

    def _replace_page(self) -> None:
        """Show labels on a fresh page from now on; the old one (and, with it, its renderer
        process) is deleted."""
        old = self._page
        old.loadFinished.disconnect(self._on_load_finished)
        self._page = self._make_page()
        self._view.setPage(self._page)
        if shiboken6.isValid(old):
            old.deleteLater()

    # --- what tests and the window read ---------------------------------------------------

    @property
    def page(self) -> LabelPage:
        return self._page

    @property
    def view(self) -> QWebEngineView:
        return self._view

    @property
    def waybill(self) -> Waybill | None:
        return self._waybill

    def showing_label(self) -> bool:
        return self._stack.currentWidget() is self._view

    def placeholder_text(self) -> str:
        return self._placeholder.text()

    def banner_text(self) -> str:
        return self._banner.text() if self._banner.isVisibleTo(self) else ""

    # --- showing ------------------------------------------------------------------------

    def show_waybill(self, waybill: Waybill | None, *, note: str = "") -> None:
        """Show `waybill`'s label; without one, `note` (or a default) as the placeholder."""
        self._waybill = waybill
        self._banner.hide()
        self._banner.setStyleSheet(_CANCELLED_BANNER)
        if waybill is None:
            self._show_text(note or self.tr("Select an order to see its label."))
            return
        if waybill.status is WaybillStatus.ERROR or not waybill.html:
            self._show_text(self._error_text(waybill))
            return
        if waybill.status is WaybillStatus.CANCELLED:
            self._banner.setText(self.tr("CANCELLED — this waybill must not be printed or used"))
            self._banner.show()
        if self._page.worn_out:
            self._replace_page()
        try:
            self._page.load_label(waybill.html)
        except LabelTooLarge as exc:
            self._show_text(self.tr("This label cannot be shown: {0}").format(exc))
            return
        self._page_size = waybill.page_size or DEFAULT_LABEL_SIZE
        self._stack.setCurrentWidget(self._view)
        self._fit()

    def show_row(self, row: QueueRow | None) -> None:
        """Show a queue row: its label, its error, or where it stands (not fetched yet…)."""
        if row is None:
            self.show_waybill(None)
            return
        if row.waybill is None or row.waybill is not self._waybill:
            notes = {
                RowState.QUEUED: self.tr("Not fetched yet — press Fetch (F5)."),
                RowState.FETCHING: self.tr("Fetching the waybill…"),
            }
            self.show_waybill(row.waybill, note=notes.get(row.state, ""))
        # (an already shown label is not loaded again; only its banner follows the row)
        if row.state is RowState.UNVERIFIED and self.showing_label():
            self._banner.setText(self.tr("NOT VERIFIED — {0}").format(row.message))
            self._banner.setStyleSheet(_UNVERIFIED_BANNER)
            self._banner.show()

    def _error_text(self, waybill: Waybill) -> str:
        lines = [self.tr("No label for order {0}").format(waybill.ref.order_id)]
        if waybill.hint is not None:  # what to do first, in the UI's language
            lines.append(waybill.hint.text(self._language))
        if waybill.errcode or (waybill.errmsg and waybill.errmsg != "ok"):
            lines.append(f"{waybill.errcode} {waybill.errmsg}".strip())
        return "\n\n".join(lines)

    def _show_text(self, text: str) -> None:
        self._placeholder.setText(text)
        self._stack.setCurrentWidget(self._placeholder)

    def _fit(self) -> None:
        self._view.setZoomFactor(fit_zoom(self._page_size, self._view.size()))

    def _on_load_finished(self, ok: bool) -> None:
        self._fit()
        self.labelLoaded.emit(ok)
