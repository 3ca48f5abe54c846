"""The window follows every label to paper, on real cups-pdf queues of this test's own.

- Jobs already in CUPS when the printer stops (`cupsdisable -r "Out of labels"`): the window
  shows the reason within 2 s; the jobs stay held in CUPS, their rows printing and their
  ledger prints `sent` — not printed; after `cupsenable` they complete in order and become
  `printed`, each exactly once (cups-pdf's output counted).
- A job cancelled from outside (`cancel`) and the jobs of a printer deleted mid-batch end
  `failed` with that reason, nothing recorded printed.
- A job not completed in `stuck_after_s` is `stuck`; from the Stuck labels dialog the
  packer cancels one, prints one again on another printer (a recorded reprint; the stuck
  job is cancelled so it cannot come out too) and marks one printed after checking (its
  job cancelled): after `cupsenable` nothing more comes out of the paused queue.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.ledger import Ledger
from app.core.ledger_records import PrintOutcome, PrintRecord
from app.core.print_outcome import OutcomeKind
from app.printing.cups_status import CupsStatus
from app.printing.ipptool import find_ipptool
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.job_follow import StuckLabelsDialog
from app.ui.main_window import MainWindow
from tests.fixtures.cups import CupsPdfQueue, start_cups
from tests.fixtures.qt import read_barcodes_from_pdf
from tests.integration.cups_support import fresh_order_id, own_pdfs, wait_for_own_pdfs
from tests.unit.ui.ledger_support import ledger_window
from tests.unit.ui.support import row_states, sandbox_settings

pytestmark = [pytest.mark.cups, pytest.mark.slow]

QUEUE = "WindowPaperPDF"
OTHER = "WindowRetryPDF"
DOOMED = "WindowGonePDF"
Opener = Callable[..., MainWindow]


def make_queue(name: str) -> Iterator[CupsPdfQueue]:
    queue = start_cups(name, Path("/var/spool/cups-pdf") / name)
    yield queue
    subprocess.run(["cancel", "-a", name], check=False, capture_output=True)
    subprocess.run(["cupsenable", name], check=False, capture_output=True)


@pytest.fixture
def own_queue() -> Iterator[CupsPdfQueue]:
    yield from make_queue(QUEUE)


@pytest.fixture
def other_queue() -> Iterator[CupsPdfQueue]:
    yield from make_queue(OTHER)


@pytest.fixture
def doomed_queue() -> Iterator[CupsPdfQueue]:
    yield from make_queue(DOOMED)
    subprocess.run(["lpadmin", "-x", DOOMED], check=False, capture_output=True)


def never_ask(title: str, question: str) -> bool:
    raise AssertionError(f"unexpected question: {question}")


@pytest.fixture
def open_station(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
) -> Iterator[Opener]:
    tool = find_ipptool()
    assert tool is not None
    with ExitStack() as stack:

        def open_(printer: str, stuck_after_s: float = 600.0) -> MainWindow:
            settings = sandbox_settings(sandbox, printer_name=printer).replace(
                stuck_after_s=stuck_after_s
            )
            window, _features = stack.enter_context(
                ledger_window(
                    sandbox,
                    label_profile,
                    print_queue,
                    None,
                    tmp_path / "ledger.sqlite3",
                    settings=settings,
                    ask=never_ask,
                    printer_status=CupsStatus(tool),
                    printer_poll_ms=250,
                )
            )
            return window

        yield open_


def ledger_of(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite3")


def prints_of(tmp_path: Path, waybill_ids: list[str]) -> list[list[PrintRecord]]:
    with ledger_of(tmp_path) as ledger:
        rows = {r.waybill_id: r.order_row_id for r in ledger.search(limit=1000)}
        return [ledger.attempts(rows[w]) for w in waybill_ids]


def outcomes(tmp_path: Path, waybill_ids: list[str]) -> list[list[PrintOutcome]]:
    return [[p.outcome for p in ps] for ps in prints_of(tmp_path, waybill_ids)]


def fetch(window: MainWindow, qtbot: QtBot, n: int) -> tuple[list[str], list[str]]:
    """Fetch n fresh orders; returns (order ids, waybill ids)."""
    orders = [fresh_order_id() for _ in range(n)]
    window.add_text("\n".join(orders))
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=20_000)
    assert set(row_states(window).values()) == {"ready"}
    waybills = {row.ref.order_id: row.waybill_id for row in window.model.rows()}
    return orders, [waybills[o] for o in orders]


def test_jobs_held_by_a_stopped_printer_stay_sent_until_they_complete_each_once(
    open_station: Opener, qtbot: QtBot, own_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    window: MainWindow = open_station(QUEUE)
    orders, ids = fetch(window, qtbot, 3)
    before = own_queue.snapshot()
    window.actions_.print_all.trigger()  # printing...
    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)  # ...it stops
    label = window.printer_state
    qtbot.waitUntil(lambda: "Out of labels" in label.text(), timeout=2_000)
    qtbot.waitUntil(lambda: len(own_queue.new_jobs_since(before)) == 3, timeout=30_000)
    qtbot.waitUntil(lambda: window.printer.service.pending == 0, timeout=30_000)
    held = own_queue.new_jobs_since(before) & own_queue.job_ids("not-completed")
    done_already = len(own_queue.new_jobs_since(before)) - len(held)
    # whatever CUPS had not finished before it stopped stays sent, not printed (each
    # outcome is written in the ledger's lane, after the job went to CUPS)
    qtbot.waitUntil(
        lambda: PrintOutcome.PENDING not in {s for ss in outcomes(tmp_path, ids) for s in ss},
        timeout=10_000,
    )
    states = outcomes(tmp_path, ids)
    assert states.count([PrintOutcome.SENT]) == len(held) >= 2, (states, held)
    assert PrintOutcome.PRINTED not in {s for ss in states[done_already:] for s in ss}
    assert [row_states(window)[o] for o in orders[done_already:]] == ["printing"] * len(held)
    with ledger_of(tmp_path) as ledger:
        assert [ledger.was_printed(w) for w in ids[done_already:]] == [False] * len(held)
    assert len(own_pdfs(own_queue, before, ids)) == done_already

    subprocess.run(["cupsenable", QUEUE], check=True)
    qtbot.waitUntil(
        lambda: [row_states(window)[o] for o in orders] == ["printed"] * 3, timeout=60_000
    )
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=10_000)
    qtbot.waitUntil(lambda: outcomes(tmp_path, ids) == [[PrintOutcome.PRINTED]] * 3)
    assert [p[0].kind for p in prints_of(tmp_path, ids)] == [OutcomeKind.PRINTED] * 3
    printed = wait_for_own_pdfs(own_queue, before, ids, 3)
    assert [read_barcodes_from_pdf(pdf) for pdf in printed] == [[i] for i in ids]  # in order
    assert len(own_pdfs(own_queue, before, ids)) == 3  # each exactly once


def test_a_job_cancelled_from_outside_ends_failed_with_that_reason(
    open_station: Opener, qtbot: QtBot, own_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    window: MainWindow = open_station(QUEUE)
    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)
    [order], [waybill] = fetch(window, qtbot, 1)
    before = own_queue.snapshot()
    window.actions_.print_all.trigger()
    qtbot.waitUntil(lambda: bool(own_queue.new_jobs_since(before)), timeout=30_000)
    [job] = own_queue.new_jobs_since(before)
    qtbot.waitUntil(lambda: outcomes(tmp_path, [waybill]) == [[PrintOutcome.SENT]])
    subprocess.run(["cancel", f"{QUEUE}-{job}"], check=True)
    qtbot.waitUntil(lambda: row_states(window)[order] == "ready", timeout=10_000)
    qtbot.waitUntil(lambda: outcomes(tmp_path, [waybill]) == [[PrintOutcome.FAILED]])
    [[record]] = prints_of(tmp_path, [waybill])
    assert (record.outcome, record.kind, record.cups_job) == (
        PrintOutcome.FAILED,
        OutcomeKind.JOB_FAILED,
        job,
    )
    assert "cancelled" in record.message
    assert "cancelled" in window.model.rows()[0].message
    assert window.printer.pending == 0


def test_a_printer_deleted_mid_batch_fails_its_jobs_with_that_reason(
    open_station: Opener,
    qtbot: QtBot,
    doomed_queue: CupsPdfQueue,
    tmp_path: Path,
) -> None:
    window: MainWindow = open_station(DOOMED)
    subprocess.run(["cupsdisable", "-r", "Out of labels", DOOMED], check=True)
    orders, ids = fetch(window, qtbot, 2)
    before = doomed_queue.snapshot()
    window.actions_.print_all.trigger()
    qtbot.waitUntil(lambda: outcomes(tmp_path, ids) == [[PrintOutcome.SENT]] * 2, timeout=30_000)
    subprocess.run(["lpadmin", "-x", DOOMED], check=True)
    qtbot.waitUntil(
        lambda: [row_states(window)[o] for o in orders] == ["ready"] * 2, timeout=10_000
    )
    qtbot.waitUntil(lambda: outcomes(tmp_path, ids) == [[PrintOutcome.FAILED]] * 2)
    records = [p for [p] in prints_of(tmp_path, ids)]
    assert [(r.outcome, r.kind) for r in records] == [
        (PrintOutcome.FAILED, OutcomeKind.JOB_FAILED)
    ] * 2
    assert all("deleted" in r.message for r in records), [r.message for r in records]
    assert own_pdfs(doomed_queue, before, ids) == []


def test_stuck_labels_are_cancelled_printed_elsewhere_or_marked_printed_by_the_packer(
    open_station: Opener,
    qtbot: QtBot,
    own_queue: CupsPdfQueue,
    other_queue: CupsPdfQueue,
    tmp_path: Path,
) -> None:
    window: MainWindow = open_station(QUEUE, stuck_after_s=5.0)
    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)
    orders, ids = fetch(window, qtbot, 3)
    before, other_before = own_queue.snapshot(), other_queue.snapshot()
    window.actions_.print_all.trigger()
    watch = window.printer.jobs.watch
    assert watch is not None
    qtbot.waitUntil(lambda: len(watch.stuck) == 3, timeout=60_000)
    qtbot.waitUntil(lambda: outcomes(tmp_path, ids) == [[PrintOutcome.STUCK]] * 3)
    assert all("Out of labels" in p.message for [p] in prints_of(tmp_path, ids))
    button = window.panel.stuck_button
    assert button.isVisible() and "3" in button.text()
    assert "stuck" in window.scan_bar.message.text()
    assert all("stuck" in row.message for row in window.model.rows())

    dialog = StuckLabelsDialog(window, watch, window)
    dialog.show()
    assert dialog.labels.count() == 3
    # 1: cancel the job -> failed, the row ready again
    dialog.labels.setCurrentRow(0)
    qtbot.mouseClick(dialog.cancel_job, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_states(window)[orders[0]] == "ready", timeout=10_000)
    qtbot.waitUntil(lambda: outcomes(tmp_path, ids[:1]) == [[PrintOutcome.FAILED]])
    # 2: print it again on another printer -> a recorded reprint there, the stuck one failed
    assert dialog.labels.count() == 2
    dialog.labels.setCurrentRow(0)
    dialog.printers.setCurrentText(OTHER)
    qtbot.mouseClick(dialog.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_states(window)[orders[1]] == "printed", timeout=60_000)
    qtbot.waitUntil(
        lambda: outcomes(tmp_path, ids[1:2]) == [[PrintOutcome.FAILED, PrintOutcome.PRINTED]]
    )
    first, again = prints_of(tmp_path, [ids[1]])[0]
    assert (first.outcome, first.is_reprint) == (PrintOutcome.FAILED, False)
    assert (again.outcome, again.is_reprint, again.printer) == (PrintOutcome.PRINTED, True, OTHER)
    assert len(wait_for_own_pdfs(other_queue, other_before, [ids[1]], 1)) == 1
    # 3: it came out (the packer checked) -> confirmed printed, on the packer's word (not
    # CUPS's), its job cancelled
    dialog.labels.setCurrentRow(0)
    qtbot.mouseClick(dialog.mark_printed, Qt.MouseButton.LeftButton)
    assert row_states(window)[orders[2]] == "printed"
    qtbot.waitUntil(lambda: outcomes(tmp_path, ids[2:]) == [[PrintOutcome.CONFIRMED_PRINTED]])
    [[confirmed]] = prints_of(tmp_path, ids[2:])
    assert confirmed.kind is OutcomeKind.CONFIRMED_PRINTED and "packer" in confirmed.message
    assert dialog.labels.count() == 0 and not button.isVisible()
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=10_000)
    qtbot.waitUntil(lambda: not own_queue.job_ids("not-completed"), timeout=10_000)
    dialog.close()

    # nothing was reprinted automatically, and the paused queue prints none of them later
    subprocess.run(["cupsenable", QUEUE], check=True)
    own_queue.wait_settled(before)
    assert own_pdfs(own_queue, before, ids) == []
    assert len(own_pdfs(other_queue, other_before, ids)) == 1


def test_a_label_left_in_a_stopped_printer_is_followed_again_after_a_restart(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    own_queue: CupsPdfQueue,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    tool = find_ipptool()
    assert tool is not None
    settings = sandbox_settings(sandbox, printer_name=QUEUE)

    def station() -> object:
        return ledger_window(
            sandbox,
            label_profile,
            print_queue,
            None,
            tmp_path / "ledger.sqlite3",
            settings=settings,
            ask=never_ask,
            printer_status=CupsStatus(tool),
            printer_poll_ms=250,
        )

    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)
    before = own_queue.snapshot()
    with station() as (window, _features):  # type: ignore[attr-defined]
        [order], [waybill] = fetch(window, qtbot, 1)
        window.actions_.print_all.trigger()
        qtbot.waitUntil(
            lambda: outcomes(tmp_path, [waybill]) == [[PrintOutcome.SENT]], timeout=30_000
        )
    # the program ended; the job waits in CUPS
    [job] = own_queue.new_jobs_since(before)
    with station() as (window, _features):  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: row_states(window).get(order) == "printing", timeout=10_000)
        assert outcomes(tmp_path, [waybill]) == [[PrintOutcome.SENT]]
        subprocess.run(["cupsenable", QUEUE], check=True)
        qtbot.waitUntil(lambda: row_states(window)[order] == "printed", timeout=60_000)
        qtbot.waitUntil(lambda: outcomes(tmp_path, [waybill]) == [[PrintOutcome.PRINTED]])
        [[record]] = prints_of(tmp_path, [waybill])
        assert (record.outcome, record.cups_job) == (PrintOutcome.PRINTED, job)
    assert len(wait_for_own_pdfs(own_queue, before, [waybill], 1)) == 1
    assert len(own_queue.new_jobs_since(before)) == 1  # followed, never sent again
