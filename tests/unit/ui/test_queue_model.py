"""OrderQueueModel: rows, states, duplicates, colours, and the Qt model contract."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont

from app.core.model import Hint, OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.ui.queue_model import Column, OrderQueueModel, RowState


def ref(order_id: str, carrier: str = "SF") -> OrderRef:
    return OrderRef(order_id, carrier)


def ok(r: OrderRef, waybill_id: str = "SF100") -> Waybill:
    return Waybill(
        r,
        WaybillStatus.OK,
        0,
        "ok",
        waybill_id,
        "<html><body>x</body></html>",
        PageSizeMm(100, 150),
    )


def cancelled(r: OrderRef) -> Waybill:
    return Waybill(r, WaybillStatus.CANCELLED, 0, "ok", "SF200", "<html>c</html>")


def failed(r: OrderRef) -> Waybill:
    return Waybill(
        r,
        WaybillStatus.ERROR,
        930563,
        "order not exists",
        hint=Hint("Check the order id.", "请核对订单号。"),
    )


@pytest.fixture
def model(qapp: Any) -> OrderQueueModel:
    return OrderQueueModel()


def test_add_refs_refuses_keys_already_queued(model: OrderQueueModel) -> None:
    first = model.add_refs([ref("A"), ref("B"), ref("A", "ZTO")])
    assert first.added == 3 and first.duplicates == []
    second = model.add_refs([ref("B"), ref("C"), ref("C")])
    assert second.added == 1
    assert second.duplicates == [ref("B"), ref("C")]
    assert model.rowCount() == 4
    assert model.row_for_key(("C", "SF")) == 3
    assert model.data(model.index(3, Column.ORDER_ID)) == "C"
    assert model.data(model.index(2, Column.CARRIER)) == "ZTO"
    assert model.data(model.index(0, Column.STATE)) == "queued"


def test_fetch_results_set_each_rows_state(model: OrderQueueModel) -> None:
    a, b, c = ref("A"), ref("CANCEL-B"), ref("MISSING-C")
    model.add_refs([a, b, c])
    model.set_fetching([a.key, b.key, c.key])
    assert model.counts()[RowState.FETCHING] == 3
    assert model.apply_waybills([ok(a), cancelled(b), failed(c)]) == 3
    assert [row.state for row in model.rows()] == [
        RowState.READY,
        RowState.CANCELLED,
        RowState.ERROR,
    ]
    assert model.ready_keys() == [a.key]
    assert model.data(model.index(0, Column.WAYBILL_ID)) == "SF100"
    assert model.waybill_for(0) == ok(a)
    message = model.data(model.index(2, Column.MESSAGE))
    assert "930563" in message and "Check the order id." in message
    assert "do not" in model.data(model.index(1, Column.MESSAGE))
    assert [r.ref for r in model.rows() if r.state in (RowState.QUEUED, RowState.ERROR)] == [c]
    assert model.fetchable_refs() == [c]


def test_hints_follow_the_language(qapp: Any) -> None:
    model = OrderQueueModel(language="zh_CN")
    c = ref("MISSING-C")
    model.add_refs([c])
    model.set_fetching([c.key])
    model.apply_waybills([failed(c)])
    assert "请核对订单号。" in model.data(model.index(0, Column.MESSAGE))


def test_results_for_rows_no_longer_fetching_are_ignored(model: OrderQueueModel) -> None:
    a, b = ref("A"), ref("B")
    model.add_refs([a, b])
    model.set_fetching([a.key])
    assert model.apply_waybills([ok(a), ok(b), ok(ref("GONE"))]) == 1
    assert model.row_at(1).state is RowState.QUEUED


def test_requeue_after_cancel(model: OrderQueueModel) -> None:
    a, b = ref("A"), ref("B")
    model.add_refs([a, b])
    model.set_fetching([a.key, b.key])
    model.apply_waybills([ok(a)])
    assert model.requeue_fetching([a.key, b.key]) == 1
    assert [r.state for r in model.rows()] == [RowState.READY, RowState.QUEUED]


def test_each_state_has_its_own_look_and_cancelled_is_struck_out(
    model: OrderQueueModel,
) -> None:
    refs = [ref(x) for x in "ABCD"]
    model.add_refs(refs)
    model.set_fetching([r.key for r in refs[:3]])
    model.apply_waybills([ok(refs[0]), cancelled(refs[1]), failed(refs[2])])
    backgrounds = []
    for row in range(4):
        brush = model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
        backgrounds.append(brush.color().name() if isinstance(brush, QBrush) else None)
    assert len(set(backgrounds)) == 4
    font = model.data(model.index(1, Column.ORDER_ID), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert model.data(model.index(0, Column.ORDER_ID), Qt.ItemDataRole.FontRole) is None
    red = model.data(model.index(2, 0), Qt.ItemDataRole.ForegroundRole)
    assert red.color().red() > red.color().green()


def test_printing_states(model: OrderQueueModel) -> None:
    a, b = ref("A"), ref("B")
    model.add_refs([a, b])
    model.set_fetching([a.key, b.key])
    model.apply_waybills([ok(a), ok(b, "SF101")])
    model.mark_printing(a.key)
    model.mark_printing(b.key)
    assert model.row_at(0).state is RowState.PRINTING
    model.mark_printed(a.key, "LabelPrinter")
    model.mark_print_failed(b.key, "paper out")
    assert model.row_at(0).state is RowState.PRINTED
    assert "LabelPrinter" in model.row_at(0).message
    assert model.row_at(1).state is RowState.READY
    assert "paper out" in model.data(model.index(1, Column.MESSAGE))
    assert model.ready_keys() == [b.key]


def test_remove_rows_keeps_the_key_index_right(model: OrderQueueModel) -> None:
    model.add_refs([ref(x) for x in "ABCDE"])
    assert model.remove_rows([1, 3, 99]) == 2
    assert [r.ref.order_id for r in model.rows()] == ["A", "C", "E"]
    assert model.row_for_key(("E", "SF")) == 2
    assert model.row_for_key(("B", "SF")) is None
    assert model.add_refs([ref("B")]).added == 1
    model.clear()
    assert model.rowCount() == 0 and model.keys() == set()


def test_passes_the_qt_model_tester(model: OrderQueueModel, qtmodeltester: Any) -> None:
    model.add_refs([ref(x) for x in "ABC"])
    model.set_fetching([("A", "SF")])
    model.apply_waybills([cancelled(ref("A"))])
    qtmodeltester.check(model, force_py=True)
