"""Benchmark `memory`: resident memory of the program and its QtWebEngine processes.

1. Peak: the window fetches N waybills from a sandbox process and every label is loaded
   into the preview view (the row selected, waiting for the preview's `labelLoaded`).
   The peak is the highest sum of VmRSS over the process tree, sampled every 100 ms
   (/proc/<pid>/status of this process and all its descendants). That sum counts the
   shared Qt/Chromium library pages once per process, so the sum of Pss is given too.
2. Growth: the window then prints M labels to its PDF target (the PDFs are deleted as
   they are written). The tree's RSS after a warm-up of 100 labels is the
   baseline; growth is (RSS after M more labels − baseline) / baseline.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from app.ui.queue_model import RowState
from tests.benchmarks.common import (
    Row,
    RssSampler,
    run_main,
    sandbox_process,
    tree_hwm_mb,
    tree_rss_mb,
)
from tests.benchmarks.window import bench_window, wait_for

#: Overrides the number of printed labels of a full run (`run.py --memory-prints`).
PRINTS_ENV = "BENCH_MEMORY_PRINTS"


def preview_all(window: MainWindow) -> None:
    loaded: list[bool] = []
    window.preview.labelLoaded.connect(loaded.append)
    selection = window.table.selectionModel()
    for row in range(window.model.rowCount()):
        before = len(loaded)
        selection.setCurrentIndex(
            window.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        wait_for(lambda before=before: len(loaded) > before, 60)  # type: ignore[misc]


def print_labels(window: MainWindow, count: int, ended: list[bool]) -> None:
    """Print `count` labels through the window's print flow (reprinting rows in turn)."""
    keys = [window.model.row_at(r).key for r in range(window.model.rowCount())]
    done = 0
    while done < count:
        chunk = keys[: min(len(keys), count - done)]
        goal = len(ended) + len(chunk)
        window.printer.print_keys(chunk, reprint=True)
        wait_for(lambda goal=goal: len(ended) >= goal, 3600)  # type: ignore[misc]
        done += len(chunk)
    if not all(ended):
        raise RuntimeError(f"{ended.count(False)} labels failed to print")


def run(quick: bool) -> list[Row]:
    n = 30 if quick else 1000
    m = 10 if quick else int(os.environ.get(PRINTS_ENV) or 2000)
    warm = 3 if quick else 100
    pid = os.getpid()
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    with (
        tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp,
        sandbox_process(0.0) as sb,
        bench_window(sb, pdf_dir=Path(tmp)) as window,
    ):
        sandbox = frozenset({sb.pid})
        with RssSampler(pid, exclude=sandbox) as sampler:
            window.add_text("\n".join(f"MEM{i:07d},SF" for i in range(n)))
            window.fetch()
            wait_for(lambda: not window.fetcher.running, 300)
            ready = window.model.counts()[RowState.READY]
            if ready != n:
                raise RuntimeError(f"only {ready} of {n} orders are ready")
            preview_all(window)
        peak, hwm, pss = sampler.peak_mb, tree_hwm_mb(pid, sandbox), sampler.peak_pss_mb

        ended: list[bool] = []

        def on_end(_key: object, ok: bool, message: str) -> None:
            ended.append(ok)
            path = Path(message.removeprefix("sent to "))
            if path.parent == Path(tmp):
                path.unlink(missing_ok=True)

        window.printer.jobEnded.connect(on_end)
        print_labels(window, warm, ended)
        base = tree_rss_mb(pid, sandbox)
        print_labels(window, m, ended)
        final = tree_rss_mb(pid, sandbox)
    growth = (final - base) / base * 100
    return [
        Row(
            f"peak RSS after {n} waybills fetched and previewed",
            f"{peak:.0f} MB (Pss {pss:.0f} MB)",
            "—",
            "—",
            "≤ 400 MB",
            peak <= 400,
            "sum of VmRSS over the program and its QtWebEngine processes (not the sandbox "
            "process), sampled every "
            f"100 ms; the sum of each process's own VmHWM (an upper bound) is {hwm:.0f} MB. "
            "The VmRSS sum counts shared library pages (libQt6WebEngineCore is a 200 MB "
            "library) "
            "once per process; the Pss sum counts them once — judged on VmRSS as asked",
        ),
        Row(
            f"RSS growth across {m} printed labels",
            f"{growth:+.1f} % ({base:.0f} → {final:.0f} MB)",
            "—",
            "—",
            "≤ 10 %",
            growth <= 10,
            f"through the window's print flow to its PDF target at 203 dpi; baseline after "
            f"{warm} warm-up labels",
        ),
    ]


def main() -> None:
    run_main(run)


if __name__ == "__main__":
    main()
