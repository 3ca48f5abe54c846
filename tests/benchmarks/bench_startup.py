"""Benchmark `startup`: from starting the program's process to its scan field taking input.

`startup_probe` opens the window the way `waybill-printer` (not the demo) does and prints
a timestamp once the scan field is enabled, visible and holds the window's keyboard focus,
with the window exposed. The clock starts just before the process is spawned, so Python's
own start and all imports count. Compared with a bare QApplication showing one empty
`QWebEngineView` (the floor of any QtWebEngine program). Runs alternate; medians count.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from tests.benchmarks.common import REPO, Row, isolated_env, run_main, secs

PROBE = "tests.benchmarks.startup_probe"


def one_start(bare: bool) -> float:
    command = [sys.executable, "-m", PROBE, *(["--bare"] if bare else [])]
    env = isolated_env()
    start = time.time()
    proc = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    for line in proc.stdout.splitlines():
        if line.startswith("READY "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"the probe never got ready: {proc.stderr.strip()[-300:]}")


def run(quick: bool) -> list[Row]:
    runs = 1 if quick else 5
    one_start(bare=False)  # untimed: fills the OS page cache
    ours, bare = [], []
    for _ in range(runs):
        ours.append(one_start(bare=False))
        bare.append(one_start(bare=True))
    o, b = statistics.median(ours), statistics.median(bare)
    display = "Xvfb" if os.environ.get("DISPLAY") else "offscreen platform"
    return [
        Row(
            "startup: process start → scan field accepts input",
            secs(o),
            f"bare QWebEngineView {secs(b)}",
            f"{o / b:.2f}× the floor",
            "≤ 1.5 s",
            o <= 1.5,
            f"median of {runs} warm starts each, alternating ({secs(min(ours))}–"
            f"{secs(max(ours))}); the window opened as `run_gui` does (settings file, "
            f"services, print queue; not the demo), on {display}; measured by a probe "
            "process, no hook in the program",
        )
    ]


def main() -> None:
    run_main(run)


if __name__ == "__main__":
    main()
