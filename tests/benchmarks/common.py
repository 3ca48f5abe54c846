"""What every benchmark shares: result rows, the table, the machine line, process memory,
the sandbox in its own process, and the environment Qt benchmarks run in.

Each benchmark module (`bench_<name>.py`) runs in a fresh Python process started by
`run.py` and reports its rows as one JSON line prefixed with `ROWS_MARKER`, so Qt state,
memory figures and crashes of one benchmark never touch another.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.wiring.qt_environment import use_label_fonts

REPO = Path(__file__).resolve().parents[2]
ROWS_MARKER = "BENCH-ROWS "


@dataclass(frozen=True)
class Row:
    """One line of the result table; `passed` is None when the row has no target."""

    metric: str
    ours: str
    alternative: str
    ratio: str
    target: str
    passed: bool | None
    note: str = ""

    @property
    def result(self) -> str:
        if self.passed is None:
            return "—"
        return "PASS" if self.passed else "MISS"


def not_measured(metric: str, why: str, target: str = "") -> Row:
    return Row(metric, f"not measured: {why}", "—", "—", target or "—", None)


def emit_rows(rows: list[Row]) -> None:
    """Print the rows for `run.py` (one JSON line)."""
    print(ROWS_MARKER + json.dumps([asdict(r) for r in rows], ensure_ascii=False), flush=True)


def run_main(run: Callable[[bool], list[Row]]) -> None:
    """A benchmark module's `main`: `--quick` for a smoke run, the rows printed for `run.py`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    emit_rows(run(parser.parse_args().quick))


def parse_rows(stdout: str) -> list[Row] | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith(ROWS_MARKER):
            return [Row(**r) for r in json.loads(line[len(ROWS_MARKER) :])]
    return None


# ---- formatting ------------------------------------------------------------------------


def secs(seconds: float) -> str:
    if seconds >= 100:
        return f"{seconds:.0f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.0f} ms"


def times(x: float) -> str:
    return f"{x:.0f}×" if x >= 20 else f"{x:.2f}×"


def table(rows: list[Row]) -> str:
    lines = [
        "| metric | this program | alternative | ratio | target | result |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [r.metric, r.ours, r.alternative, r.ratio, r.target, r.result]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    notes = [f"- **{r.metric}**: {r.note}" for r in rows if r.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def machine_line() -> str:
    """Cores, memory, load, date, Python and Qt versions."""
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    qt = subprocess.run(
        [sys.executable, "-c", "import PySide6.QtCore as c; print(c.qVersion(), c.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    qt_text = f"Qt {qt[0]} / PySide6 {qt[1]}" if len(qt) == 2 else "Qt ?"
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{date} · {os.cpu_count()} cores ({model or platform.machine()}) · "
        f"{mem_kb / 1024 / 1024:.1f} GiB RAM · load average {load} · "
        f"Python {platform.python_version()} · {qt_text} · {platform.system()} "
        f"{platform.release()}"
    )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


# ---- environment -----------------------------------------------------------------------


def isolated_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a benchmark process: temp XDG dirs and home, Qt/WebEngine flags.
    The home (ledgers, caches: gigabytes after a million lines) goes when this benchmark's
    process exits; every benchmark runs in a process of its own."""
    env = dict(os.environ if base is None else base)
    home = tempfile.mkdtemp(prefix="waybill-bench-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[var] = os.path.join(home, var.lower())
    runtime = os.path.join(home, "runtime")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = runtime
    env["WAYBILL_HOME"] = os.path.join(home, "app")
    if os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    use_label_fonts(env)  # as the program does
    return env


# ---- the sandbox in its own process ----------------------------------------------------


@dataclass(frozen=True)
class SandboxInfo:
    base_url: str
    appid: str
    secret: str
    pid: int = 0


@contextmanager
def sandbox_process(latency: float = 0.0, *, shared_labels: bool = False) -> Iterator[SandboxInfo]:
    """`waybill-printer sandbox` in a child process, so its CPU and memory are not ours."""
    extra = ["--shared-labels"] if shared_labels else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "sandbox", "--port", "0", "--latency", str(latency), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        found: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while len(found) < 3 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if m := re.match(r"Sandbox listening on (\S+)", line):
                found["base_url"] = m[1]
            elif m := re.match(r"AppID:\s+(\S+)", line):
                found["appid"] = m[1]
            elif m := re.match(r"AppSecret:\s+(\S+)", line):
                found["secret"] = m[1]
        if len(found) < 3:
            raise RuntimeError("the sandbox process did not start")
        yield SandboxInfo(**found, pid=proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- memory of a process tree ----------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        tasks = list(task_dir.iterdir())
    except OSError:
        return kids
    for task in tasks:
        try:
            kids += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def process_tree(pid: int, exclude: frozenset[int] = frozenset()) -> list[int]:
    """`pid` and all its descendants (QtWebEngineProcess and its zygotes, renderers),
    leaving out the subtrees of `exclude` (e.g. the sandbox process)."""
    seen: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        if current in seen or current in exclude:
            continue
        seen.append(current)
        todo += _children(current)
    return seen


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by the tree, including the waited-for
    children of every process in it (`lp`; a renderer process that QtWebEngine's zygote
    reaped when its page was replaced): the load-independent cost of work on a busy
    machine. A reaped process is no longer in the tree, so nothing is counted twice."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += sum(int(f) for f in fields[11:15])
    return total / tick


def tree_rss_mb(pid: int, exclude: frozenset[int] = frozenset()) -> float:
    """Sum of VmRSS over the process tree, in MiB."""
    return sum(_status_kb(p, "VmRSS") for p in process_tree(pid, exclude)) / 1024


def tree_pss_mb(pid: int, exclude: frozenset[int] = frozenset()) -> float:
    """Sum of Pss (/proc/<pid>/smaps_rollup) over the tree, in MiB: shared library pages
    counted once in all, not once per process as the VmRSS sum does."""
    total = 0
    for p in process_tree(pid, exclude):
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


def tree_hwm_mb(pid: int, exclude: frozenset[int] = frozenset()) -> float:
    """Sum of every process's own peak (VmHWM) over the tree: an upper bound of the peak."""
    return sum(_status_kb(p, "VmHWM") for p in process_tree(pid, exclude)) / 1024


class RssSampler:
    """Samples the tree's summed RSS every `interval` seconds in a thread; keeps the peak."""

    def __init__(
        self, pid: int, interval: float = 0.1, exclude: frozenset[int] = frozenset()
    ) -> None:
        self.pid = pid
        self.exclude = exclude
        self.interval = interval
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> float:
        now = tree_rss_mb(self.pid, self.exclude)
        self.peak_mb = max(self.peak_mb, now)
        self.peak_pss_mb = max(self.peak_pss_mb, tree_pss_mb(self.pid, self.exclude))
        return now

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
