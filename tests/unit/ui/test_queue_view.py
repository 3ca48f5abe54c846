"""The queue table fits its width: the message column keeps its share, long ids are elided
in the middle, columns the preview also shows are hidden only while there is no room, and
large text wraps the message over two lines — never a horizontal scrollbar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.core.model import OrderRef
from app.ui.queue_model import Column, OrderQueueModel
from app.ui.queue_view import BIG_MESSAGE_SHARE, MESSAGE_SHARE, QueueView

LONG_MESSAGE = "订单不存在。请检查订单号和快递公司；该订单可能属于其他快递公司，或尚未在微信下单"


def table(qtbot: QtBot, width: int, *, big: bool) -> QueueView:
    model = OrderQueueModel(language="zh_CN")
    model.add_refs([OrderRef(f"420000190100000{n}", "SF") for n in range(10)])
    view = QueueView(model, big_font=big)
    model.setParent(view)  # the view keeps its model alive
    qtbot.addWidget(view)
    view.resize(width, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def columns_width(view: QueueView) -> int:
    return sum(view.columnWidth(c) for c in Column if not view.isColumnHidden(c))


def test_a_narrow_large_text_table_keeps_the_message_and_scrolls_not_sideways(
    qtbot: QtBot,
) -> None:
    view = table(qtbot, 611, big=True)  # the table's width on a 1024x768 screen
    width = view.viewport().width()
    assert not view.horizontalScrollBar().isVisible()
    assert columns_width(view) <= width
    assert view.columnWidth(Column.MESSAGE) >= BIG_MESSAGE_SHARE * width
    assert not view.isColumnHidden(Column.ORDER_ID) and not view.isColumnHidden(Column.STATE)
    assert view.isColumnHidden(Column.TIME)  # the first to give way
    assert view.textElideMode() is Qt.TextElideMode.ElideMiddle  # ids: both ends show
    option = QStyleOptionViewItem()
    reasons = view.itemDelegateForColumn(Column.MESSAGE)
    reasons.initStyleOption(option, view.model().index(0, Column.MESSAGE))  # type: ignore[attr-defined]
    assert option.textElideMode is Qt.TextElideMode.ElideRight  # a reason: its start shows
    assert view.wordWrap()  # large text: a reason wraps over the row's two lines
    assert view.rowHeight(0) >= 2 * view.fontMetrics().height()


def test_hidden_columns_come_back_when_there_is_room(qtbot: QtBot) -> None:
    view = table(qtbot, 611, big=True)
    assert view.isColumnHidden(Column.TIME)
    view.resize(1600, 400)
    qtbot.waitUntil(lambda: not view.isColumnHidden(Column.TIME), timeout=2_000)
    assert not any(view.isColumnHidden(c) for c in Column)
    assert not view.horizontalScrollBar().isVisible()
    metrics = view.fontMetrics()
    assert view.columnWidth(Column.ORDER_ID) > metrics.horizontalAdvance("4200001901000001")


def test_normal_text_at_1024_shows_whole_ids_in_one_line(qtbot: QtBot) -> None:
    view = table(qtbot, 655, big=False)
    assert [c for c in Column if view.isColumnHidden(c)] == [Column.TIME]
    metrics = view.fontMetrics()
    for column, sample in (
        (Column.ORDER_ID, "4200001901000001"),
        (Column.WAYBILL_ID, "SF1595020632472"),
    ):
        assert view.columnWidth(column) > metrics.horizontalAdvance(sample)
    assert not view.horizontalScrollBar().isVisible()
    assert columns_width(view) <= view.viewport().width()
    assert not view.wordWrap()
    assert view.rowHeight(0) < 2 * view.fontMetrics().height()


def test_a_column_the_packer_widened_stays_while_the_message_keeps_its_room(
    qtbot: QtBot,
) -> None:
    view = table(qtbot, 1400, big=False)
    view.setColumnWidth(Column.WAYBILL_ID, 260)
    view.resize(1300, 400)
    qtbot.waitUntil(lambda: view.viewport().width() < 1300, timeout=2_000)
    assert view.columnWidth(Column.WAYBILL_ID) == 260
    view.resize(500, 400)  # now it would crowd the message out
    qtbot.waitUntil(lambda: view.columnWidth(Column.WAYBILL_ID) < 260, timeout=2_000)
    assert view.columnWidth(Column.MESSAGE) >= MESSAGE_SHARE * view.viewport().width()
