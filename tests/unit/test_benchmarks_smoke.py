"""The benchmark runner works end to end: `run.py --quick --only fetch` prints the table with
the fetch rows, each with numeric figures (not a timing assertion: only that it measured)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_fetch_benchmark_prints_its_rows() -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.run", "--quick", "--only", "fetch"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    rows = {
        cells[0]: cells[1:]
        for line in proc.stdout.splitlines()
        if line.startswith("| fetch ")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    comparisons = [
        "vs ideal",
        "vs ideal + sandbox service time",
        "vs getOrder loop",
        "vs sequential batchGetOrder",
    ]
    assert sorted(name.rsplit(": ", 1)[1] for name in rows) == sorted(comparisons)
    for name, (ours, alternative, ratio, _target, result) in rows.items():
        assert re.fullmatch(r"\d+(\.\d+)? m?s", ours), (name, ours)
        assert re.search(r"\d", alternative), (name, alternative)
        assert re.match(r"\d+(\.\d+)?×", ratio), (name, ratio)
        assert result in {"PASS", "MISS", "—"}, (name, result)
    assert rows and "**Machine:**" in proc.stdout and "cores" in proc.stdout
