"""cups_backend: the `lp` command line, reading its answer, and `LpSubmitter` running a
real process (stand-in `lp` scripts that record what they were given)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.printing.cups_backend import (
    LpRequest,
    LpResult,
    LpSubmitter,
    find_lp,
    lp_arguments,
    media_size,
    parse_request_id,
    pdf_page_size_mm,
)
from app.printing.render import LabelRenderer
from tests.fixtures.qt import barcode_label_html
from tests.unit.printing.fake_lp import FakeLp, failing_lp, silent_lp


def test_lp_arguments_for_one_copy() -> None:
    args = lp_arguments(LpRequest("LabelPDF", "SF123", media=PageSizeMm(100, 150)))
    assert args == [
        "-d", "LabelPDF", "-n", "1", "-t", "SF123",
        "-o", "media=Custom.100x150mm", "-o", "print-scaling=none", "-",
    ]  # fmt: skip


def test_lp_arguments_for_copies_dpi_and_fractional_sizes() -> None:
    args = lp_arguments(LpRequest("Zebra", "YT9", copies=3, media=PageSizeMm(76.2, 101.6), dpi=203))
    assert args[args.index("-n") + 1] == "3"
    options = [args[i + 1] for i, a in enumerate(args) if a == "-o"]
    assert options == [
        "collate=true",
        "media=Custom.76.2x101.6mm",
        "print-scaling=none",
        "Resolution=203dpi",
    ]
    assert args[-1] == "-"  # the PDF comes on standard input


def test_lp_arguments_without_size_or_title() -> None:
    args = lp_arguments(LpRequest("P", ""))
    assert args[args.index("-t") + 1] == "label"
    assert not any(a.startswith("media=") for a in args)


def test_lp_arguments_refuse_zero_copies() -> None:
    with pytest.raises(ValueError, match="copies must be at least 1"):
        lp_arguments(LpRequest("P", "t", copies=0))


def test_request_id_is_read_from_the_answer() -> None:
    assert parse_request_id(b"request id is LabelPDF-1094 (1 file(s))\n") == "LabelPDF-1094"
    assert parse_request_id(b"something else\n") is None


def test_page_size_is_read_from_a_rendered_pdf(renderer: LabelRenderer) -> None:
    pdf = renderer.render_pdf_blocking(barcode_label_html("SF1", 76, 130), None)
    size = pdf_page_size_mm(pdf)
    assert size is not None
    assert (size.width, size.height) == (pytest.approx(76, abs=0.5), pytest.approx(130, abs=0.5))
    assert pdf_page_size_mm(b"%PDF-1.4 no pages") is None


def test_media_size_names_the_label_stock() -> None:
    nominal = PageSizeMm(100, 150)
    assert media_size(PageSizeMm(99.8, 149.9), nominal) == nominal
    assert media_size(PageSizeMm(75.94, 129.8), nominal) == PageSizeMm(75.9, 129.8)  # own @page
    assert media_size(PageSizeMm(76.2, 101.6), None) == PageSizeMm(76.2, 101.6)
    assert media_size(None, nominal) == nominal
    assert media_size(None, None) is None


def test_lp_is_found_on_this_system() -> None:
    path = find_lp()
    assert path is not None
    assert Path(path).name == "lp"


def submit_and_wait(qtbot: QtBot, submitter: LpSubmitter, request: LpRequest) -> LpResult:
    results: list[LpResult] = []
    submitter.submit(request, b"%PDF-1.7 label", results.append)
    assert submitter.busy
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert not submitter.busy
    assert len(results) == 1
    return results[0]


def test_submitter_feeds_the_pdf_and_reports_the_cups_job(
    qtbot: QtBot, fake_lp: FakeLp, qapp: object
) -> None:
    submitter = LpSubmitter(str(fake_lp.path))
    result = submit_and_wait(qtbot, submitter, LpRequest("LabelPDF", "SF77", copies=2))
    assert result == LpResult(True, "accepted by CUPS as Fake-1", "Fake-1")
    (call,) = fake_lp.calls()
    assert call.document == b"%PDF-1.7 label"
    assert call.option("-d") == "LabelPDF"
    assert call.option("-t") == "SF77"
    assert call.option("-n") == "2"


def test_submitter_reports_lp_refusing(qtbot: QtBot, tmp_path: Path, qapp: object) -> None:
    submitter = LpSubmitter(str(failing_lp(tmp_path).path))
    result = submit_and_wait(qtbot, submitter, LpRequest("Gone", "SF1"))
    assert not result.ok
    assert result.message == "lp: The printer or class does not exist."


def test_submitter_reports_a_missing_command(qtbot: QtBot, tmp_path: Path, qapp: object) -> None:
    submitter = LpSubmitter(str(tmp_path / "no-such-lp"))
    result = submit_and_wait(qtbot, submitter, LpRequest("P", "SF1"))
    assert not result.ok
    assert "could not run" in result.message


def test_submitter_gives_up_on_an_lp_that_never_answers(
    qtbot: QtBot, tmp_path: Path, qapp: object
) -> None:
    submitter = LpSubmitter(str(silent_lp(tmp_path).path), timeout_s=0.5)
    result = submit_and_wait(qtbot, submitter, LpRequest("P", "SF1"))
    assert not result.ok
    assert "did not answer" in result.message


def test_submitter_runs_one_lp_at_a_time(fake_lp: FakeLp, qapp: object) -> None:
    submitter = LpSubmitter(str(fake_lp.path))
    submitter.submit(LpRequest("P", "a"), b"%PDF", lambda _r: None)
    with pytest.raises(RuntimeError, match="still running"):
        submitter.submit(LpRequest("P", "b"), b"%PDF", lambda _r: None)
    submitter.shutdown()
    assert not submitter.busy
