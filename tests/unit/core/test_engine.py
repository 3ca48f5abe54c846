"""Tests for app.core.engine: raw items to waybills, and the fetch engine's guarantees."""

from __future__ import annotations

import base64
import dataclasses
import threading
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import engine
from app.core.codes import LABEL_CORRUPT, LABEL_MISSING, NO_ANSWER, NOT_FETCHED, WAYBILL_REUSED
from app.core.engine import (
    fetch_waybills,
    to_waybill,
)
from app.core.model import ApiItem, Hint, OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.core.waybill_owners import WAYBILL_REUSED_HINT, MemoryOwners

LABEL = (
    "<!DOCTYPE html><html><head><style>@page { size: 100mm 150mm }</style></head>"
    "<body>SF1234567890</body></html>"
)
LABEL_B64 = base64.b64encode(LABEL.encode()).decode()
DATA = (("SF_bagAddr", "广州"),)


def ok_item(ref: OrderRef, print_html: str = LABEL_B64, order_status: int | None = 0) -> ApiItem:
    return ApiItem(
        ref=ref,
        errcode=0,
        errmsg="ok",
        waybill_id=f"W-{ref.order_id}",
        print_html=print_html,
        waybill_data=DATA,
        order_status=order_status,
    )


# --- to_waybill ------------------------------------------------------------------------

REF = OrderRef("A1", "SF")


def test_an_answered_order_is_printable_with_its_page_size() -> None:
    waybill = to_waybill(ok_item(REF))
    assert waybill.status is WaybillStatus.OK
    assert waybill.printable
    assert (waybill.ref, waybill.errcode, waybill.waybill_id) == (REF, 0, "W-A1")
    assert waybill.html == LABEL
    assert waybill.page_size == PageSizeMm(100.0, 150.0)
    assert waybill.waybill_data == DATA


def test_a_label_without_page_rule_has_no_page_size() -> None:
    html = "<html><body>x</body></html>"
    waybill = to_waybill(ok_item(REF, base64.b64encode(html.encode()).decode()))
    assert (waybill.status, waybill.html, waybill.page_size) == (WaybillStatus.OK, html, None)


def test_an_order_error_keeps_the_servers_code_message_and_hint() -> None:
    hint = Hint("check the order id", "请核对订单号")
    item = ApiItem(REF, 930563, "order not exist", waybill_id=None, print_html="", hint=hint)
    waybill = to_waybill(item)
    assert (waybill.status, waybill.errcode, waybill.errmsg, waybill.hint) == (
        WaybillStatus.ERROR,
        930563,
        "order not exist",
        hint,
    )
    assert not waybill.printable
    assert waybill.html is None


def test_an_error_item_is_an_error_even_with_a_label() -> None:
    waybill = to_waybill(ApiItem(REF, 9300502, "carrier busy", print_html=LABEL_B64))
    assert waybill.status is WaybillStatus.ERROR
    assert waybill.html is None


def test_a_cancelled_order_shows_its_label_but_is_not_printable() -> None:
    waybill = to_waybill(ok_item(REF, order_status=1))
    assert waybill.status is WaybillStatus.CANCELLED
    assert waybill.html == LABEL
    assert waybill.page_size == PageSizeMm(100.0, 150.0)
    assert not waybill.printable
    assert waybill.hint == engine.CANCELLED_HINT


def test_a_cancelled_order_with_a_bad_label_is_still_cancelled() -> None:
    waybill = to_waybill(ok_item(REF, print_html="!!", order_status=1))
    assert (waybill.status, waybill.html, waybill.printable) == (
        WaybillStatus.CANCELLED,
        None,
        False,
    )


def test_an_empty_label_is_a_missing_label_error() -> None:
    waybill = to_waybill(ok_item(REF, print_html=""))
    assert (waybill.status, waybill.errcode, waybill.errmsg) == (
        WaybillStatus.ERROR,
        LABEL_MISSING,
        "label missing",
    )
    assert waybill.hint == engine.LABEL_MISSING_HINT
    assert waybill.waybill_id == "W-A1"
    assert not waybill.printable


