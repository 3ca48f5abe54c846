"""The queue verifies each rendered label before it goes out: unverified labels never
reach a printer unless "Print anyway" allowed them, absurd pages never; a PDF file is
still written, for inspection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.print_job import CheckFailure
from app.printing.profile import LabelProfile
from app.printing.queue import PrintJob, PrintQueue
from app.printing.render import RenderResult
from app.printing.verify import VerifyPolicy
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import barcode_label_html, dispose, read_barcodes_from_pdf
from tests.unit.printing.fake_lp import FakeLp

NO_BARCODE = (
    "<html><head><style>@page { size: 100mm 150mm }</style></head><body>"
    "<h1>顺丰速运</h1><p style='border: 1mm solid #000'>收件人 张三 运单号 SF1</p></body></html>"
)
ABSURD = "<html><head><style>@page { size: 5000mm 5000mm }</style></head><body>SF1</body></html>"


def job(job_id: int, html: str, waybill: str, **kw: object) -> PrintJob:
    return PrintJob(
        job_id=job_id,
        html=html,
        page_size=PageSizeMm(100, 150),
        printer_name=str(kw.pop("printer", "")),
        title=waybill,
        waybill_id=waybill,
        verify=VerifyPolicy(),
        **kw,  # type: ignore[arg-type]
    )


def results(qtbot: QtBot, queue: PrintQueue, jobs: list[PrintJob]) -> dict[int, PrintResult]:
    ended: dict[int, PrintResult] = {}
    queue.jobEnded.connect(lambda job_id, result: ended.__setitem__(job_id, result))
    for one in jobs:
        queue.submit(one)
    qtbot.waitUntil(lambda: len(ended) == len(jobs), timeout=60_000)
    return ended


def test_a_pdf_file_is_written_but_the_label_is_unverified(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    good = job(1, barcode_label_html("SF7", 100, 150), "SF7", pdf_path=tmp_path / "1.pdf")
    bad = job(2, NO_BARCODE, "SF1", pdf_path=tmp_path / "2.pdf")
    wrong = job(3, barcode_label_html("SF8", 100, 150), "SF9", pdf_path=tmp_path / "3.pdf")
    ended = results(qtbot, print_queue, [good, bad, wrong])
    assert ended[1].kind is OutcomeKind.SPOOLED and ended[1].detail.endswith("; verified")
    assert ended[2].kind is OutcomeKind.UNVERIFIED
    assert ended[2].detail == "no barcode found at 203 dpi"
    assert ended[2].pdf_path == str(tmp_path / "2.pdf") and (tmp_path / "2.pdf").is_file()
    assert ended[3].detail == "barcode reads SF8, not the waybill SF9"


def test_a_label_the_calibration_offset_moves_off_its_page_is_caught(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    # Verified where it will be on paper: after the offset, not before.
    html = barcode_label_html("SF7", 100, 150)
    near = job(1, html, "SF7", pdf_path=tmp_path / "1.pdf", offset_mm=(2.0, 3.0))
    gone = job(2, html, "SF7", pdf_path=tmp_path / "2.pdf", offset_mm=(0.0, 160.0))
    ended = results(qtbot, print_queue, [near, gone])
    assert ended[1].kind is OutcomeKind.SPOOLED and ended[1].detail.endswith("; verified")
    assert ended[2].kind is OutcomeKind.UNVERIFIED
    assert ended[2].detail == "the label is blank"


def test_without_a_policy_nothing_is_verified(
    qtbot: QtBot, print_queue: PrintQueue, tmp_path: Path
) -> None:
    plain = PrintJob(1, NO_BARCODE, PageSizeMm(100, 150), "", pdf_path=tmp_path / "1.pdf")
    assert results(qtbot, print_queue, [plain])[1].ok


@pytest.fixture
def lp_queue(label_profile: LabelProfile, fake_lp: FakeLp) -> Iterator[PrintQueue]:
    queue = PrintQueue(label_profile, lp_path=str(fake_lp.path))
    yield queue
    queue.shutdown()
    dispose(queue)


@pytest.mark.cups
def test_unverified_labels_never_reach_lp_unless_allowed_and_absurd_pages_never(
    qtbot: QtBot, lp_queue: PrintQueue, fake_lp: FakeLp, cups_pdf_queue: CupsPdfQueue
) -> None:
    printer = cups_pdf_queue.name
    ended = results(
        qtbot,
        lp_queue,
        [
            job(1, NO_BARCODE, "SF1", printer=printer),
            job(2, NO_BARCODE, "SF2", printer=printer, allow_unverified=True),
            job(3, ABSURD, "SF3", printer=printer, allow_unverified=True),
            job(4, barcode_label_html("SF4", 100, 150), "SF4", printer=printer),
        ],
    )
    assert ended[1].kind is OutcomeKind.UNVERIFIED
    assert ended[2].ok and "printed anyway, not verified: no barcode found" in ended[2].detail
    assert ended[3].kind is OutcomeKind.UNVERIFIED and "5000 × 5000 mm" in ended[3].detail
    assert ended[4].ok and ended[4].detail.endswith("; verified")
    assert [call.option("-t") for call in fake_lp.calls()] == ["SF2", "SF4"]


def test_a_label_is_checked_as_soon_as_it_is_rendered(
    qtbot: QtBot, label_profile: LabelProfile, tmp_path: Path
) -> None:
    # An offload that holds every piece of work until the test runs it: the second
    # label's check is handed over while the first label's is still held, i.e. ahead of
    # its turn, so in the window it runs while the label before it is being delivered.
    held: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []

    def holding(
        work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[..., None]
    ) -> None:
        held.append((work, done))

    queue = PrintQueue(label_profile, offload=holding)
    try:
        ended: dict[int, PrintResult] = {}
        queue.jobEnded.connect(lambda job_id, result: ended.__setitem__(job_id, result))
        for i in (1, 2):
            code = f"SF{i}"
            queue.submit(
                job(i, barcode_label_html(code, 100, 150), code, pdf_path=tmp_path / f"{i}.pdf")
            )
        qtbot.waitUntil(lambda: len(held) == 2, timeout=30_000)
        assert ended == {}
        while len(ended) < 2:
            if held:
                work, done = held.pop(0)
                done(work())
            qtbot.wait(10)

    finally:
        queue.shutdown()
        dispose(queue)
    assert ended[1].ok and ended[2].ok and ended[2].detail.endswith("; verified")


def test_a_check_that_breaks_leaves_the_label_unverified(
    qtbot: QtBot, label_profile: LabelProfile, tmp_path: Path
) -> None:
    def broken(job: PrintJob, rendered: RenderResult) -> CheckFailure | None:
        raise ValueError("pdfium said no")

    queue = PrintQueue(label_profile, check=broken)
    try:
        label = job(1, barcode_label_html("SF5", 100, 150), "SF5", pdf_path=tmp_path / "1.pdf")
        ended = results(qtbot, queue, [label])
    finally:
        queue.shutdown()
        dispose(queue)
    assert ended[1].kind is OutcomeKind.UNVERIFIED
    assert ended[1].detail == "the label check failed: pdfium said no"


def test_the_raster_route_prints_only_verified_labels(
    qtbot: QtBot, label_profile: LabelProfile, tmp_path: Path
) -> None:
    # Qt's raster print (here into PDF files) comes from the page, not from a PDF: the
    # label is rendered to a vector PDF and verified first, and only then printed.
    queue = PrintQueue(label_profile, backend="qt-raster", lp_path="")
    paths = {i: tmp_path / f"{i}.pdf" for i in (1, 2, 3, 4)}
    try:
        assert queue.route(job(1, NO_BARCODE, "SF1", pdf_path=paths[1])) == "qt-raster"
        ended = results(
            qtbot,
            queue,
            [
                job(1, barcode_label_html("SF7", 100, 150), "SF7", pdf_path=paths[1]),
                job(2, NO_BARCODE, "SF1", pdf_path=paths[2]),
                job(3, NO_BARCODE, "SF2", pdf_path=paths[3], allow_unverified=True),
                job(4, ABSURD, "SF3", pdf_path=paths[4], allow_unverified=True),
            ],
        )
    finally:
        queue.shutdown()
        dispose(queue)
    assert ended[1].ok and ended[1].detail.endswith("; verified"), ended[1].detail
    assert read_barcodes_from_pdf(paths[1]) == ["SF7"]
    assert ended[2].kind is OutcomeKind.UNVERIFIED
    assert ended[2].detail == "no barcode found at 203 dpi"
    assert not paths[2].exists()  # never printed
    assert ended[3].ok and "printed anyway, not verified: no barcode found" in ended[3].detail
    assert paths[3].is_file()
    assert ended[4].kind is OutcomeKind.UNVERIFIED and "5000 × 5000 mm" in ended[4].detail
    assert not paths[4].exists()
