"""A printer that reports one resolution gets its jobs at that resolution.

Two cups-pdf queues whose PPDs offer a single resolution each (203 dpi, as thermal label
printers have, and 300 dpi). The Qt raster route draws the label at the job's resolution
and sends that image; what came out of each queue says at which resolution it was drawn
(`pdfimages -list`, the image's pixels per inch).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinterInfo
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.queue import BACKEND_RASTER, PrintJob, PrintQueue
from tests.fixtures.cups import CupsPdfQueue, start_cups
from tests.fixtures.placement import placed_barcode_label
from tests.integration.cups_support import fresh_order_id, wait_for_own_pdfs

pytestmark = pytest.mark.cups

STOCK_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")


def one_resolution_ppd(dpi: int, folder: Path) -> Path:
    """The cups-pdf PPD, offering `dpi` as its only resolution."""
    lines = STOCK_PPD.read_text(encoding="latin-1").splitlines()
    kept = [line for line in lines if not line.startswith(("*DefaultResolution", "*Resolution "))]
    at = kept.index("*OrderDependency: 100 AnySetup *Resolution") + 1
    kept[at:at] = [
        f"*DefaultResolution: {dpi}dpi",
        f'*Resolution {dpi}dpi/{dpi} DPI: "<</HWResolution[{dpi} {dpi}]>>setpagedevice"',
    ]
    path = folder / f"one-resolution-{dpi}.ppd"
    path.write_text("\n".join(kept) + "\n", encoding="latin-1")
    return path


@pytest.fixture(scope="module")
def single_resolution_queues(tmp_path_factory: pytest.TempPathFactory) -> dict[int, CupsPdfQueue]:
    folder = tmp_path_factory.mktemp("ppd")
    return {
        dpi: start_cups(
            f"LabelRes{dpi}",
            Path("/var/spool/cups-pdf") / f"LabelRes{dpi}",
            one_resolution_ppd(dpi, folder),
        )
        for dpi in (203, 300)
    }


@pytest.fixture
def raster_queue(print_queue: PrintQueue) -> Iterator[PrintQueue]:
    print_queue.set_backend(BACKEND_RASTER)
    yield print_queue


def image_ppi(pdf: Path) -> list[tuple[int, int]]:
    """(x-ppi, y-ppi) of every image in the PDF."""
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    found = []
    for line in listing.stdout.splitlines()[2:]:
        fields = line.split()
        if len(fields) >= 14 and re.fullmatch(r"\d+", fields[12]):
            found.append((int(fields[12]), int(fields[13])))
    return found


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_printer_of_one_resolution_gets_the_label_at_that_resolution(
    qtbot: QtBot,
    raster_queue: PrintQueue,
    single_resolution_queues: dict[int, CupsPdfQueue],
    dpi: int,
) -> None:
    queue = single_resolution_queues[dpi]
    assert QPrinterInfo.printerInfo(queue.name).supportedResolutions() == [dpi]
    code = f"RS{fresh_order_id()[-10:]}"
    before = queue.snapshot()
    finished: list[tuple[int, bool, str]] = []
    raster_queue.jobFinished.connect(lambda *args: finished.append(args))
    raster_queue.submit(
        PrintJob(
            job_id=1,
            html=placed_barcode_label(code),
            page_size=PageSizeMm(100, 150),
            printer_name=queue.name,
            title=code,
        )  # no dpi of its own: the printer's
    )
    qtbot.waitUntil(lambda: bool(finished), timeout=120_000)
    assert finished[0][1], finished
    (pdf,) = wait_for_own_pdfs(queue, before, [code], 1)
    ppi = image_ppi(pdf)
    assert ppi and all(p == pytest.approx((dpi, dpi), abs=2) for p in ppi), ppi