@pytest.mark.parametrize(
    "print_html",
    ["!!not base64!!", base64.b64encode(b"placeholder").decode(), "/w=="],
)
def test_a_damaged_label_is_a_corrupt_label_error(print_html: str) -> None:
    waybill = to_waybill(ok_item(REF, print_html=print_html))
    assert (waybill.status, waybill.errcode, waybill.errmsg) == (
        WaybillStatus.ERROR,
        LABEL_CORRUPT,
        "label corrupt",
    )
    assert waybill.hint == engine.LABEL_CORRUPT_HINT
    assert waybill.extra["label_error"]


def test_local_codes_are_distinct_and_negative() -> None:
    codes = [LABEL_MISSING, LABEL_CORRUPT, NO_ANSWER, NOT_FETCHED]
    assert len(set(codes)) == 4
    assert all(code < -1000 for code in codes)


_items = st.builds(
    ApiItem,
    ref=st.builds(OrderRef, st.text(), st.text(), st.none() | st.text()),
    errcode=st.sampled_from([0, 0, 0, -1, 40001, 930563]) | st.integers(),
    errmsg=st.text(),
    waybill_id=st.none() | st.text(),
    print_html=st.sampled_from(["", LABEL_B64, "QUJD"])
    | st.text()
    | st.binary().map(lambda raw: base64.b64encode(raw).decode()),
    waybill_data=st.lists(st.tuples(st.text(), st.text())).map(tuple),
    order_status=st.none() | st.sampled_from([0, 1]) | st.integers(),
)


@given(_items)
def test_to_waybill_never_raises_and_only_ok_is_printable(item: ApiItem) -> None:
    waybill = to_waybill(item)
    assert waybill.ref == item.ref
    assert waybill.printable == (waybill.status is WaybillStatus.OK)
    if item.errcode != 0:
        assert (waybill.status, waybill.errcode) == (WaybillStatus.ERROR, item.errcode)
    elif item.order_status == 1:
        assert waybill.status is WaybillStatus.CANCELLED
    if waybill.status is WaybillStatus.ERROR:
        assert waybill.errcode != 0


# --- fetch_waybills --------------------------------------------------------------------


