"""Adding orders from files: dropped onto the window or opened, UTF-8 or GBK (Chinese
Excel), read in the background, parsed like a paste with the refused lines listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.feedback import Feedback
from app.ui.import_files import OrderFileError, decode_order_bytes, order_files, read_order_file
from app.ui.main_window import MainWindow
from tests.unit.ui.support import open_window

CSV = "order_id,delivery_id\n4200001,SF\n4200002,ZTO\n4200003,S-F\n"


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    with open_window(sandbox, label_profile, print_queue, tmp_path) as win:
        yield win


def drop(window: MainWindow, paths: list[Path]) -> bool:
    """Drag files over the window and drop them; True if the window accepted them."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPointF(20, 20), action, data, buttons, mods)
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    dropped = QDropEvent(QPointF(20, 20), action, data, buttons, mods)
    QApplication.sendEvent(window, dropped)
    return dropped.isAccepted()


def order_ids(window: MainWindow) -> list[str]:
    return [row.ref.order_id for row in window.model.rows()]


def test_a_dropped_csv_adds_its_rows_and_lists_the_bad_line(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(CSV, encoding="utf-8")
    assert drop(window, [path])
    qtbot.waitUntil(lambda: window.importer.pending == 0, timeout=5000)
    assert order_ids(window) == ["4200001", "4200002"]
    assert [r.ref.delivery_id for r in window.model.rows()] == ["SF", "ZTO"]
    refused = window.rejections.lines()
    assert [(r.line_no, r.text) for r in refused] == [(4, "4200003,S-F")]
    assert "invalid carrier id" in refused[0].reason
    assert window.scan_bar.message.property("tone") == Feedback.WARNING.value


def test_other_files_are_not_taken(window: MainWindow, tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG")
    assert not drop(window, [picture])
    assert order_files([QUrl("https://example.com/a.csv")]) == []


def test_opening_a_gbk_file_from_chinese_excel(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "订单.csv"
    path.write_bytes("订单号\t快递公司\r\n4200011\t中通\r\n4200012\tYTO\r\n".encode("gbk"))
    added: list[int] = []
    window.importer.import_file(path, on_added=added.append)
    qtbot.waitUntil(lambda: bool(added), timeout=5000)
    assert added == [1]
    assert order_ids(window) == ["4200012"]
    refused = window.rejections.lines()
    assert [r.text for r in refused] == ["4200011\t中通"]  # decoded, then refused


def test_an_unreadable_file_is_reported(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    window.importer.import_file(tmp_path / "missing.txt")
    qtbot.waitUntil(lambda: window.importer.pending == 0, timeout=5000)
    assert "missing.txt" in window.scan_bar.message_text()
    assert window.scan_bar.message.property("tone") == Feedback.ERROR.value
    assert window.model.rowCount() == 0


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"4200001,SF\n", "4200001,SF\n"),
        ("\ufeff订单号\n4200001\n".encode(), "订单号\n4200001\n"),  # Excel's UTF-8 BOM
        ("订单号\n4200001\n".encode("gbk"), "订单号\n4200001\n"),
        ("订单号\n4200001\n".encode("gb18030"), "订单号\n4200001\n"),
        ("订单号\n".encode("utf-16"), "订单号\n"),  # Excel "Unicode text"
    ],
)
def test_decoding(data: bytes, text: str) -> None:
    assert decode_order_bytes(data) == text


def test_reading_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("4200001\t顺丰\n".encode("gbk"))
    assert read_order_file(path) == "4200001\t顺丰\n"
    with pytest.raises(OSError):
        read_order_file(tmp_path / "none.txt")
    assert issubclass(OrderFileError, Exception)


def test_the_window_reads_a_quoted_utf16_csv_with_a_chinese_header(tmp_path: Path) -> None:
    from app.core.orders import parse_orders

    path = tmp_path / "orders.csv"
    path.write_bytes('"订单号","快递公司"\r\n"A1001","SF"\r\n'.encode("utf-16"))
    parsed = parse_orders(read_order_file(path), "")
    assert parsed.header_line == 1
    assert [(r.order_id, r.delivery_id) for r in parsed.refs] == [("A1001", "SF")]
