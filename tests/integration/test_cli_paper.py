"""`fetch --print` waits for the paper, on a real cups-pdf queue of this test's own.

A label counts as printed only once CUPS says its job completed. On a paused queue the
command ends after `--stuck-after` with the order stuck (exit 1, the printer's reason in
its JSON `errmsg`, the ledger's print `stuck` with its CUPS job), the next order not sent
into the stopped queue, nothing recorded printed; after `cupsenable`, `resume --print`
follows the stuck job to paper (never sending it again) and prints the other: one file
each. A job cancelled from outside ends failed. `--no-wait` keeps the old behaviour.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.ledger_records import OrderState, PrintOutcome
from app.core.print_outcome import OutcomeKind
from app.sandbox.server import SandboxServer
from tests.fixtures.cups import CupsPdfQueue, CupsSnapshot, start_cups
from tests.integration.cups_support import own_pdfs
from tests.integration.ledger_cli import (
    cli_command,
    cli_env,
    json_lines,
    ledger_prints,
    ledger_rows,
    run_cli,
)

pytestmark = [pytest.mark.cups, pytest.mark.slow]

QUEUE = "CliWaitPDF"


@pytest.fixture
def own_queue() -> Iterator[CupsPdfQueue]:
    queue = start_cups(QUEUE, Path("/var/spool/cups-pdf") / QUEUE)
    yield queue
    subprocess.run(["cancel", "-a", QUEUE], check=False, capture_output=True)
    subprocess.run(["cupsenable", QUEUE], check=True)


def fetch(sandbox: SandboxServer, *orders: str, extra: tuple[str, ...] = ()) -> list[str]:
    return ["fetch", "--json", "--api-base", sandbox.base_url, "--print", QUEUE, *extra, *orders]


def test_a_paused_queue_leaves_the_order_stuck_and_resume_finishes_each_once(
    sandbox: SandboxServer, own_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = cli_env(home, sandbox)
    tag = uuid.uuid4().hex[:8].upper()
    orders = (f"PAPER{tag}A", f"PAPER{tag}B")
    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)
    before = own_queue.snapshot()

    stuck = run_cli(fetch(sandbox, *orders, extra=("--stuck-after", "3")), env)
    assert stuck.returncode == 1, stuck.stderr[-2000:]
    lines = json_lines(stuck.stdout)
    assert [line["order_id"] for line in lines] == list(orders)
    assert lines[0]["status"] == "stuck"
    assert "Out of labels" in str(lines[0]["errmsg"]) and "resume" in str(lines[0]["errmsg"])
    assert lines[1]["status"] == "error"
    assert "not sent" in str(lines[1]["errmsg"]) and "Out of labels" in str(lines[1]["errmsg"])
    # one job in CUPS, held by the paused queue, nothing on paper, nothing recorded printed
    jobs = own_queue.new_jobs_since(before)
    assert len(jobs) == 1 and jobs <= own_queue.job_ids("not-completed")
    assert own_queue.new_pdfs_since(before) == []
    prints = ledger_prints(home)
    [first] = prints[orders[0]]
    assert (first.outcome, first.kind, first.cups_job) == (
        PrintOutcome.STUCK,
        OutcomeKind.STUCK,
        next(iter(jobs)),
    )
    assert "Out of labels" in first.message
    [second] = prints[orders[1]]
    assert (second.outcome, second.kind) == (PrintOutcome.FAILED, OutcomeKind.REFUSED)
    assert OrderState.PRINTED not in {r.state for r in ledger_rows(home)}

    subprocess.run(["cupsenable", QUEUE], check=True)
    resumed = run_cli(["resume", "--json", "--print", QUEUE], env)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    done = json_lines(resumed.stdout)
    assert [line["order_id"] for line in done] == list(orders)
    assert all(line["status"] == "ok" for line in done)
    waybills = [str(line["waybill_id"]) for line in done]
    own_queue.wait_settled(before)
    assert [len(own_pdfs(own_queue, before, [w])) for w in waybills] == [1, 1]  # each once
    assert len(own_queue.new_jobs_since(before)) == 2  # the stuck job was never resent
    prints = ledger_prints(home)
    assert [p.outcome for p in prints[orders[0]]] == [PrintOutcome.PRINTED]
    assert [p.outcome for p in prints[orders[1]]] == [PrintOutcome.FAILED, PrintOutcome.PRINTED]
    states = {r.order_id: r.state for r in ledger_rows(home)}
    assert [states[o] for o in orders] == [OrderState.PRINTED] * 2


def test_a_job_cancelled_in_cups_is_reported_failed_not_printed(
    sandbox: SandboxServer, own_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = cli_env(home, sandbox)
    order = f"PAPER{uuid.uuid4().hex[:8].upper()}C"
    subprocess.run(["cupsdisable", QUEUE], check=True)
    before = own_queue.snapshot()
    command = run_cli_async(fetch(sandbox, order, extra=("--stuck-after", "60")), env)
    try:
        job = wait_for_new_job(own_queue, before)
        subprocess.run(["cancel", f"{QUEUE}-{job}"], check=True)
        out, err = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 1, err[-2000:]
    [line] = json_lines(out)
    assert line["status"] == "error" and "cancelled" in str(line["errmsg"])
    [record] = ledger_prints(home)[order]
    assert (record.outcome, record.kind, record.cups_job) == (
        PrintOutcome.FAILED,
        OutcomeKind.JOB_FAILED,
        job,
    )
    assert "cancelled" in record.message


def test_no_wait_counts_a_label_printed_once_cups_accepted_it(
    sandbox: SandboxServer, own_queue: CupsPdfQueue, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    order = f"PAPER{uuid.uuid4().hex[:8].upper()}D"
    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)
    result = run_cli(fetch(sandbox, order, extra=("--no-wait",)), cli_env(home, sandbox))
    assert result.returncode == 0, result.stderr[-2000:]
    [record] = ledger_prints(home)[order]
    assert (record.outcome, record.kind) == (PrintOutcome.SPOOLED, OutcomeKind.SPOOLED)
    assert record.cups_job is not None


def run_cli_async(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command(*args),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_new_job(queue: CupsPdfQueue, before: CupsSnapshot, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = queue.new_jobs_since(before)
        if new:
            return max(new)
        time.sleep(0.05)
    raise TimeoutError("the command sent no job")
