"""Nothing lost, nothing printed twice: a 200-label `fetch --pdf-dir` killed with SIGKILL.

One uninterrupted run is timed first. Then three stations run the same batch side by side,
each killed (the whole process group, SIGKILL) four times at seeded random moments and
restarted with `resume --pdf-dir` after each kill — twelve kills, whose moments add up to
about one run, so they land all over the batch: while starting, fetching, rendering,
between writing a file and recording it. Finally `resume` runs until nothing is left.
Afterwards the ledger must account for every order (done, or the final error the sandbox
gives), no waybill may have two successful prints, and each folder must hold exactly one
complete PDF per waybill.

A kill after a PDF was renamed into place but before the ledger heard of it is settled by
the file (written atomically, so it is complete): the resumed run records it and does not
write it again. A kill before that leaves no file (at most a `.part` file, which the
resumed run deletes) and the label is written by the resume.

A batch killed before the ledger recorded its orders was never accepted (the command had
answered nothing); the operator runs it again, and so does the test.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli.labels import pdf_name
from app.core.ledger_records import OrderState
from app.sandbox.server import SandboxServer
from tests.integration.ledger_cli import (
    cli_command,
    cli_env,
    json_lines,
    ledger_path,
    ledger_prints,
    ledger_rows,
    run_cli,
)

pytestmark = pytest.mark.slow

STATIONS = 3
KILLS_PER_STATION = 4
SEED = 20240611
ORDERS = [
    f"CANCEL{n:03d}" if n % 50 == 7 else f"MISSING{n:03d}" if n % 50 == 31 else f"K{n:04d}"
    for n in range(200)
]
FINAL_ERRORS = {"CANCEL": OrderState.CANCELLED, "MISSING": OrderState.FAILED}


@dataclass
class Station:
    """One station's home and PDF folder, its kill moments and what happened."""

    index: int
    home: Path
    pdf_dir: Path
    input_file: Path
    kill_after: list[float]
    files_at_kill: list[int] = field(default_factory=list)
    """PDF files present at each kill that hit a running process."""
    refetched: int = 0
    last_resume: subprocess.CompletedProcess[str] | None = None


def _fetch_args(sandbox: SandboxServer, station: Station) -> list[str]:
    return [
        "fetch",
        "--json",
        "--api-base",
        sandbox.base_url,
        "--pdf-dir",
        str(station.pdf_dir),
        "-i",
        str(station.input_file),
    ]


def _resume_args(sandbox: SandboxServer, station: Station) -> list[str]:
    return ["resume", "--json", "--pdf-dir", str(station.pdf_dir), "--api-base", sandbox.base_url]


def _pdf_count(folder: Path) -> int:
    return len(list(folder.glob("*.pdf"))) if folder.exists() else 0


def _run_and_kill(args: list[str], env: dict[str, str], after: float, folder: Path) -> int | None:
    """Start the command in its own process group, SIGKILL the group after `after` s.

    Returns the number of PDF files at the kill, or None if the command ended by itself.
    """
    proc = subprocess.Popen(
        cli_command(*args),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=after)
        return None
    except subprocess.TimeoutExpired:
        pass
    files = _pdf_count(folder)
    with contextlib.suppress(ProcessLookupError):  # it ended between timeout and kill
        os.killpg(proc.pid, signal.SIGKILL)  # the program and its QtWebEngine helpers
    proc.wait(timeout=30)
    return files if proc.returncode == -signal.SIGKILL else None


def _accepted(station: Station) -> bool:
    """Did a killed `fetch` record its batch? (0 or all orders: it is one transaction.)"""
    return ledger_path(station.home).exists() and bool(ledger_rows(station.home))


