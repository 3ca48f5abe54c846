"""Each print route alone, without the queue: what it delivers and the kind it ends with.

The PDF-file route writes a titled file; the CUPS route hands the PDF to a recording
stand-in for `lp` (accepted → `SPOOLED`, refused → `REFUSED`, never answering →
`TIMED_OUT`); the raster route prints a label through Qt into a PDF file and gives up on a
label that never loads (`RENDER_FAILED`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.print_job import PrintJob
from app.printing.render import LabelRenderer
from app.printing.routes import CupsRoute, PdfFileRoute, RasterRoute
from tests.fixtures.qt import barcode_label_html, pdf_pages, read_barcodes_from_pdf
from tests.unit.printing.fake_lp import FakeLp, failing_lp, silent_lp

SIZE = PageSizeMm(76, 130)


def job(tmp_path: Path | None = None, html: str | None = None) -> PrintJob:
    return PrintJob(
        job_id=7,
        html=html if html is not None else barcode_label_html("SF7007", 76, 130),
        page_size=SIZE,
        printer_name="Bench",
        title="SF7007",
        pdf_path=tmp_path / "out.pdf" if tmp_path is not None else None,
    )


@pytest.fixture
def label_pdf(renderer: LabelRenderer) -> bytes:
    return renderer.render_pdf_blocking(job().html, SIZE)


def test_pdf_file_route_writes_a_titled_file(label_pdf: bytes, tmp_path: Path) -> None:
    ended: list[PrintResult] = []
    PdfFileRoute().deliver(job(tmp_path), label_pdf, ended.append)
    (result,) = ended
    assert result.kind is OutcomeKind.SPOOLED and result.pdf_path == str(tmp_path / "out.pdf")
    assert pypdf.PdfReader(tmp_path / "out.pdf").metadata.title == "SF7007"  # type: ignore[union-attr]
    assert read_barcodes_from_pdf(tmp_path / "out.pdf") == ["SF7007"]


def test_pdf_file_route_that_cannot_write_is_write_failed(label_pdf: bytes, tmp_path: Path) -> None:
    (tmp_path / "out.pdf").mkdir()  # a folder where the file should go
    ended: list[PrintResult] = []
    PdfFileRoute().deliver(job(tmp_path), label_pdf, ended.append)
    assert [r.kind for r in ended] == [OutcomeKind.WRITE_FAILED]


def deliver_to(lp: FakeLp, pdf: bytes, qtbot: QtBot) -> PrintResult:
    owner = QObject()
    route = CupsRoute(str(lp.path), owner)
    ended: list[PrintResult] = []
    route.deliver(job(), pdf, "Bench", ended.append)
    qtbot.waitUntil(lambda: bool(ended), timeout=90_000)
    route.shutdown()
    return ended[0]


def test_cups_route_spools_the_pdf_as_it_is(
    label_pdf: bytes, fake_lp: FakeLp, qtbot: QtBot
) -> None:
    result = deliver_to(fake_lp, label_pdf, qtbot)
    assert result.kind is OutcomeKind.SPOOLED and "Fake-1" in result.detail
    (call,) = fake_lp.calls()
    assert call.document == label_pdf and call.option("-d") == "Bench"
    assert "media=Custom.76x130mm" in call.options()


def test_cups_route_refused_by_lp_is_refused(
    label_pdf: bytes, tmp_path: Path, qtbot: QtBot
) -> None:
    result = deliver_to(failing_lp(tmp_path / "lp"), label_pdf, qtbot)
    assert result.kind is OutcomeKind.REFUSED
    assert "does not exist" in result.detail


def test_cups_route_without_an_answer_is_timed_out(
    label_pdf: bytes, tmp_path: Path, qtbot: QtBot
) -> None:
    owner = QObject()
    route = CupsRoute(str(silent_lp(tmp_path / "lp").path), owner)
    ended: list[PrintResult] = []
    route.deliver(job(), label_pdf, "Bench", ended.append)
    assert route.busy
    route.shutdown()  # as the queue does when its watchdog fires
    assert [r.kind for r in ended] == [OutcomeKind.TIMED_OUT]


def test_raster_route_prints_through_qt(
    label_profile: QWebEngineProfile, tmp_path: Path, qtbot: QtBot
) -> None:
    owner = QObject()
    route = RasterRoute(label_profile, owner, load_timeout_s=15, print_timeout_s=60)
    ended: list[PrintResult] = []
    route.start(job(tmp_path), ended.append)
    qtbot.waitUntil(lambda: bool(ended), timeout=60_000)
    route.shutdown()
    assert ended[0].kind is OutcomeKind.SPOOLED
    (page,) = pdf_pages(tmp_path / "out.pdf")
    assert abs(page[0] - 76) < 1 and abs(page[1] - 130) < 1


def test_raster_route_gives_up_on_a_label_that_never_loads(
    label_profile: QWebEngineProfile, tmp_path: Path, qtbot: QtBot
) -> None:
    owner = QObject()
    route = RasterRoute(label_profile, owner, load_timeout_s=0.001, print_timeout_s=60)
    ended: list[PrintResult] = []
    route.start(job(tmp_path), ended.append)
    qtbot.waitUntil(lambda: bool(ended), timeout=30_000)
    route.shutdown()
    assert ended[0].kind is OutcomeKind.RENDER_FAILED
    assert not (tmp_path / "out.pdf").exists()


def test_raster_route_into_a_folder_takes_a_free_name_and_leaves_no_temp(
    label_profile: QWebEngineProfile, tmp_path: Path, qtbot: QtBot
) -> None:
    folder = tmp_path / "labels"
    folder.mkdir()
    (folder / "SF7007.pdf").write_bytes(b"another program's label")
    owner = QObject()
    route = RasterRoute(label_profile, owner, load_timeout_s=15, print_timeout_s=60)
    ended: list[PrintResult] = []
    for _ in range(2):
        route.start(replace(job(), pdf_path=folder, pdf_in_folder=True), ended.append)
        qtbot.waitUntil(lambda: len(ended) == 1, timeout=60_000)
        assert ended[0].kind is OutcomeKind.SPOOLED
        written = Path(str(ended.pop().pdf_path))
        assert read_barcodes_from_pdf(written) == ["SF7007"]
    route.shutdown()
    names = sorted(p.name for p in folder.iterdir())  # no hidden temp file is left
    assert names == ["SF7007-2.pdf", "SF7007-3.pdf", "SF7007.pdf"]
    assert (folder / "SF7007.pdf").read_bytes() == b"another program's label"
