"""`BatchRun`: every crash window between ledger and output, replayed step by step.

A real SQLite ledger in a temp folder; a "program restart" is a second `Ledger` on the same
file (a new run) whose `recover` settles what the first one left. The sink writes real
files the way the PDF sink does (atomic, named by waybill) and counts its outputs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from app.core.batch_run import (
    ALREADY_PRINTED,
    NO_WAYBILL_ID,
    OUTPUT_FAILED,
    BatchRun,
)
from app.core.ledger import Ledger
from app.core.ledger_records import OrderState, PrintOutcome
from app.core.model import ApiItem, OrderRef, Waybill
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.ledger_guard import command_line_guard
from tests.unit.core.ledger_support import StepClock, error_waybill, ok_waybill

REF = OrderRef("O1", "SF")


class FileSink:
    """Writes `<waybill>.pdf` into a folder (or fails when told to); counts its outputs."""

    def __init__(self, folder: Path, target: str = "pdf", fail: bool = False) -> None:
        self.folder = folder
        self.target = target
        self.fail = fail
        self.outputs: list[str] = []

    @property
    def name(self) -> str:
        return str(self.folder) if self.target == "pdf" else "Bench"

    def path(self, waybill: Waybill) -> Path:
        return self.folder / f"{waybill.waybill_id}.pdf"

    def finished_file(self, waybill: Waybill) -> str | None:
        path = self.path(waybill)
        return str(path) if self.target == "pdf" and path.exists() else None

    def follows(self, result: PrintResult) -> bool:
        return False

    def follow(self, result: PrintResult) -> PrintResult:
        return result

    def output(self, waybill: Waybill, *, copies: int) -> PrintResult:
        self.outputs.append(str(waybill.waybill_id))
        if self.fail:
            return PrintResult(OutcomeKind.REFUSED, "out of paper")
        if self.target == "printer":
            return PrintResult(OutcomeKind.SPOOLED, "sent to Bench")
        self.folder.mkdir(exist_ok=True)
        self.path(waybill).write_text(str(waybill.html), encoding="utf-8")
        return PrintResult(OutcomeKind.SPOOLED, "written", pdf_path=str(self.path(waybill)))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


def _restart(db: Path, clock: StepClock) -> Ledger:
    return Ledger(db, clock=clock)


def _fetched(db: Path, clock: StepClock, waybill: Waybill) -> int:
    with Ledger(db, clock=clock) as ledger:
        [row] = ledger.record_queued([waybill.ref])
        ledger.record_fetch_started([row])
        ledger.record_fetch_result(row, waybill)
    return row


def test_pdf_written_and_recorded_closes_the_order_once(db: Path, tmp_path: Path) -> None:
    clock = StepClock()
    sink = FileSink(tmp_path / "pdf")
    with Ledger(db, clock=clock) as ledger:
        run = _run(ledger)
        [row], [wb] = run.queue_and_fetch(_Source([ok_waybill(REF, "W1")]), [REF])
        result = run.put_out(row, wb, sink)
        assert result.ok and result.pdf_path == str(sink.path(wb))
        assert ledger.search()[0].state is OrderState.DONE
    with _restart(db, clock) as ledger:
        assert ledger.recover().empty


def test_kill_after_the_file_before_the_record_is_settled_by_the_file(
    db: Path, tmp_path: Path
) -> None:
    clock = StepClock()
    wb = ok_waybill(REF, "W1")
    row = _fetched(db, clock, wb)
    sink = FileSink(tmp_path / "pdf")
    with Ledger(db, clock=clock) as ledger:  # begin_print, the file, then the "kill"
        ledger.begin_print(row, waybill_id="W1", printer=sink.name, copies=1, target="pdf")
        sink.output(wb, copies=1)
    sink.outputs.clear()
    with _restart(db, clock) as ledger:
        [again] = ledger.recover().unprinted
        result = _run(ledger).put_out(again.order_row_id, again.waybill, sink)
        assert result.ok and result.pdf_path == str(sink.path(wb))
        assert sink.outputs == []  # not written a second time
        attempts = ledger.attempts(row)
        assert [a.outcome for a in attempts] == [PrintOutcome.FAILED, PrintOutcome.SPOOLED]
        assert ledger.search()[0].state is OrderState.DONE


def test_kill_before_the_file_writes_it_on_resume(db: Path, tmp_path: Path) -> None:
    clock = StepClock()
    wb = ok_waybill(REF, "W1")
    row = _fetched(db, clock, wb)
    sink = FileSink(tmp_path / "pdf")
    with Ledger(db, clock=clock) as ledger:
        ledger.begin_print(row, waybill_id="W1", printer=sink.name, copies=1, target="pdf")
    with _restart(db, clock) as ledger:
        [again] = ledger.recover().unprinted
        assert _run(ledger).put_out(again.order_row_id, again.waybill, sink).ok
        assert sink.outputs == ["W1"]


def test_kill_after_the_record_before_closing_only_closes(db: Path, tmp_path: Path) -> None:
    clock = StepClock()
    wb = ok_waybill(REF, "W1")
    row = _fetched(db, clock, wb)
    sink = FileSink(tmp_path / "pdf")
    with Ledger(db, clock=clock) as ledger:
        pid = ledger.begin_print(row, waybill_id="W1", printer=sink.name, copies=1, target="pdf")
        ledger.finish_print(pid, ok=True, pdf_path=str(sink.path(wb)))
    with _restart(db, clock) as ledger:
        [again] = ledger.recover().unprinted
        result = _run(ledger).put_out(again.order_row_id, again.waybill, sink)
        assert result.ok and result.print_id == pid
        assert sink.outputs == []
        assert len(ledger.attempts(row)) == 1
        assert ledger.recover().empty


def test_a_file_of_another_folder_does_not_settle(db: Path, tmp_path: Path) -> None:
    clock = StepClock()
    wb = ok_waybill(REF, "W1")
    row = _fetched(db, clock, wb)
    with Ledger(db, clock=clock) as ledger:
        ledger.begin_print(row, waybill_id="W1", printer="/elsewhere", copies=1, target="pdf")
    sink = FileSink(tmp_path / "pdf")
    sink.output(wb, copies=1)  # a file from something else, same name
    with _restart(db, clock) as ledger:
        [again] = ledger.recover().unprinted
        assert _run(ledger).put_out(again.order_row_id, again.waybill, sink).ok
        assert sink.outputs == ["W1", "W1"]


def test_printer_print_of_unknown_outcome_is_refused_not_reprinted(
    db: Path, tmp_path: Path
) -> None:
    clock = StepClock()
    wb = ok_waybill(REF, "W1")
    row = _fetched(db, clock, wb)
    sink = FileSink(tmp_path, target="printer")
    with Ledger(db, clock=clock) as ledger:
        ledger.begin_print(row, waybill_id="W1", printer="Bench", copies=1)
    with _restart(db, clock) as ledger:
        recovery = ledger.recover()
        assert recovery.unprinted == () and len(recovery.unknown_prints) == 1
        result = _run(ledger).put_out(row, wb, sink)
        assert not result.ok and result.errcode == ALREADY_PRINTED
        assert "may already be printed on Bench" in result.message
        assert "--reprint" in result.message
        assert sink.outputs == []
        reprinted = _run(ledger).put_out(row, wb, sink, reprint=True)
        assert reprinted.ok and sink.outputs == ["W1"]
        assert ledger.attempts(row)[-1].is_reprint


def test_printed_waybill_is_refused_with_printer_and_time(db: Path, tmp_path: Path) -> None:
    clock = StepClock()
    sink = FileSink(tmp_path, target="printer")
    with Ledger(db, clock=clock) as ledger:
        run = _run(ledger)
        [row], [wb] = run.queue_and_fetch(_Source([ok_waybill(REF, "W1")]), [REF])
        assert run.put_out(row, wb, sink).ok
        # scanned again: a new ledger order
        [row2], [wb2] = run.queue_and_fetch(_Source([ok_waybill(REF, "W1")]), [REF])
        assert row2 != row
        refused = run.put_out(row2, wb2, sink)
        assert refused.errcode == ALREADY_PRINTED
        assert refused.message.startswith("already printed on Bench at ")
        assert refused.message.endswith("; use --reprint to print again")
        assert sink.outputs == ["W1"]
        states = {r.order_row_id: r.state for r in ledger.search()}
        assert states == {row: OrderState.PRINTED, row2: OrderState.DONE}


def test_failed_output_keeps_the_order_for_resume(db: Path, tmp_path: Path) -> None:
    clock = StepClock()
    sink = FileSink(tmp_path, target="printer", fail=True)
    with Ledger(db, clock=clock) as ledger:
        run = _run(ledger)
        [row], [wb] = run.queue_and_fetch(_Source([ok_waybill(REF, "W1")]), [REF])
        result = run.put_out(row, wb, sink)
        assert (result.ok, result.errcode, result.message) == (False, OUTPUT_FAILED, "out of paper")
    with _restart(db, clock) as ledger:
        [again] = ledger.recover().unprinted
        assert again.waybill.waybill_id == "W1"


def test_label_without_waybill_id_is_not_printed(db: Path, tmp_path: Path) -> None:
    sink = FileSink(tmp_path)
    with Ledger(db, clock=StepClock()) as ledger:
        run = _run(ledger)
        wb = ok_waybill(REF, "W1")
        no_id = Waybill(REF, wb.status, 0, "ok", None, wb.html, wb.page_size)
        [row], [fetched] = run.queue_and_fetch(_Source([no_id]), [REF])
        assert fetched.waybill_id is None and fetched.html
        result = run.put_out(row, fetched, sink)
        assert result.errcode == NO_WAYBILL_ID and sink.outputs == []
        assert ledger.attempts(row) == []


def test_answers_are_stored_as_batches_arrive_and_the_rest_is_recovered(db: Path) -> None:
    clock = StepClock()
    refs = [OrderRef(f"O{n}", "SF") for n in range(4)]
    first = [ok_waybill(refs[0], "W0"), error_waybill(refs[1])]

    def crash_after_first_batch(on_batch: Callable[[list[ApiItem]], None] | None) -> None:
        raise RuntimeError("killed")

    with Ledger(db, clock=clock) as ledger, pytest.raises(RuntimeError):
        _run(ledger).queue_and_fetch(_Source(first, then=crash_after_first_batch), refs)
    with _restart(db, clock) as ledger:
        recovery = ledger.recover()
        assert [r.ref for r in recovery.unfetched] == refs[2:]
        assert [r.waybill.waybill_id for r in recovery.unprinted] == ["W0"]
        states = {r.order_id: r.state for r in ledger.search()}
        assert states["O1"] is OrderState.FAILED


class _Source:
    """A `WaybillSource` answering from given waybills (as raw items), in one batch."""

    def __init__(
        self,
        waybills: Sequence[Waybill],
        then: Callable[[Callable[[list[ApiItem]], None] | None], None] | None = None,
    ) -> None:
        self._items = [_item(w) for w in waybills]
        self._then = then

    def batch_get_orders(
        self,
        refs: Sequence[OrderRef],
        *,
        on_batch: Callable[[list[ApiItem]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[ApiItem]:
        if on_batch is not None:
            on_batch(self._items)
        if self._then is not None:
            self._then(on_batch)
        return self._items


def _item(waybill: Waybill) -> ApiItem:
    import base64

    html = base64.b64encode((waybill.html or "").encode()).decode() if waybill.html else ""
    return ApiItem(
        ref=waybill.ref,
        errcode=waybill.errcode,
        errmsg=waybill.errmsg,
        waybill_id=waybill.waybill_id,
        print_html=html,
        hint=waybill.hint,
    )


def _run(ledger: Ledger) -> BatchRun:
    """A run through the command line's ledger guard, as `fetch`, `resume` and `reprint`."""
    return BatchRun(ledger, command_line_guard(ledger))
