"""Benchmark `verify`: what label verification costs, measured side by side with it off.

In one run, on the same sandbox labels of mixed carriers (rendered once by
`LabelRenderer`):
- CPU per label of `verify_label` alone (CPU time of the calling thread, so the machine's other load
  does not count; pdfium and zxing run on the calling thread);
- labels per second from HTML to a checked PDF: render + verify against render alone,
  alternating the two per batch so drift hits both alike.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from app.core.model import Waybill
from app.printing.profile import make_label_profile
from app.printing.render import LabelRenderer
from app.printing.verify import VerifyPolicy, verify_label
from tests.benchmarks.common import Row, run_main, tree_cpu_seconds
from tests.benchmarks.labels import sandbox_waybills

WHOLE_PAGE = VerifyPolicy(quick_look=False)


def _render_all(renderer: LabelRenderer, waybills: list[Waybill]) -> list[bytes]:
    return [renderer.render_pdf_blocking(w.html or "", w.page_size) for w in waybills]


def _throughput(
    renderer: LabelRenderer, waybills: list[Waybill], verify: bool
) -> tuple[float, float]:
    """Labels per second and CPU seconds of the process tree (renderers included)."""
    cpu_start = tree_cpu_seconds(os.getpid())
    start = time.perf_counter()
    for waybill in waybills:
        pdf = renderer.render_pdf_blocking(waybill.html or "", waybill.page_size)
        if verify:
            result = verify_label(pdf, waybill.waybill_id)
            assert result.ok, result.reason
    rate = len(waybills) / (time.perf_counter() - start)
    return rate, tree_cpu_seconds(os.getpid()) - cpu_start


def run(quick: bool) -> list[Row]:
    n = 20 if quick else 200
    waybills = sandbox_waybills(n, prefix="VFY")
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    profile = make_label_profile()
    renderer = LabelRenderer(profile)
    try:
        _render_all(renderer, waybills[:3])  # warm-up: starts the renderer process
        pdfs = _render_all(renderer, waybills)
        for pdf, waybill in zip(pdfs[:3], waybills, strict=False):
            verify_label(pdf, waybill.waybill_id)  # warm-up: loads pdfium and zxing
        cpu_start = time.thread_time()
        results = [verify_label(pdf, w.waybill_id) for pdf, w in zip(pdfs, waybills, strict=True)]
        cpu_ms = (time.thread_time() - cpu_start) * 1000 / n
        failed = [r.reason for r in results if not r.ok]
        assert not failed, failed[:3]
        quick_share = f"{sum(r.quick for r in results)} of {n}"
        cpu_start = time.thread_time()
        for pdf, w in zip(pdfs, waybills, strict=True):
            verify_label(pdf, w.waybill_id, policy=WHOLE_PAGE)
        whole_ms = (time.thread_time() - cpu_start) * 1000 / n
        batch = max(5, n // 10)
        on: list[float] = []
        off: list[float] = []
        cpu_on = cpu_off = 0.0
        for index in range(0, n, batch):
            chunk = waybills[index : index + batch]
            rate, cpu = _throughput(renderer, chunk, verify=False)
            off.append(rate)
            cpu_off += cpu
            rate, cpu = _throughput(renderer, chunk, verify=True)
            on.append(rate)
            cpu_on += cpu
        rate_on = len(on) / sum(1 / r for r in on)
        rate_off = len(off) / sum(1 / r for r in off)
    finally:
        for obj in (renderer, profile):
            obj.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return [
        Row(
            f"verify {n} labels: CPU per label",
            f"{cpu_ms:.1f} ms",
            "verification off: 0 ms",
            f"+{cpu_ms:.1f} ms",
            "≤ 15 ms",
            cpu_ms <= 15,
            "verify_label at 203 dpi (page count and size, pdfium raster, zxing-cpp read "
            "that must give the waybill id) on sandbox labels of mixed carriers; process "
            "CPU time of the verifying thread (QtWebEngine's own threads in this process "
            f"excluded); {quick_share} confirmed by the quick text-free look; the whole "
            f"page rendered for every label (quick look off): {whole_ms:.1f} ms",
        ),
        Row(
            f"render + verify {n} labels",
            f"{rate_on:.1f} labels/s",
            f"verification off: {rate_off:.1f} labels/s",
            f"{rate_on / rate_off:.2f}×",
            "≥ 20 labels/s",
            rate_on >= 20,
            "LabelRenderer (one reused caged page, settle included) then verify_label, "
            f"alternating batches of {batch} with and without verification; CPU per label "
            f"(this process tree, renderers included) {cpu_on * 1000 / n:.0f} ms with, "
            f"{cpu_off * 1000 / n:.0f} ms without",
        ),
    ]


def main() -> None:
    run_main(run)


if __name__ == "__main__":
    main()
