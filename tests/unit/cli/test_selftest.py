"""The self-test: the real `--self-test` command, and its checks on good and bad labels."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from app.cli.selftest import SELFTEST_CODE, sample_label_html, verification_check
from app.cli.selftest_cage import cage_check
from app.cli.selftest_checks import (
    check_image_barcode,
    check_page_size,
    check_pdf_barcode,
    code128_pattern,
    pdf_page_sizes_mm,
    scanline_pattern,
)
from app.core.labels import page_size_from_css
from app.core.model import PageSizeMm
from app.printing.profile import LabelProfile
from app.printing.render import LabelRenderer
from tests.fixtures.qt import barcode_label_html, read_barcodes_from_image, read_barcodes_from_pdf

REPO = Path(__file__).resolve().parents[2]

BLANK_LABEL = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: 100mm 150mm; margin: 0 } html, body { margin: 0 }
</style></head><body><p>空白标签 blank label</p></body></html>"""


def _pixel_row(pattern: str, module_px: int, margin_px: int = 30) -> list[bool]:
    row = [False] * margin_px
    for symbol in pattern:
        row.extend([symbol == "1"] * module_px)
    return row + [False] * margin_px


def test_self_test_command_passes_and_its_pdf_scans(tmp_path: Path) -> None:
    env = dict(os.environ, TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    checks = ("shared libraries", "page size", "barcode in PDF", "label verification")
    for check in (*checks, "barcode in image", "label cage"):
        assert re.search(rf"^  PASS  {check}: ", done.stdout, re.M), done.stdout
    assert "FAIL" not in done.stdout
    assert re.search(r"^PASS: 6 of 6 checks passed", done.stdout, re.M)
    # the cage: Chromium ran through the label proxy, which held and reported the hint
    assert re.search(
        r"^  PASS  label cage: a preconnect to http://127\.0\.0\.1:\d+ was blocked and "
        r"reported; 0 connections$",
        done.stdout,
        re.M,
    ), done.stdout
    # An independent reader agrees: the PDF the self-test wrote scans back to the code.
    match = re.search(r"rendered (\S+\.pdf) ", done.stdout)
    assert match, done.stdout
    pdf_path = Path(match.group(1))
    assert pdf_path.is_relative_to(tmp_path)
    assert read_barcodes_from_pdf(pdf_path) == [SELFTEST_CODE]
    assert read_barcodes_from_image(pdf_path.parent / "label.png") == [SELFTEST_CODE]


def test_the_cage_check_fails_where_chromium_runs_without_the_label_proxy(
    label_profile: LabelProfile,
) -> None:
    # This process's Chromium was started without the proxy: the allowed host's
    # preconnect hint reaches Chromium, which reports nothing blocked (and connects).
    result = cage_check(label_profile, 30.0)
    assert result.name == "label cage" and not result.ok
    assert "was not reported as blocked" in result.detail or "reached" in result.detail


def test_sample_label_names_its_page_size() -> None:
    html = sample_label_html()
    assert page_size_from_css(html) == PageSizeMm(100.0, 150.0)
    assert "收件人" in html


def test_checks_pass_on_the_rendered_sample_label(renderer: LabelRenderer) -> None:
    pdf = renderer.render_pdf_blocking(sample_label_html(), PageSizeMm(100.0, 150.0))
    assert check_page_size(pdf, (100.0, 150.0)).ok
    assert check_pdf_barcode(pdf, SELFTEST_CODE).ok
    verified = verification_check(pdf, SELFTEST_CODE)
    assert verified.ok, verified.detail
    assert verified.detail == f"barcode reads {SELFTEST_CODE} at 203 dpi"
    wrong = verification_check(pdf, "SELFTEST-9")
    assert not wrong.ok and "not the waybill SELFTEST-9" in wrong.detail


def test_page_size_check_fails_on_a_label_of_the_wrong_size(renderer: LabelRenderer) -> None:
    html = sample_label_html().replace("size: 100mm 150mm", "size: 100mm 180mm")
    pdf = renderer.render_pdf_blocking(html, None)
    ((_width, height),) = pdf_page_sizes_mm(pdf)
    assert abs(height - 180.0) < 1.0
    result = check_page_size(pdf, (100.0, 150.0))
    assert not result.ok
    assert "179.9 mm" in result.detail


def test_page_size_check_fails_on_two_pages_and_on_no_pdf() -> None:
    box = b"<< /Type /Page /MediaBox [0 0 283.46 425.2] >>"
    assert check_page_size(box, (100.0, 150.0)).ok
    assert not check_page_size(box + box, (100.0, 150.0)).ok
    assert not check_page_size(b"not a pdf", (100.0, 150.0)).ok


def test_barcode_check_fails_on_a_blank_label(renderer: LabelRenderer) -> None:
    pdf = renderer.render_pdf_blocking(BLANK_LABEL, None)
    assert check_page_size(pdf, (100.0, 150.0)).ok
    result = check_pdf_barcode(pdf, SELFTEST_CODE)
    assert not result.ok
    assert "no row of bars" in result.detail


def test_barcode_check_fails_on_another_code(renderer: LabelRenderer) -> None:
    pdf = renderer.render_pdf_blocking(sample_label_html("SELFTEST-0123456780"), None)
    assert check_pdf_barcode(pdf, "SELFTEST-0123456780").ok
    assert not check_pdf_barcode(pdf, SELFTEST_CODE).ok


def test_barcode_check_reads_a_barcode_drawn_as_an_svg_image(renderer: LabelRenderer) -> None:
    pdf = renderer.render_pdf_blocking(barcode_label_html("SF1234567890123", 100, 150), None)
    assert check_pdf_barcode(pdf, "SF1234567890123").ok


def test_image_check_reads_back_a_pixel_row_and_rejects_blank_ones() -> None:
    pattern = code128_pattern(SELFTEST_CODE)
    good = _pixel_row(pattern, module_px=5)
    assert scanline_pattern(good, len(pattern)) == pattern
    blank = [False] * len(good)
    assert check_image_barcode([blank, good, blank], SELFTEST_CODE).ok
    result = check_image_barcode([blank, blank], SELFTEST_CODE)
    assert not result.ok
    assert "none of 2 pixel rows" in result.detail
    # One bar merged into its neighbour: a different pattern, so no read-back.
    broken = good.copy()
    first_gap = good.index(False, 30 + 5)
    broken[first_gap : first_gap + 5] = [True] * 5
    assert not check_image_barcode([broken], SELFTEST_CODE).ok