class FakeSource:
    """A WaybillSource answering from a function, in batches, in reverse order per batch."""

    def __init__(
        self,
        answer: Callable[[OrderRef], ApiItem | None],
        *,
        batch_size: int = 2,
        extra: Sequence[ApiItem] = (),
        cancel_after_batches: int | None = None,
    ) -> None:
        self.answer = answer
        self.batch_size = batch_size
        self.extra = list(extra)
        self.cancel_after_batches = cancel_after_batches
        self.calls: list[list[OrderRef]] = []

    def batch_get_orders(
        self,
        refs: Sequence[OrderRef],
        *,
        on_batch: Callable[[list[ApiItem]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[ApiItem]:
        self.calls.append(list(refs))
        result: list[ApiItem] = []
        for start in range(0, len(refs), self.batch_size):
            if cancel is not None and cancel.is_set():
                break
            batch = [
                item
                for item in (self.answer(ref) for ref in refs[start : start + self.batch_size])
                if item is not None
            ]
            batch.reverse()
            if start == 0:
                batch += self.extra
            result += batch
            if on_batch is not None:
                on_batch(batch)
            done = start // self.batch_size + 1
            if cancel is not None and done == self.cancel_after_batches:
                cancel.set()
        return result


def refs_of(count: int) -> list[OrderRef]:
    return [OrderRef(f"O{i}", "SF") for i in range(count)]


def test_one_waybill_per_ref_in_input_order() -> None:
    refs = refs_of(5)
    source = FakeSource(ok_item)
    waybills = fetch_waybills(source, refs)
    assert [waybill.ref for waybill in waybills] == refs
    assert all(waybill.printable for waybill in waybills)
    assert [waybill.waybill_id for waybill in waybills] == [f"W-O{i}" for i in range(5)]
    assert source.calls == [refs]


def test_batches_are_reported_as_waybills() -> None:
    refs = refs_of(5)
    batches: list[list[Waybill]] = []
    waybills = fetch_waybills(FakeSource(ok_item), refs, on_batch=batches.append)
    assert [[w.ref.order_id for w in batch] for batch in batches] == [
        ["O1", "O0"],
        ["O3", "O2"],
        ["O4"],
    ]
    assert sorted((w for batch in batches for w in batch), key=lambda w: w.ref.order_id) == (
        waybills
    )


def test_unanswered_refs_become_no_answer_errors() -> None:
    refs = refs_of(4)
    source = FakeSource(lambda ref: None if ref.order_id in ("O1", "O3") else ok_item(ref))
    waybills = fetch_waybills(source, refs)
    assert [w.status for w in waybills] == [
        WaybillStatus.OK,
        WaybillStatus.ERROR,
        WaybillStatus.OK,
        WaybillStatus.ERROR,
    ]
    missing = waybills[1]
    assert (missing.ref, missing.errcode, missing.errmsg, missing.hint) == (
        refs[1],
        NO_ANSWER,
        "no answer for this order",
        engine.NO_ANSWER_HINT,
    )


def test_extra_and_mismatched_items_are_ignored() -> None:
    refs = refs_of(2)
    stranger = ok_item(OrderRef("O0", "ZTO"))  # same order id, other carrier
    batches: list[list[Waybill]] = []
    source = FakeSource(ok_item, extra=[stranger, ok_item(OrderRef("X", "SF"))])
    waybills = fetch_waybills(source, refs, on_batch=batches.append)
    assert [w.ref for w in waybills] == refs
    assert all(w.printable for w in waybills)
    assert {w.ref for batch in batches for w in batch} == set(refs)


def test_a_duplicate_answer_uses_the_first() -> None:
    ref = OrderRef("O0", "SF")
    source = FakeSource(ok_item, extra=[ApiItem(ref, 930563, "order not exist")])
    assert fetch_waybills(source, [ref])[0].status is WaybillStatus.OK


def test_the_callers_ref_is_kept_when_the_item_differs_in_waybill_id() -> None:
    ref = OrderRef("O0", "SF", "MINE")
    source = FakeSource(lambda r: ok_item(OrderRef(r.order_id, r.delivery_id)))
    assert fetch_waybills(source, [ref])[0].ref == ref


def test_repeated_refs_each_get_the_answer() -> None:
    ref = OrderRef("O0", "SF")
    waybills = fetch_waybills(FakeSource(ok_item), [ref, ref])
    assert [w.ref for w in waybills] == [ref, ref]
    assert all(w.printable for w in waybills)


def test_each_kind_of_answer_comes_through() -> None:
    answers = {
        "ok": ok_item(OrderRef("ok", "SF")),
        "gone": ok_item(OrderRef("gone", "SF"), order_status=1),
        "empty": ok_item(OrderRef("empty", "SF"), print_html=""),
        "junk": ok_item(OrderRef("junk", "SF"), print_html="@@"),
        "err": ApiItem(OrderRef("err", "SF"), 9300503, "delivery id not exist"),
    }
    refs = [OrderRef(name, "SF") for name in answers]
    waybills = fetch_waybills(FakeSource(lambda ref: answers[ref.order_id]), refs)
    assert [(w.status, w.errcode) for w in waybills] == [
        (WaybillStatus.OK, 0),
        (WaybillStatus.CANCELLED, 0),
        (WaybillStatus.ERROR, LABEL_MISSING),
        (WaybillStatus.ERROR, LABEL_CORRUPT),
        (WaybillStatus.ERROR, 9300503),
    ]


def test_cancel_marks_the_rest_not_fetched() -> None:
    refs = refs_of(5)
    cancel = threading.Event()
    batches: list[list[Waybill]] = []
    source = FakeSource(ok_item, cancel_after_batches=1)
    waybills = fetch_waybills(source, refs, on_batch=batches.append, cancel=cancel)
    assert cancel.is_set()
    assert [w.status for w in waybills[:2]] == [WaybillStatus.OK, WaybillStatus.OK]
    assert [(w.ref, w.errcode, w.hint) for w in waybills[2:]] == [
        (ref, NOT_FETCHED, engine.NOT_FETCHED_HINT) for ref in refs[2:]
    ]
    assert len(batches) == 1


def test_on_batch_is_never_called_twice_at_once() -> None:
    refs = refs_of(40)
    inside = threading.Semaphore(1)
    overlaps: list[int] = []
    seen: list[OrderRef] = []

    class ThreadedSource:
        def batch_get_orders(
            self,
            refs: Sequence[OrderRef],
            *,
            on_batch: Callable[[list[ApiItem]], None] | None = None,
            cancel: threading.Event | None = None,
        ) -> list[ApiItem]:
            items = [ok_item(ref) for ref in refs]
            chunks = [items[i : i + 4] for i in range(0, len(items), 4)]
            assert on_batch is not None
            workers = [threading.Thread(target=on_batch, args=(chunk,)) for chunk in chunks]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            return items

    def record(batch: list[Waybill]) -> None:
        if not inside.acquire(blocking=False):
            overlaps.append(1)
            return
        try:
            threading.Event().wait(0.005)  # widen the window another thread could enter
            seen.extend(w.ref for w in batch)
        finally:
            inside.release()

    waybills = fetch_waybills(ThreadedSource(), refs, on_batch=record)
    assert overlaps == []
    assert sorted(seen, key=lambda r: int(r.order_id[1:])) == refs
    assert [w.ref for w in waybills] == refs


def test_errors_from_the_source_propagate() -> None:
    def broken(ref: OrderRef) -> ApiItem:
        raise RuntimeError("source bug")

    with pytest.raises(RuntimeError, match="source bug"):
        fetch_waybills(FakeSource(broken), refs_of(1))


# --- one waybill id, one order ---------------------------------------------------------


def test_a_waybill_id_answered_for_a_second_order_is_that_orders_error() -> None:
    def same_waybill(ref: OrderRef) -> ApiItem:
        return dataclasses.replace(ok_item(ref), waybill_id="W-SAME")

    refs = [OrderRef("A", "SF"), OrderRef("B", "SF"), OrderRef("A", "SF")]
    waybills = fetch_waybills(FakeSource(same_waybill), refs)
    assert [w.status for w in waybills] == [WaybillStatus.OK, WaybillStatus.ERROR, WaybillStatus.OK]
    reused = waybills[1]
    assert (reused.errcode, reused.html, reused.printable) == (WAYBILL_REUSED, None, False)
    assert "order A" in reused.errmsg and reused.hint is WAYBILL_REUSED_HINT


def test_owners_kept_by_the_caller_span_fetches_and_a_refetch_keeps_its_waybill() -> None:
    owners = MemoryOwners()

    def same_waybill(ref: OrderRef) -> ApiItem:
        return dataclasses.replace(ok_item(ref), waybill_id="W-SAME")

    source = FakeSource(same_waybill)
    assert fetch_waybills(source, [OrderRef("A", "SF")], owners=owners)[0].printable
    assert fetch_waybills(source, [OrderRef("A", "SF")], owners=owners)[0].printable
    (second,) = fetch_waybills(source, [OrderRef("A", "ZTO")], owners=owners)
    assert second.errcode == WAYBILL_REUSED
    assert fetch_waybills(source, [OrderRef("A", "ZTO")])[0].printable  # a fresh record
