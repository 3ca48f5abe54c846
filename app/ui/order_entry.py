"""Orders into the queue: one scan, many pasted lines, the paste dialog, the samples.

`OrderEntry` parses what the packer scans or pastes (`app.core.orders`), adds the good
references to the queue model, lists the refused lines in the rejections panel, says
what happened in one line, and hands a fresh or repeated scan to print-on-scan when that
setting is on. It owns the paste dialog while it is open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.core.orders import LineKind, parse_orders, parse_scan
from app.ui.paste_dialog import PasteListDialog, RejectionsPanel, refused_lines
from app.ui.queue_model import Key, OrderQueueModel
from app.ui.scan_bar import Feedback
from app.ui.scan_to_print import ScanToPrint

Tell = Callable[[str, Feedback], None]


class OrderEntry(QObject):
    """Scans and pasted text into the queue (see the module docstring)."""

    def __init__(
        self,
        model: OrderQueueModel,
        rejections: RejectionsPanel,
        scan_print: ScanToPrint,
        *,
        window: QWidget,
        tell: Tell,
        default_carrier: Callable[[], str],
        scan_to_print: Callable[[], bool],
        select_key: Callable[[Key], None],
        refocus: Callable[[], None],
        sample_orders: Sequence[str] = (),
    ) -> None:
        super().__init__(window)
        self._model = model
        self._rejections = rejections
        self._scan_print = scan_print
        self._window = window
        self._tell = tell
        self._default_carrier = default_carrier
        self._scan_to_print = scan_to_print
        self._select_key = select_key
        self._refocus = refocus
        self._samples = sample_orders
        self.paste_dialog: PasteListDialog | None = None

    def add_scan(self, text: str) -> None:
        """One scanned code: queue it, or say at once why not."""
        line = parse_scan(text, self._default_carrier(), seen=self._model.keys())
        if line.kind is LineKind.REJECTED or line.ref is None:
            reason = self._model.hint_text(line.reason) if line.reason else ""
            shown = line.text if len(line.text) <= 40 else f"{line.text[:32]}…"
            self._tell(self.tr("Refused “{0}”: {1}").format(shown, reason), Feedback.ERROR)
            return
        ref = line.ref
        if line.kind is LineKind.DUPLICATE:
            self._tell(
                self.tr("Already in the list: {0} ({1})").format(ref.order_id, ref.delivery_id),
                Feedback.WARNING,
            )
            self._select_key(ref.key)
            if self._scan_to_print():
                self._scan_print.rescanned(ref.key)
            return
        self._model.add_refs([ref])
        self._tell(self.tr("Added {0} ({1})").format(ref.order_id, ref.delivery_id), Feedback.OK)
        self._select_key(ref.key)
        if self._scan_to_print():
            self._scan_print.scanned(ref.key)

    def add_text(self, text: str) -> int:
        """Many lines (pasted or from the dialog): queue the good ones, list the rest."""
        result = parse_orders(text, self._default_carrier())
        added = self._model.add_refs(result.refs)
        refused = refused_lines(
            result, added.duplicates, self._model.hint_text, self.tr("already in the list")
        )
        self._rejections.show_lines(refused)
        message = self.tr("Added %n order(s).", "", added.added)
        if refused:
            message += " " + self.tr("%n line(s) not added — see the list.", "", len(refused))
        self._tell(message, Feedback.WARNING if refused else Feedback.OK)
        return added.added

    def paste_clipboard(self) -> None:
        self.add_text(QGuiApplication.clipboard().text())

    def open_paste_dialog(self) -> None:
        if self.paste_dialog is not None:
            return
        self.paste_dialog = PasteListDialog(self._window)
        self.paste_dialog.finished.connect(self._on_paste_dialog_finished)
        self.paste_dialog.open()
        self.paste_dialog.editor.setFocus()

    def _on_paste_dialog_finished(self, result: int) -> None:
        dialog, self.paste_dialog = self.paste_dialog, None
        if dialog is None:
            return
        if result == PasteListDialog.DialogCode.Accepted:
            self.add_text(dialog.text())
        dialog.deleteLater()
        self._refocus()

    def load_samples(self) -> None:
        self.add_text("\n".join(self._samples))
