"""Ctrl-C during `waybill-printer fetch` as a user runs it (a real process, the loopback
sandbox answering each call in 0.5 s, pressed while the first calls are under way): the
first stops cleanly after those calls, every line written whole and stored; a second
quits at once; either way one clear line and status 130, no traceback, and the same
command run again finishes the job."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.sandbox.server import SandboxServer
from tests.integration.test_cli_fetch import creds, run_cli

ORDERS = [f"INT{n:05d},SF" for n in range(3000)]
BATCHGET = "/cgi-bin/express/business/order/batchget"


@contextmanager
def fetching(
    tmp_path: Path, *options: str
) -> Iterator[tuple[subprocess.Popen[str], SandboxServer]]:
    """`fetch -i` of 3,000 orders, its first calls under way (none answered yet)."""
    order_file = tmp_path / "orders.txt"
    order_file.write_text("\n".join(ORDERS) + "\n", encoding="utf-8")
    with SandboxServer(port=0, latency=0.5) as sandbox:  # 4 calls of 100 at once
        env = {k: v for k, v in os.environ.items() if not k.startswith("WAYBILL_")}
        env.update(creds(sandbox), WAYBILL_HOME=str(tmp_path / "home"))
        command = ["fetch", "--api-base", sandbox.base_url, "-i", str(order_file), *options]
        with subprocess.Popen(
            [sys.executable, "-m", "app", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # as from a terminal: a child of a shell without job control ignores SIGINT
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        ) as proc:
            deadline = time.monotonic() + 60
            while sandbox.stats.calls(BATCHGET) == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert sandbox.stats.calls(BATCHGET) > 0
            try:
                yield proc, sandbox
            finally:
                if proc.poll() is None:
                    proc.kill()


def finish(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """The rest of its output (through the same buffered pipes the first line came from)."""
    assert proc.stdout is not None and proc.stderr is not None
    rest, err = proc.stdout.read(), proc.stderr.read()  # stderr carries a few lines only
    proc.wait(timeout=120)
    return rest, err


def done_orders(home: Path) -> set[str]:
    ledger = sqlite3.connect(home / "data" / "ledger.sqlite3")
    try:
        rows = ledger.execute("SELECT order_id FROM orders WHERE state = 'done'").fetchall()
        (open_runs,) = ledger.execute("SELECT count(*) FROM runs WHERE ended_at IS NULL")
    finally:
        ledger.close()
    assert open_runs == (0,)  # the run was closed on the way out
    return {row[0] for row in rows}


def run_again(tmp_path: Path, sandbox: SandboxServer) -> None:
    command = ["fetch", "--api-base", sandbox.base_url, "-i", str(tmp_path / "orders.txt")]
    again = run_cli(command, {**creds(sandbox), "WAYBILL_HOME": str(tmp_path / "home")})
    assert again.returncode == 0, again.stderr
    assert len(again.stdout.splitlines()) == len(ORDERS)
    assert f"{len(ORDERS)} lines: {len(ORDERS)} ok" in again.stderr


def test_ctrl_c_stops_after_the_calls_under_way_and_reports_each_whole(tmp_path: Path) -> None:
    with fetching(tmp_path) as (proc, sandbox):
        proc.send_signal(signal.SIGINT)
        out, err = finish(proc)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        assert "stopping (Ctrl-C)" in err and "stopped (Ctrl-C)" in err, err
        assert "Run the same command again" in err
        reported = [line.split(maxsplit=4) for line in out.splitlines()]
        assert len(reported) == 800, out  # the first window, each line whole
        assert all(line[0] in ("OK", "ERROR") and line[2] == "SF" for line in reported), out
        ok = {line[1] for line in reported if line[0] == "OK"}
        stopped = [line for line in reported if line[0] == "ERROR"]
        assert len(ok) >= 100 and len(stopped) >= 100  # the calls under way, no others
        assert all("fetch was cancelled" in line[-1] for line in stopped), stopped[:3]
        assert ok == done_orders(tmp_path / "home")  # each answer reported was stored
        assert "800 lines:" in err  # the summary counts what was reported
        assert sandbox.stats.calls(BATCHGET) == len(ok) // 100  # no call after Ctrl-C
        run_again(tmp_path, sandbox)


def test_a_second_ctrl_c_quits_at_once_in_one_line(tmp_path: Path) -> None:
    with fetching(tmp_path) as (proc, sandbox):
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)  # the calls under way take 0.5 s
        proc.send_signal(signal.SIGINT)
        _rest, err = finish(proc)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        assert "interrupted (Ctrl-C)" in err, err
        done_orders(tmp_path / "home")
        run_again(tmp_path, sandbox)


def test_ctrl_c_while_fetching_for_pdfs_leaves_the_fetched_labels_to_resume(
    tmp_path: Path,
) -> None:
    pdf_dir = tmp_path / "pdf"
    with fetching(tmp_path, "--pdf-dir", str(pdf_dir)) as (proc, sandbox):
        proc.send_signal(signal.SIGINT)
        out, err = finish(proc)
        assert proc.returncode == 130 and "Traceback" not in err, err
        reported = [line.split(maxsplit=4) for line in out.splitlines()]
        fetched = [line for line in reported if line[0] == "STOPPED"]
        assert len(reported) == 800 and len(fetched) >= 100, out
        assert all("resume" in line[-1] and line[3] != "-" for line in fetched), fetched[:2]
        assert not list(pdf_dir.glob("*.pdf"))  # nothing put out after Ctrl-C
        resumed = run_cli(
            ["resume", "--api-base", sandbox.base_url, "--pdf-dir", str(pdf_dir)],
            {**creds(sandbox), "WAYBILL_HOME": str(tmp_path / "home")},
        )
    assert resumed.returncode == 0, resumed.stderr
    written = {path.stem for path in pdf_dir.glob("*.pdf")}
    assert {line[3] for line in fetched} <= written  # each fetched label, put out by resume
