"""History search, the CSV export for Excel, and retention pruning."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.history_export import CSV_COLUMNS, export_csv, format_time
from app.core.ledger import Ledger
from app.core.ledger_records import HistoryFilter, OrderState, PrintOutcome
from app.core.model import OrderRef
from tests.unit.core.ledger_support import StepClock, error_waybill, ok_waybill


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def ledger(tmp_path: Path, clock: StepClock) -> Iterator[Ledger]:
    with Ledger(tmp_path / "ledger.sqlite3", clock=clock) as opened:
        yield opened


def printed(ledger: Ledger, ref: OrderRef, waybill_id: str, *, reprints: int = 0) -> int:
    [row] = ledger.record_queued([ref])
    ledger.record_fetch_started([row])
    ledger.record_fetch_result(row, ok_waybill(ref, waybill_id))
    ledger.finish_print(
        ledger.begin_print(row, waybill_id=waybill_id, printer="P1", copies=1), ok=True
    )
    for _ in range(reprints):
        again = ledger.begin_print(row, waybill_id=waybill_id, printer="P2", copies=1, reprint=True)
        ledger.finish_print(again, ok=True)
    return row


def test_search_matches_substrings_newest_first(ledger: Ledger) -> None:
    a = printed(ledger, OrderRef("2024-AAA-1", "SF"), "SF111")
    b = printed(ledger, OrderRef("2024-BBB-2", "ZTO"), "ZT222")
    c = printed(ledger, OrderRef("2024-AAA-3", "SF"), "SF333")
    assert [r.order_row_id for r in ledger.search()] == [c, b, a]
    assert [r.order_row_id for r in ledger.search(HistoryFilter(order_id="aaa"))] == [c, a]
    assert [r.order_row_id for r in ledger.search(HistoryFilter(waybill_id="222"))] == [b]
    assert [r.order_row_id for r in ledger.search(HistoryFilter(delivery_id="SF"))] == [c, a]
    assert [
        r.order_row_id for r in ledger.search(HistoryFilter(order_id="AAA", waybill_id="111"))
    ] == [a]
    assert ledger.search(HistoryFilter(order_id="%")) == []  # wildcards are literal
    assert [r.order_row_id for r in ledger.search(limit=1)] == [c]


def test_count_matches_search_without_limit_and_pages_follow_each_other(ledger: Ledger) -> None:
    rows = ledger.record_queued([OrderRef(f"PG-{n:04d}", "SF") for n in range(1_234)])
    newest_first = list(reversed(rows))
    assert ledger.count() == 1_234
    assert ledger.count(HistoryFilter(order_id="PG-00")) == 100
    assert ledger.count(HistoryFilter(order_id="nothing")) == 0
    pages = [ledger.search(limit=500, offset=n * 500) for n in range(3)]
    assert [len(p) for p in pages] == [500, 500, 234]
    assert [r.order_row_id for p in pages for r in p] == newest_first
    assert ledger.search(limit=500, offset=1_500) == []


def test_search_by_time_uses_last_activity(ledger: Ledger, clock: StepClock) -> None:
    old = printed(ledger, OrderRef("OLD", "SF"), "SF1")
    clock.advance_days(1)
    middle = clock.now
    new = printed(ledger, OrderRef("NEW", "SF"), "SF2")
    assert [r.order_row_id for r in ledger.search(HistoryFilter(since=middle))] == [new]
    assert [r.order_row_id for r in ledger.search(HistoryFilter(until=middle))] == [old]
    clock.advance_days(1)
    again = ledger.begin_print(old, waybill_id="SF1", printer="P", copies=1, reprint=True)
    ledger.finish_print(again, ok=True)  # a reprint today brings the old order to the top
    assert [r.order_row_id for r in ledger.search()] == [old, new]


def test_history_rows_summarise_fetch_and_prints(ledger: Ledger) -> None:
    row = printed(ledger, OrderRef("O-1", "SF"), "SF1", reprints=2)
    failed = ledger.begin_print(row, waybill_id="SF1", printer="P3", copies=1, reprint=True)
    ledger.finish_print(failed, ok=False, message="paper out")
    [bad] = ledger.record_queued([OrderRef("O-2", "SF")])
    ledger.record_fetch_result(bad, error_waybill(OrderRef("O-2", "SF")))
    history = {r.order_row_id: r for r in ledger.search()}
    good = history[row]
    assert (good.prints, good.reprints, good.attempts) == (3, 2, 4)
    assert (good.last_printer, good.last_outcome) == ("P3", PrintOutcome.FAILED)
    assert (good.fetch_status, good.state, good.waybill_id) == ("ok", OrderState.PRINTED, "SF1")
    assert [a.printer for a in ledger.attempts(row)] == ["P1", "P2", "P2", "P3"]
    miss = history[bad]
    assert (miss.fetch_status, miss.errcode, miss.prints, miss.last_printer) == (
        "error",
        930563,
        0,
        None,
    )


def test_csv_export_opens_in_excel_with_chinese_intact(ledger: Ledger, tmp_path: Path) -> None:
    printed(ledger, OrderRef("订单-001", "SF"), "SF1", reprints=1)
    [bad] = ledger.record_queued([OrderRef("=HYPERLINK(1)", "SF")])
    ledger.record_fetch_result(
        bad, error_waybill(OrderRef("=HYPERLINK(1)", "SF"), errmsg="订单不存在")
    )
    rows = ledger.search()
    target = tmp_path / "history.csv"
    assert Ledger.export_csv(rows, target) == 2
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    with target.open(encoding="utf-8-sig", newline="") as stream:
        table = list(csv.reader(stream))
    assert tuple(table[0]) == CSV_COLUMNS
    error_line, ok_line = (dict(zip(CSV_COLUMNS, line, strict=True)) for line in table[1:])
    assert ok_line["order_id"] == "订单-001"
    assert ok_line["waybill_id"] == "SF1"
    assert (ok_line["prints"], ok_line["reprints"], ok_line["last_printer"]) == ("2", "1", "P2")
    assert ok_line["last_print_outcome"] == "spooled"
    assert ok_line["time"] == format_time(rows[1].time)
    assert error_line["message"] == "订单不存在"
    assert error_line["errcode"] == "930563"
    assert error_line["order_id"] == "'=HYPERLINK(1)"  # not a formula in a spreadsheet
    assert error_line["last_print_time"] == ""


def test_csv_export_to_an_open_stream(ledger: Ledger) -> None:
    printed(ledger, OrderRef("单号", "SF"), "SF1")
    stream = io.StringIO(newline="")
    assert export_csv(ledger.search(), stream) == 1
    text = stream.getvalue()
    assert text.startswith("\ufefftime,order_id")
    assert "单号" in text


def test_prune_deletes_idle_orders_with_their_records(
    ledger: Ledger, clock: StepClock, tmp_path: Path
) -> None:
    old = printed(ledger, OrderRef("OLD", "SF"), "SF-OLD")
    revived = printed(ledger, OrderRef("REVIVED", "SF"), "SF-REV")
    clock.advance_days(40)
    again = ledger.begin_print(revived, waybill_id="SF-REV", printer="P", copies=1, reprint=True)
    ledger.finish_print(again, ok=True)
    fresh = printed(ledger, OrderRef("FRESH", "SF"), "SF-NEW")
    assert ledger.prune(30) == 1
    assert {r.order_row_id for r in ledger.search()} == {revived, fresh}
    assert ledger.attempts(old) == []
    assert ledger.stored_waybill(old) is None
    assert not ledger.was_printed("SF-OLD")
    assert ledger.was_printed("SF-REV")
    assert ledger.prune(30) == 0
    with pytest.raises(ValueError, match="negative"):
        ledger.prune(-1)
