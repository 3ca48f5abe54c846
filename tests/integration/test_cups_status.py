"""Printer and job states read from the real CUPS (ipptool), on queues of this test's own.

A stopped queue (`cupsdisable -r "Out of labels"`) is seen with its reason; jobs sent to it
stay pending and are not reported printed; once enabled they complete in order, each once
(counted in the cups-pdf output). A printer deleted with jobs waiting, and a job cancelled
with `cancel`, each end FAILED with that reason. These tests pause and delete queues, so
they use queues of their own, never the shared LabelPDF.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.printing.cups_status import CupsStatus, JobState, PrinterState, job_number
from app.printing.ipptool import find_ipptool
from app.printing.job_follower import JobFollower, Outcome
from tests.fixtures.cups import CupsPdfQueue, start_cups

pytestmark = pytest.mark.cups

STOPPABLE = "StatusPDF"


def cups_status() -> CupsStatus:
    tool = find_ipptool()
    assert tool is not None, "ipptool (cups-ipp-utils) is not installed"
    return CupsStatus(tool)


@pytest.fixture
def stoppable() -> Iterator[CupsPdfQueue]:
    queue = start_cups(STOPPABLE, Path("/var/spool/cups-pdf") / STOPPABLE)
    yield queue
    subprocess.run(["cancel", "-a", STOPPABLE], check=False, capture_output=True)
    subprocess.run(["cupsenable", STOPPABLE], check=True)


def send(queue: str, title: str) -> int:
    done = subprocess.run(
        ["lp", "-d", queue, "-t", title, "-"],
        input=f"label {title}\n",
        capture_output=True,
        text=True,
        check=True,
    )
    number = job_number(done.stdout.split("request id is ")[1].split()[0])
    assert number is not None
    return number


def outputs(queue: CupsPdfQueue, title: str) -> list[Path]:
    return sorted(queue.outdir.glob(f"{title}*.pdf"))


def test_a_paused_queue_is_seen_with_its_reason_and_ready_again_once_enabled(
    stoppable: CupsPdfQueue,
) -> None:
    status = cups_status()
    assert status.printer(STOPPABLE).ready
    subprocess.run(["cupsdisable", "-r", "Out of labels", STOPPABLE], check=True)
    stopped = status.printer(STOPPABLE)
    assert stopped.state is PrinterState.STOPPED
    assert "paused" in stopped.problems
    assert stopped.message == "Out of labels"
    assert not stopped.ready
    assert "Out of labels" in stopped.describe()
    subprocess.run(["cupsenable", STOPPABLE], check=True)
    assert status.printer(STOPPABLE).ready


def test_a_printer_that_does_not_exist_is_missing() -> None:
    missing = cups_status().printer(f"NoSuch{uuid.uuid4().hex[:8]}")
    assert missing.state is PrinterState.MISSING
    assert missing.problems == ("missing",)


def test_jobs_held_by_a_paused_queue_complete_in_order_each_once_after_enable(
    stoppable: CupsPdfQueue,
) -> None:
    status = cups_status()
    follower = JobFollower(status, stuck_after_s=3600)
    subprocess.run(["cupsdisable", "-r", "Out of labels", STOPPABLE], check=True)
    tag = uuid.uuid4().hex[:8]
    titles = [f"held{tag}n{i}" for i in range(3)]
    ids = [send(STOPPABLE, t) for t in titles]
    for job_id, title in zip(ids, titles, strict=True):
        follower.follow(STOPPABLE, job_id, title)

    answers = follower.fetch(follower.snapshot())
    assert [answers.jobs[i].state for i in ids] == [JobState.PENDING] * 3
    assert not answers.printers[STOPPABLE].ready
    assert follower.apply(answers) == []  # nothing printed, nothing failed
    assert [j.job_id for j in follower.pending] == ids
    assert all(outputs(stoppable, t) == [] for t in titles)

    subprocess.run(["cupsenable", STOPPABLE], check=True)
    reports = follower.wait(60)
    assert [(r.job.job_id, r.outcome) for r in reports] == [(i, Outcome.PRINTED) for i in ids]
    assert follower.pending == []
    files = [outputs(stoppable, t) for t in titles]
    assert [len(f) for f in files] == [1, 1, 1]  # each exactly once
    mtimes = [f[0].stat().st_mtime_ns for f in files]
    assert mtimes == sorted(mtimes)  # in the order they were sent


def test_a_job_cancelled_from_outside_ends_failed_with_that_reason(
    stoppable: CupsPdfQueue,
) -> None:
    follower = JobFollower(cups_status())
    subprocess.run(["cupsdisable", STOPPABLE], check=True)
    title = f"cancel{uuid.uuid4().hex[:8]}"
    job_id = send(STOPPABLE, title)
    follower.follow(STOPPABLE, job_id, title)
    assert follower.poll() == []
    subprocess.run(["cancel", f"{STOPPABLE}-{job_id}"], check=True)
    reports = follower.wait(30)
    assert [(r.job.job_id, r.outcome) for r in reports] == [(job_id, Outcome.FAILED)]
    assert "cancelled" in reports[0].reason
    subprocess.run(["cupsenable", STOPPABLE], check=True)
    assert outputs(stoppable, title) == []


def test_a_printer_deleted_mid_batch_fails_its_waiting_jobs_with_that_reason() -> None:
    name = f"Gone{uuid.uuid4().hex[:6]}"
    queue = start_cups(name, Path("/var/spool/cups-pdf") / name)
    follower = JobFollower(cups_status())
    tag = uuid.uuid4().hex[:8]
    first = send(name, f"gone{tag}first")
    follower.follow(name, first, "first")
    assert [r.outcome for r in follower.wait(30)] == [Outcome.PRINTED]
    assert len(outputs(queue, f"gone{tag}first")) == 1
    subprocess.run(["cupsdisable", name], check=True)
    rest = [send(name, f"gone{tag}n{i}") for i in range(2)]
    for job_id in rest:
        follower.follow(name, job_id)
    assert follower.poll() == []  # waiting in the paused queue
    subprocess.run(["lpadmin", "-x", name], check=True)
    reports = {r.job.job_id: r for r in follower.wait(30)}
    assert sorted(reports) == rest
    for job_id in rest:
        assert reports[job_id].outcome is Outcome.FAILED
        assert f"printer {name} was deleted" in reports[job_id].reason


def test_a_job_waiting_longer_than_the_limit_is_reported_stuck_with_the_printers_reason(
    stoppable: CupsPdfQueue,
) -> None:
    follower = JobFollower(cups_status(), stuck_after_s=0)
    subprocess.run(["cupsdisable", "-r", "Out of labels", STOPPABLE], check=True)
    job_id = send(STOPPABLE, f"stuck{uuid.uuid4().hex[:8]}")
    follower.follow(STOPPABLE, job_id)
    reports = follower.poll()
    assert [(r.job.job_id, r.outcome) for r in reports] == [(job_id, Outcome.STUCK)]
    assert "Out of labels" in reports[0].reason
    assert follower.poll() == []  # reported once
    assert [j.job_id for j in follower.pending] == [job_id]  # still followed
