"""The window's one print path: guard before and after every job, asking before a label
prints again, refusing a missing printer without a trace, cancelling pending jobs.

The jobs really print (PDF files through the real print queue and QtWebEngine)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.core.print_outcome import PrintResult
from app.core.settings import Settings
from app.printing.guard import PrintRefused, SessionPrintGuard
from app.printing.page_setup import page_size_for
from app.printing.queue import PrintQueue
from app.ui.print_controller import NoPrinter, PrintController
from app.ui.queue_model import OrderQueueModel, RowState
from tests.fixtures.qt import barcode_label_html, dispose, print_queue_idle, wait_until_quiet


def waybill(n: int, *, status: WaybillStatus = WaybillStatus.OK) -> Waybill:
    code = f"SF{n:011d}"
    html = barcode_label_html(code, 100, 150)
    return Waybill(OrderRef(f"O{n}", "SF"), status, 0, "ok", code, html, PageSizeMm(100, 150))


class Asker:
    """Answers the yes/no questions with a fixed answer and remembers them."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.questions: list[tuple[str, str]] = []

    def __call__(self, title: str, question: str) -> bool:
        self.questions.append((title, question))
        return self.answer


class RecordingGuard(SessionPrintGuard):
    """The session guard, remembering how it was called (as the ledger guard will be)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict[str, object]] = []
        self.ended: list[tuple[object, bool, str]] = []

    def before_print(self, waybill: Waybill, **kwargs: object) -> object:  # type: ignore[override]
        self.calls.append({"waybill": waybill.waybill_id, **kwargs})
        return super().before_print(waybill, **kwargs)  # type: ignore[arg-type]

    def after_print(self, token: object, result: PrintResult) -> None:
        self.ended.append((token, result.ok, result.detail))
        super().after_print(token, result)


class Harness:
    def __init__(self, queue: PrintQueue, pdf_dir: Path | None, settings: Settings) -> None:
        self.queue = queue
        self.model = OrderQueueModel()
        self.guard = RecordingGuard()
        self.asker = Asker(False)
        self.pdf_dir = pdf_dir
        self.controller = PrintController(
            self.model, queue, settings, pdf_dir=pdf_dir, guard=self.guard, ask=self.asker
        )
        self.waybills = [waybill(n) for n in (1, 2, 3)] + [
            waybill(4, status=WaybillStatus.CANCELLED)
        ]
        self.model.add_refs(w.ref for w in self.waybills)
        self.model.set_fetching(w.ref.key for w in self.waybills)
        self.model.apply_waybills(self.waybills)

    def states(self) -> list[RowState]:
        return [row.state for row in self.model.rows()]

    def files(self) -> list[str]:
        assert self.pdf_dir is not None
        return sorted(p.name for p in self.pdf_dir.iterdir())

    def wait(self, qtbot: QtBot) -> None:
        qtbot.waitUntil(lambda: self.controller.pending == 0, timeout=60_000)

    def settle(self, qtbot: QtBot) -> None:
        """Until nothing is pending anywhere: before asserting that nothing was printed."""
        wait_until_quiet(
            qtbot, lambda: self.controller.pending == 0 and print_queue_idle(self.queue)
        )


@pytest.fixture
def harness(print_queue: PrintQueue, tmp_path: Path) -> Iterator[Harness]:
    made = Harness(print_queue, tmp_path, Settings())
    yield made
    dispose(made.controller)


def test_every_print_passes_the_guard_before_and_after(harness: Harness, qtbot: QtBot) -> None:
    keys = [w.ref.key for w in harness.waybills]
    result = harness.controller.print_keys(keys, source="all")
    assert result.submitted == 3 and result.cancelled_skipped == 1
    assert harness.states()[:3] == [RowState.PRINTING] * 3
    harness.wait(qtbot)
    assert harness.states() == [RowState.PRINTED] * 3 + [RowState.CANCELLED]
    assert harness.files() == ["SF00000000001.pdf", "SF00000000002.pdf", "SF00000000003.pdf"]
    assert [c["waybill"] for c in harness.guard.calls] == [
        w.waybill_id for w in harness.waybills[:3]
    ]
    first = harness.guard.calls[0]
    assert first["target"] == "pdf" and first["source"] == "all" and first["reprint"] is False
    assert first["copies"] == 1 and first["printer"] == str(harness.pdf_dir)
    assert sorted(t for t, ok, _ in harness.guard.ended if ok) == [0, 1, 2]


def test_a_label_printed_before_prints_again_only_if_the_packer_says_yes(
    harness: Harness, qtbot: QtBot
) -> None:
    first = harness.waybills[0]
    harness.controller.print_waybills([first], reprint=False, source="scan")
    harness.wait(qtbot)
    assert harness.asker.questions == []
    # again: asked, answered no → nothing printed, nothing recorded
    result = harness.controller.print_waybills([first], reprint=False, source="scan")
    assert result.submitted == 0 and result.declined == 1
    assert len(harness.asker.questions) == 1
    assert first.waybill_id in harness.asker.questions[0][1]
    assert harness.controller.pending == 0 and len(harness.guard.prints) == 1
    assert harness.files() == ["SF00000000001.pdf"]
    # answered yes → printed once more, as a reprint
    harness.asker.answer = True
    result = harness.controller.print_waybills([first], reprint=False, source="scan")
    assert result.submitted == 1 and result.reprinted == 1
    harness.wait(qtbot)
    assert [(p.reprint, p.ok) for p in harness.guard.prints] == [(False, True), (True, True)]
    assert harness.files() == ["SF00000000001-2.pdf", "SF00000000001.pdf"]


def test_a_printed_row_chosen_on_purpose_is_a_reprint_without_asking(
    harness: Harness, qtbot: QtBot
) -> None:
    key = harness.waybills[1].ref.key
    assert harness.controller.print_keys([key]).refused == []
    harness.wait(qtbot)
    assert harness.controller.print_keys([key]).refused[0][1] == "it was printed already"
    assert harness.controller.print_keys([key], reprint=True).submitted == 1
    harness.wait(qtbot)
    assert harness.asker.questions == []
    assert [p.reprint for p in harness.guard.prints] == [False, True]


def test_a_guard_refusal_prints_nothing_and_says_why(
    print_queue: PrintQueue, tmp_path: Path
) -> None:
    harness = Harness(print_queue, tmp_path, Settings())

    def refuse(waybill: Waybill, **_kwargs: object) -> object:
        raise PrintRefused("the ledger is read-only")

    harness.guard.before_print = refuse  # type: ignore[method-assign]
    result = harness.controller.print_waybills(harness.waybills[:2], reprint=False, source="x")
    assert result.submitted == 0
    assert [reason for _key, reason in result.refused] == ["the ledger is read-only"] * 2
    assert harness.asker.questions == []  # not "already printed": nothing to ask
    assert harness.states()[:2] == [RowState.READY] * 2
    assert harness.files() == []
    dispose(harness.controller)


def test_a_missing_printer_submits_and_records_nothing(
    print_queue: PrintQueue, tmp_path: Path, qtbot: QtBot
) -> None:
    settings = Settings(printer_name="NoSuchLabelPrinter")
    harness = Harness(print_queue, tmp_path, settings)  # a PDF folder is no fall-back
    with pytest.raises(NoPrinter, match="NoSuchLabelPrinter"):
        harness.controller.print_waybills(harness.waybills[:1], reprint=False, source="scan")
    harness.settle(qtbot)
    assert harness.guard.calls == [] and harness.controller.pending == 0
    assert harness.states()[0] is RowState.READY
    assert harness.files() == []
    dispose(harness.controller)


def test_pending_jobs_can_be_cancelled(harness: Harness, qtbot: QtBot) -> None:
    pending: list[int] = []
    harness.controller.pendingChanged.connect(pending.append)
    harness.controller.print_waybills(harness.waybills[:3], reprint=False, source="all")
    assert pending == [3]
    assert harness.controller.cancel_pending() == 3  # none has started yet
    assert pending[-1] == 0
    assert harness.states()[:3] == [RowState.READY] * 3
    assert all("cancelled" in row.message for row in harness.model.rows()[:3])
    assert [(ok, message) for _t, ok, message in harness.guard.ended] == [(False, "cancelled")] * 3
    harness.settle(qtbot)
    assert harness.files() == []
    # and the queue goes on with the next request
    harness.controller.print_waybills(harness.waybills[:1], reprint=False, source="all")
    harness.wait(qtbot)
    assert harness.states()[0] is RowState.PRINTED


def test_a_cancelled_waybill_is_never_printed_even_when_asked_directly(harness: Harness) -> None:
    cancelled = harness.waybills[3]
    result = harness.controller.print_waybills([cancelled], reprint=True, source="selected")
    assert result.submitted == 0 and "cancelled" in result.refused[0][1]
    assert harness.guard.calls == []


def test_page_size_for_is_the_page_setup_rule() -> None:
    assert page_size_for(waybill(1), Settings(label_size="A4")) == PageSizeMm(100, 150)
