"""Benchmark `render`: labels to PDF with `LabelRenderer` (one reused hardened page) versus
Debian's `chromium --headless --print-to-pdf`, started once per label.

Chromium is timed on a sample and extrapolated linearly (its cost is per process start).
Missing Chromium is reported, with how to install it, instead of failing the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from app.core.model import Waybill
from app.printing.profile import make_label_profile
from app.printing.render import LabelRenderer
from tests.benchmarks.common import Row, not_measured, run_main, secs, times
from tests.benchmarks.labels import sandbox_waybills

CHROMIUM_FLAGS = [
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_pdf(chromium: str, html: str, workdir: Path, index: int) -> float:
    """Seconds for one cold `chromium --print-to-pdf` of `html` (fresh profile)."""
    page = workdir / f"label-{index}.html"
    page.write_text(html, encoding="utf-8")
    out = workdir / f"label-{index}.pdf"
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}"]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")
    command.append(page.as_uri())
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, timeout=120)
    elapsed = time.perf_counter() - start
    if not out.exists() or out.stat().st_size == 0 or not out.read_bytes().startswith(b"%PDF"):
        raise RuntimeError(f"chromium wrote no PDF for label {index}")
    shutil.rmtree(profile, ignore_errors=True)
    return elapsed


def render_ours(waybills: list[Waybill]) -> float:
    profile = make_label_profile()
    renderer = LabelRenderer(profile)
    for waybill in waybills[:3]:  # warm-up: the first page load starts the renderer process
        renderer.render_pdf_blocking(waybill.html or "", waybill.page_size)
    start = time.perf_counter()
    for waybill in waybills:
        pdf = renderer.render_pdf_blocking(waybill.html or "", waybill.page_size)
        assert pdf.startswith(b"%PDF")
    elapsed = time.perf_counter() - start
    for obj in (renderer, profile):
        obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return elapsed


def run(quick: bool) -> list[Row]:
    n = 20 if quick else 200
    sample = 1 if quick else 20
    metric = f"render {n} labels to PDF"
    target = "≥ 30×"
    waybills = sandbox_waybills(n, prefix="RND")
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    ours = render_ours(waybills)
    chromium = find_chromium()
    if chromium is None:
        row = not_measured(
            metric, "chromium is not installed (as root: apt-get install -y chromium)", target
        )
        return [Row(row.metric, secs(ours), row.ours, "—", target, None)]
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as tmp:
        chromium_pdf(chromium, waybills[0].html or "", Path(tmp), -1)  # page cache warm-up
        each = [
            chromium_pdf(chromium, w.html or "", Path(tmp), i)
            for i, w in enumerate(waybills[:sample])
        ]
    per_label = sum(each) / len(each)
    alt = per_label * n
    return [
        Row(
            metric,
            f"{secs(ours)} ({secs(ours / n)}/label)",
            f"chromium per label {secs(alt)} (est.)",
            times(alt / ours) + " faster",
            target,
            alt / ours >= 30,
            f"LabelRenderer: one reused hardened page, sandbox labels of mixed carriers, "
            f"3 untimed warm-up renders. Chromium: `{Path(chromium).name} --headless "
            f"--print-to-pdf` with a fresh --user-data-dir per label, measured on {sample} "
            f"labels ({secs(per_label)} each) and extrapolated linearly to {n}",
        )
    ]


def main() -> None:
    run_main(run)


if __name__ == "__main__":
    main()
