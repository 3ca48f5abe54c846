"""The ledger under concurrent use: one instance from several threads, two on one file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from app.core.ledger import Ledger
from app.core.ledger_records import AlreadyPrinted
from app.core.model import OrderRef
from tests.unit.core.ledger_support import ok_waybill

THREADS = 4
PER_THREAD = 100


def run_together(work: Callable[[int], None], count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def body(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_writes_from_four_threads_all_land(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:

        def work(index: int) -> None:
            for n in range(PER_THREAD):
                ref = OrderRef(f"T{index}-{n:03d}", "SF")
                [row] = ledger.record_queued([ref])
                ledger.record_fetch_result(row, ok_waybill(ref, f"W{index}-{n:03d}"))
                if n % 10 == 0:
                    print_id = ledger.begin_print(
                        row, waybill_id=f"W{index}-{n:03d}", printer=f"P{index}", copies=1
                    )
                    ledger.finish_print(print_id, ok=True)

        assert run_together(work, THREADS) == []
    with Ledger(path) as reopened:
        rows = reopened.search(limit=10_000)
        assert len(rows) == THREADS * PER_THREAD
        assert len({r.order_id for r in rows}) == THREADS * PER_THREAD
        assert all(r.fetch_status == "ok" for r in rows)
        assert sum(r.prints for r in rows) == THREADS * PER_THREAD // 10
        assert reopened.was_printed("W3-090")


def test_two_ledgers_racing_to_print_one_waybill_print_it_once(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    ref = OrderRef("RACE", "SF")
    with Ledger(path) as setup:
        [row] = setup.record_queued([ref])
        setup.record_fetch_result(row, ok_waybill(ref, "SF-RACE"))
    stations = [Ledger(path) for _ in range(THREADS)]
    won: list[int] = []
    refused: list[int] = []
    try:

        def work(index: int) -> None:
            try:
                won.append(
                    stations[index].begin_print(row, waybill_id="SF-RACE", printer="P", copies=1)
                )
            except AlreadyPrinted:
                refused.append(index)

        assert run_together(work, THREADS) == []
    finally:
        for station in stations:
            station.close()
    assert len(won) == 1
    assert len(refused) == THREADS - 1
