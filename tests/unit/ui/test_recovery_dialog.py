"""Unfinished work of an earlier run: back into the queue, and prints of unknown outcome
settled only by the packer's answer (recorded with `confirm_print`), never reprinted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome, Recovery
from app.core.model import OrderRef
from app.printing.ledger_guard import LedgerRows
from app.ui.background import BackgroundRunner
from app.ui.queue_model import OrderQueueModel, RowState
from app.ui.recovery_dialog import RecoveryDialog, recovery_notice, restore_unfinished
from tests.unit.ui.ledger_support import stored_label


@pytest.fixture
def runner(qapp: object) -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()
    runner.deleteLater()


def earlier_run(path: Path) -> tuple[dict[str, int], list[int]]:
    """Q queued; F fetched; U1 and U2 printing when the program died."""
    ledger = Ledger(path)
    names = ("Q", "F", "U1", "U2")
    rows = dict(zip(names, ledger.record_queued([OrderRef(n, "SF") for n in names]), strict=True))
    prints = []
    for n, name in enumerate(names[1:], start=1):
        ledger.record_fetch_result(rows[name], stored_label(name, f"SF000000000000{n}"))
    for n, name in enumerate(("U1", "U2"), start=2):
        prints.append(
            ledger.begin_print(rows[name], waybill_id=f"SF000000000000{n}", printer="L", copies=1)
        )
    return rows, prints  # never closed: the program died


def recovered(path: Path) -> tuple[Ledger, Recovery]:
    """A new run, which finds the earlier run's process gone."""
    ledger = Ledger(path, process_alive=lambda _host, _pid: False)
    return ledger, ledger.recover()


def test_restore_puts_queued_and_ready_rows_back(tmp_path: Path, qapp: object) -> None:
    rows, _prints = earlier_run(tmp_path / "l.sqlite3")
    ledger, recovery = recovered(tmp_path / "l.sqlite3")
    model, ids = OrderQueueModel(), LedgerRows()
    restored = restore_unfinished(model, recovery, ids)
    assert (restored.queued, restored.ready, restored.unknown) == (1, 1, 2)
    assert [(r.ref.order_id, r.state) for r in model.rows()] == [
        ("Q", RowState.QUEUED),
        ("F", RowState.READY),
    ]
    assert model.row_at(1).waybill == stored_label("F", "SF0000000000001")
    assert ids.snapshot() == {("Q", "SF"): rows["Q"], ("F", "SF"): rows["F"]}
    notice = recovery_notice(restored)
    assert "1 order" in notice and "1 label" in notice and "2 print" in notice
    # restoring again adds nothing twice
    assert restore_unfinished(model, recovery, ids).ready == 0 and model.rowCount() == 2
    ledger.close()


def test_answers_are_recorded_and_a_label_that_did_not_come_out_is_ready_again(
    tmp_path: Path, qtbot: QtBot, runner: BackgroundRunner
) -> None:
    rows, prints = earlier_run(tmp_path / "l.sqlite3")
    ledger, recovery = recovered(tmp_path / "l.sqlite3")
    model, ids = OrderQueueModel(), LedgerRows()
    dialog = RecoveryDialog(ledger, recovery.unknown_prints, runner, model, ids)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(n, 0).text() for n in range(2)] == [
        "SF0000000000002",
        "SF0000000000003",
    ]
    with qtbot.waitSignal(dialog.confirmed, timeout=10_000):
        dialog.printed_button.click()  # row 0 is selected at first
    dialog.table.selectRow(1)
    with qtbot.waitSignal(dialog.confirmed, timeout=10_000) as second:
        dialog.not_printed_button.click()
    assert second.args == [prints[1], False]
    outcomes = [ledger.attempts(rows[n])[0].outcome for n in ("U1", "U2")]
    assert outcomes == [PrintOutcome.CONFIRMED_PRINTED, PrintOutcome.CONFIRMED_NOT_PRINTED]
    assert [dialog.table.item(n, 3).text() for n in range(2)] == ["came out", "not printed"]
    # only the label that did not come out is offered again, as a ready row (not printed)
    assert [(r.ref.order_id, r.state) for r in model.rows()] == [("U2", RowState.READY)]
    assert ids.get(("U2", "SF")) == rows["U2"]
    assert not dialog.answer(1, True)  # each print is answered once
    assert dialog.errors == []
    ledger.close()
