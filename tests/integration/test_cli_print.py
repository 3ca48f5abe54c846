"""`fetch --print`, `resume`, `reprint`, `confirm` and `history` on a real CUPS queue.

The printer is the cups-pdf queue `LabelPDF`: every job becomes a PDF named after the job
title (the waybill id) whose barcode is read back. The queue may be shared with other
tests printing at the same time, so jobs are told apart by their titles, and the order ids
here are used nowhere else. Each test is its own station (`WAYBILL_HOME`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.core.batch_run import BatchRun
from app.core.ledger import Ledger
from app.core.ledger_records import OrderState, PrintOutcome
from app.core.model import OrderRef
from app.core.settings import Settings
from app.printing.ledger_guard import command_line_guard
from app.sandbox.server import SandboxServer
from app.wiring.client import Credentials, build_client
from tests.fixtures.cups import CupsPdfQueue, CupsSnapshot
from tests.fixtures.qt import read_barcodes_from_pdf
from tests.integration.ledger_cli import (
    BATCHGET,
    cli_env,
    json_lines,
    ledger_path,
    ledger_prints,
    ledger_rows,
    run_cli,
)

pytestmark = [pytest.mark.cups, pytest.mark.slow]


def _printed(
    queue: CupsPdfQueue, since: CupsSnapshot, waybill_ids: set[str]
) -> dict[str, list[Path]]:
    """Once every job sent since `since` has come out: the PDFs of these waybills."""
    jobs = queue.new_jobs_since(since)
    outputs = queue.wait_for_jobs(len(jobs), since) if jobs else {}
    found: dict[str, list[Path]] = {w: [] for w in waybill_ids}
    for path in outputs.values():
        for waybill_id in waybill_ids:
            if path.name.startswith(f"{waybill_id}_"):
                found[waybill_id].append(path)
    return found


def _fetch(
    sandbox: SandboxServer, printer: str, *orders: str, extra: tuple[str, ...] = ()
) -> list[str]:
    return ["fetch", "--json", "--api-base", sandbox.base_url, "--print", printer, *extra, *orders]


def test_second_print_is_refused_unless_reprint_and_history_shows_it(
    sandbox: SandboxServer, cups_pdf_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", sandbox)
    queue = cups_pdf_queue.name
    orders = ("CLIPRINT-P1", "CLIPRINT-P2,ZTO")
    before = cups_pdf_queue.snapshot()
    first = run_cli(_fetch(sandbox, queue, *orders), env)
    assert first.returncode == 0, first.stderr[-2000:]
    lines = json_lines(first.stdout)
    assert [line["status"] for line in lines] == ["ok", "ok"]
    waybills = {str(line["waybill_id"]) for line in lines}
    printed = _printed(cups_pdf_queue, before, waybills)
    assert all(len(pdfs) == 1 for pdfs in printed.values()), printed
    for waybill_id, [pdf] in printed.items():
        assert waybill_id in read_barcodes_from_pdf(pdf)
    assert {r.order_id: r.state for r in ledger_rows(env_home(env))} == {
        "CLIPRINT-P1": OrderState.PRINTED,
        "CLIPRINT-P2": OrderState.PRINTED,
    }

    # The same orders again: refused line by line, nothing sent to the printer.
    after_first = cups_pdf_queue.snapshot()
    again = run_cli(_fetch(sandbox, queue, *orders), env)
    assert again.returncode == 1
    refused = json_lines(again.stdout)
    assert [line["status"] for line in refused] == ["error", "error"]
    for line in refused:
        message = str(line["errmsg"])
        assert message.startswith(f"already printed on {queue} at ")
        assert message.endswith("; use --reprint to print again")

    # With --reprint they print, recorded as reprints.
    reprinted = run_cli(_fetch(sandbox, queue, *orders, extra=("--reprint",)), env)
    assert reprinted.returncode == 0, reprinted.stderr[-2000:]
    printed = _printed(cups_pdf_queue, after_first, waybills)
    assert all(len(pdfs) == 1 for pdfs in printed.values()), printed  # the reprint only
    prints = ledger_prints(env_home(env))
    for order_id in ("CLIPRINT-P1", "CLIPRINT-P2"):
        printed_ = [p for p in prints[order_id] if p.outcome is PrintOutcome.PRINTED]
        assert [p.is_reprint for p in printed_] == [False, True]

    # History: one line per ledger order, and a CSV for Excel.
    shown = run_cli(["history", "--order", "CLIPRINT-P1"], env)
    assert shown.returncode == 0
    assert all("CLIPRINT-P1" in line for line in shown.stdout.splitlines())
    assert len(shown.stdout.splitlines()) == 3  # printed, refused, reprinted
    csv_file = tmp_path / "history.csv"
    exported = run_cli(["history", "--csv", str(csv_file)], env)
    assert exported.returncode == 0
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 6
    assert {row["order_id"] for row in rows} == {"CLIPRINT-P1", "CLIPRINT-P2"}
    assert sum(int(row["reprints"]) for row in rows) == 2


def test_missing_printer_exits_2_before_anything_is_fetched_or_printed(
    sandbox: SandboxServer, cups_pdf_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", sandbox)
    result = run_cli(_fetch(sandbox, "NoSuchPrinter", "CLIPRINT-M1"), env)
    assert result.returncode == 2
    assert "'NoSuchPrinter' not found" in result.stderr
    assert cups_pdf_queue.name in result.stderr  # the printers that do exist
    assert result.stdout == ""
    assert sandbox.stats.calls(BATCHGET) == 0
    assert not ledger_path(env_home(env)).exists() or ledger_prints(env_home(env)) == {}


def test_reprint_works_offline_from_the_stored_label(
    sandbox: SandboxServer, cups_pdf_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "home", sandbox)
    queue = cups_pdf_queue.name
    before = cups_pdf_queue.snapshot()
    first = run_cli(_fetch(sandbox, queue, "CLIPRINT-R1"), env)
    assert first.returncode == 0, first.stderr[-2000:]
    waybill_id = str(json_lines(first.stdout)[0]["waybill_id"])
    assert len(_printed(cups_pdf_queue, before, {waybill_id})[waybill_id]) == 1
    sandbox.stop()  # no network from here on

    after_first = cups_pdf_queue.snapshot()
    again = run_cli(["reprint", waybill_id, "--print", queue], env)
    assert again.returncode == 0, again.stderr[-2000:]
    [pdf] = _printed(cups_pdf_queue, after_first, {waybill_id})[waybill_id]
    assert waybill_id in read_barcodes_from_pdf(pdf)
    as_pdf = run_cli(["reprint", waybill_id, "--pdf-dir", str(tmp_path / "pdf"), "--json"], env)
    assert as_pdf.returncode == 0, as_pdf.stderr[-2000:]
    written = Path(str(json_lines(as_pdf.stdout)[0]["pdf"]))
    assert waybill_id in read_barcodes_from_pdf(written)

    prints = ledger_prints(env_home(env))["CLIPRINT-R1"]
    assert [(p.target, p.outcome, p.is_reprint) for p in prints] == [
        ("printer", PrintOutcome.PRINTED, False),
        ("printer", PrintOutcome.PRINTED, True),
        ("pdf", PrintOutcome.SPOOLED, False),
    ]
    unknown = run_cli(["reprint", "NO-SUCH-WAYBILL", "--print", queue], env)
    assert unknown.returncode == 1
    assert "no stored label" in unknown.stderr


def test_resume_prints_stored_labels_offline_and_never_an_unknown_one(
    sandbox: SandboxServer, cups_pdf_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = cli_env(home, sandbox)
    queue = cups_pdf_queue.name
    order_ids = ("CLIPRINT-U1", "CLIPRINT-U2", "CLIPRINT-U3")
    # An earlier run fetched three labels and died while the third was printing.
    settings = Settings(api_base=sandbox.base_url)
    client = build_client(settings, Credentials(sandbox.appid, sandbox.secret))
    with Ledger(ledger_path(home)) as ledger, client:
        run = BatchRun(ledger, command_line_guard(ledger))
        refs = [OrderRef(order_id, "SF") for order_id in order_ids]
        rows, fetched = run.queue_and_fetch(client, refs)
        waybills = [str(w.waybill_id) for w in fetched]
        stuck = ledger.begin_print(rows[2], waybill_id=waybills[2], printer=queue, copies=1)
    sandbox.stop()  # stored labels need no network

    before = cups_pdf_queue.snapshot()
    resumed = run_cli(["resume", "--json", "--print", queue], env)
    assert resumed.returncode == 1  # one print still waits for the packer's answer
    lines = json_lines(resumed.stdout)
    assert [line["order_id"] for line in lines] == list(order_ids[:2])
    assert all(line["status"] == "ok" for line in lines)
    assert f"print #{stuck}: waybill {waybills[2]} on {queue}" in resumed.stderr
    printed = _printed(cups_pdf_queue, before, set(waybills))
    assert {w: len(pdfs) for w, pdfs in printed.items()} == dict(
        zip(waybills, (1, 1, 0), strict=True)
    )
    for waybill_id in waybills[:2]:
        assert waybill_id in read_barcodes_from_pdf(printed[waybill_id][0])

    # The packer says the third label did not come out: the next resume prints it.
    confirmed = run_cli(["confirm", str(stuck), "not-printed"], env)
    assert confirmed.returncode == 0, confirmed.stderr
    after = cups_pdf_queue.snapshot()
    finished = run_cli(["resume", "--json", "--print", queue], env)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert [line["order_id"] for line in json_lines(finished.stdout)] == [order_ids[2]]
    assert len(_printed(cups_pdf_queue, after, {waybills[2]})[waybills[2]]) == 1
    states = {r.order_id: r.state for r in ledger_rows(home)}
    assert states == dict.fromkeys(order_ids, OrderState.PRINTED)
    nothing = run_cli(["resume", "--print", queue], env)
    assert nothing.returncode == 0 and "nothing to resume" in nothing.stderr


def env_home(env: dict[str, str]) -> Path:
    return Path(env["WAYBILL_HOME"])