def _run_station(sandbox: SandboxServer, station: Station) -> Station:
    env = cli_env(station.home, sandbox)
    for delay in station.kill_after:
        accepted = _accepted(station)
        if not accepted:
            assert _pdf_count(station.pdf_dir) == 0
            station.refetched += 1
        args = _resume_args(sandbox, station) if accepted else _fetch_args(sandbox, station)
        files = _run_and_kill(args, env, delay, station.pdf_dir)
        if files is not None:
            station.files_at_kill.append(files)
    if not _accepted(station):
        result = run_cli(_fetch_args(sandbox, station), env)
        assert result.returncode == 1, result.stderr[-2000:]  # cancelled/missing orders
    for _ in range(4):
        station.last_resume = run_cli(_resume_args(sandbox, station), env)
        if "nothing to resume" in station.last_resume.stderr:
            break
        # A resume that had work finishes it in one go: every line it reports is final.
        lines = json_lines(station.last_resume.stdout)
        assert all(line["status"] in ("ok", "cancelled", "error") for line in lines)
    return station


@pytest.fixture(scope="module")
def crash_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(latency=0.0) as server:
        yield server


def test_killed_batches_resume_without_losing_or_doubling_a_label(
    crash_sandbox: SandboxServer, tmp_path: Path
) -> None:
    input_file = tmp_path / "orders.txt"
    input_file.write_text("\n".join(f"{o},SF" for o in ORDERS) + "\n", encoding="utf-8")

    # One uninterrupted run: how long it takes, and what every order should end as.
    reference = Station(-1, tmp_path / "ref-home", tmp_path / "ref-pdf", input_file, [])
    started = time.monotonic()
    result = run_cli(_fetch_args(crash_sandbox, reference), cli_env(reference.home, crash_sandbox))
    duration = time.monotonic() - started
    assert result.returncode == 1, result.stderr[-2000:]
    expected = {line["order_id"]: line for line in json_lines(result.stdout)}
    assert list(expected) == ORDERS
    ok_waybills = {
        o: str(line["waybill_id"]) for o, line in expected.items() if line["status"] == "ok"
    }
    assert len(ok_waybills) == 192

    # Four kill moments per station, adding up to about one run: spread over the batch.
    rng = random.Random(SEED)
    stations = [
        Station(
            index=i,
            home=tmp_path / f"home{i}",
            pdf_dir=tmp_path / f"pdf{i}",
            input_file=input_file,
            kill_after=[duration * rng.uniform(0.1, 0.4) for _ in range(KILLS_PER_STATION)],
        )
        for i in range(STATIONS)
    ]
    with ThreadPoolExecutor(max_workers=STATIONS) as pool:
        done = list(pool.map(lambda st: _run_station(crash_sandbox, st), stations))

    kills = [n for st in done for n in st.files_at_kill]
    assert len(kills) >= 10, kills  # at least ten runs were killed, not ended by themselves
    assert any(0 < n < len(ok_waybills) for n in kills), kills  # some in mid-printing
    for station in done:
        where = f"station {station.index} (PDFs at the kills: {station.files_at_kill})"
        final = station.last_resume
        assert final is not None and "nothing to resume" in final.stderr, where
        assert final.returncode == 0, where

        # Nothing lost: every order is in the ledger once, done or in its final error.
        rows = ledger_rows(station.home)
        assert sorted(r.order_id for r in rows) == sorted(ORDERS), where
        for row in rows:
            prefix = next((p for p in FINAL_ERRORS if row.order_id.startswith(p)), None)
            want = FINAL_ERRORS[prefix] if prefix else OrderState.DONE
            assert row.state is want, f"{where}: {row.order_id} is {row.state}"
            if prefix is None:
                assert row.waybill_id == ok_waybills[row.order_id], where

        # Nothing twice: one successful print per waybill, none for the others.
        prints = ledger_prints(station.home)
        for order_id in ORDERS:
            good = [p for p in prints.get(order_id, []) if p.succeeded and not p.is_reprint]
            assert len(good) == (1 if order_id in ok_waybills else 0), f"{where}: {order_id}"

        # One complete file per waybill and nothing else (no leftover .part files).
        files = sorted(p.name for p in station.pdf_dir.iterdir())
        assert files == sorted(pdf_name(w) for w in ok_waybills.values()), where
        for path in station.pdf_dir.iterdir():
            data = path.read_bytes()
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), path
        sample = sorted(station.pdf_dir.iterdir())[:: len(ok_waybills) // 4]
        assert all(len(PdfReader(path).pages) == 1 for path in sample), where
