"""Adding orders from a file: File → Open… (Ctrl+O) or dropping a CSV/TXT onto the window.

The file is read on the `BackgroundRunner` (disk I/O stays off the GUI thread) and its
text goes through the same list parser as a paste, so a header row is skipped and bad
lines land in the refused-lines panel. Files are decoded by the reader the command line
uses too (`app.core.order_input`): UTF-8 with or without a BOM, UTF-16 with a BOM, else
GB18030 (what a Chinese Excel or WPS saves).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.order_input import OrderInputError
from app.core.order_input import decode_order_bytes as decode_order_bytes_core
from app.ui.background import BackgroundRunner
from app.ui.feedback import Feedback

log = logging.getLogger(__name__)

ORDER_FILE_SUFFIXES = (".csv", ".txt", ".tsv")
MAX_FILE_BYTES = 20 * 1024 * 1024


class OrderFileError(Exception):
    """The file cannot be used as an order list; the message says why."""


def decode_order_bytes(data: bytes) -> str:
    """The text of an order file (see `app.core.order_input.decode_order_bytes`)."""
    try:
        return decode_order_bytes_core(data)
    except OrderInputError as exc:
        raise OrderFileError(str(exc)) from None


def read_order_file(path: Path) -> str:
    """Read and decode an order file (runs in a worker thread)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise OrderFileError(f"the file is too large ({size // 1024} KB)")
    return decode_order_bytes(path.read_bytes())


def order_files(urls: list[QUrl]) -> list[Path]:
    """The local CSV/TXT files among dropped URLs."""
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in ORDER_FILE_SUFFIXES]


class FileImporter(QObject):
    """Reads order files in the background and hands their text to the window."""

    def __init__(
        self,
        parent: QWidget,
        tell: Callable[[str, Feedback], None],
        add_text: Callable[[str], int],
        runner: BackgroundRunner,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tell = tell
        self._add_text = add_text
        self._runner = runner
        self.pending = 0

    def choose_and_import(self) -> None:
        """File → Open…: pick one or more files and add their orders."""
        files, _filter = QFileDialog.getOpenFileNames(
            self._parent,
            self.tr("Open a list of orders"),
            "",
            self.tr("Order lists (*.csv *.txt *.tsv);;All files (*)"),
        )
        for name in files:
            self.import_file(Path(name))

    def import_file(self, path: Path, on_added: Callable[[int], None] | None = None) -> None:
        """Read `path` off the GUI thread, then add its orders like a paste."""
        self.pending += 1
        self._tell(self.tr("Reading {0}…").format(path.name), Feedback.INFO)

        def done(text: object) -> None:
            self.pending -= 1
            added = self._add_text(str(text))
            if on_added is not None:
                on_added(added)

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._tell(self.tr("Cannot read {0}: {1}").format(path.name, reason), Feedback.ERROR)

        self._runner.run(read_order_file, path, on_done=done, on_error=failed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Accept dragged order files over the window and import them when dropped."""
        if isinstance(event, QDragEnterEvent | QDropEvent) and event.type() in (
            QEvent.Type.DragEnter,
            QEvent.Type.DragMove,
            QEvent.Type.Drop,
        ):
            files = order_files(event.mimeData().urls()) if event.mimeData().hasUrls() else []
            if not files:
                return False
            event.acceptProposedAction()
            if event.type() == QEvent.Type.Drop:
                for path in files:
                    self.import_file(path)
            return True
        return False


def install_file_import(
    window: QWidget,
    scan_field: QWidget,
    tell: Callable[[str, Feedback], None],
    add_text: Callable[[str], int],
    runner: BackgroundRunner,
) -> FileImporter:
    """Let the window take dropped order files; the importer also serves File → Open…."""
    importer = FileImporter(window, tell, add_text, runner)
    window.setAcceptDrops(True)
    window.installEventFilter(importer)
    scan_field.installEventFilter(importer)  # it would take the path as text
    return importer
