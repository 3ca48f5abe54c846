"""Page setup: which size, resolution, copies and offset a waybill's print job gets."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.core.settings import Settings
from app.printing.page_setup import (
    PDF_NAMES_PER_LABEL,
    configured_size,
    job_for,
    page_size_for,
    pdf_file_names,
)

HTML = "<html><body>label</body></html>"


def waybill(
    size: PageSizeMm | None = None, html: str = HTML, status: WaybillStatus = WaybillStatus.OK
) -> Waybill:
    return Waybill(OrderRef("A1", "SF"), status, 0, "ok", "SF100", html, size)


def test_the_labels_own_size_wins_over_every_setting() -> None:
    own = waybill(PageSizeMm(76, 130))
    for settings in (
        Settings(label_size="A4"),
        Settings(label_size="100x150", orientation="landscape"),
        Settings(label_size="custom", custom_width_mm=50.0, custom_height_mm=60.0),
    ):
        assert job_for(own, settings, "P").page_size == PageSizeMm(76, 130)


def test_an_at_page_rule_in_the_html_counts_as_the_labels_own_size() -> None:
    html = "<html><head><style>@page { size: 100mm 180mm; margin: 0 }</style></head></html>"
    assert page_size_for(waybill(None, html), Settings(label_size="A5")) == PageSizeMm(100, 180)


@pytest.mark.parametrize(
    ("label_size", "expected"),
    [
        ("auto", None),
        ("100x150", PageSizeMm(100, 150)),
        ("100x180", PageSizeMm(100, 180)),
        ("76x130", PageSizeMm(76, 130)),
        ("100x100", PageSizeMm(100, 100)),
        ("A4", PageSizeMm(210, 297)),
        ("A5", PageSizeMm(148, 210)),
    ],
)
def test_presets_apply_to_labels_without_a_size(
    label_size: str, expected: PageSizeMm | None
) -> None:
    settings = Settings(label_size=label_size)
    assert configured_size(settings) == expected
    assert job_for(waybill(), settings, "P").page_size == expected


def test_custom_size_and_landscape() -> None:
    custom = Settings(label_size="custom", custom_width_mm=60.0, custom_height_mm=90.0)
    assert job_for(waybill(), custom, "P").page_size == PageSizeMm(60, 90)
    turned = custom.replace(orientation="landscape")
    assert job_for(waybill(), turned, "P").page_size == PageSizeMm(90, 60)
    assert configured_size(Settings(label_size="100x150", orientation="landscape")) == PageSizeMm(
        150, 100
    )
    # automatic stays automatic whatever the orientation
    assert configured_size(Settings(orientation="landscape")) is None


def test_dpi_copies_offset_title_and_target() -> None:
    settings = Settings(dpi=300, copies=3, offset_x_mm=1.5, offset_y_mm=-2.0)
    job = job_for(waybill(), settings, "LabelPDF", job_id=7)
    assert (job.job_id, job.printer_name, job.title) == (7, "LabelPDF", "SF100")
    assert (job.dpi, job.copies, job.offset_mm) == (300, 3, (1.5, -2.0))
    assert job.html == HTML and job.pdf_path is None


def test_dpi_zero_leaves_the_resolution_to_the_printer(tmp_path: Path) -> None:
    job = job_for(waybill(), Settings(dpi=0), "", pdf_path=tmp_path / "a.pdf")
    assert job.dpi is None
    assert job.pdf_path == tmp_path / "a.pdf"


def test_a_waybill_without_a_printable_label_gets_no_job() -> None:
    with pytest.raises(ValueError, match="SF100"):
        job_for(waybill(status=WaybillStatus.CANCELLED), Settings(), "P")
    with pytest.raises(ValueError):
        job_for(waybill(html=""), Settings(), "P")


def test_pdf_files_are_safe_names_numbered_in_turn() -> None:
    first = list(itertools.islice(pdf_file_names("SF123/../x"), 3))
    assert first == ["SF123_.._x.pdf", "SF123_.._x-2.pdf", "SF123_.._x-3.pdf"]
    assert next(pdf_file_names("../..")) == "label.pdf"
    assert len(set(pdf_file_names("SF1"))) == PDF_NAMES_PER_LABEL
