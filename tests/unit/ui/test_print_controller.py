"""Print helpers: the page size a label prints at and the PDF file it is written to."""

from __future__ import annotations

from pathlib import Path

from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.core.settings import Settings
from app.ui.print_controller import page_size_for, pdf_file_for


def waybill(size: PageSizeMm | None) -> Waybill:
    return Waybill(OrderRef("A", "SF"), WaybillStatus.OK, 0, "ok", "SF1", "<html></html>", size)


def test_the_labels_own_size_wins() -> None:
    assert page_size_for(waybill(PageSizeMm(76, 130)), Settings(label_size="A4")) == PageSizeMm(
        76, 130
    )


def test_configured_sizes_apply_to_labels_without_one() -> None:
    assert page_size_for(waybill(None), Settings()) is None
    assert page_size_for(waybill(None), Settings(label_size="100x180")) == PageSizeMm(100, 180)
    assert page_size_for(waybill(None), Settings(label_size="A5")) == PageSizeMm(148, 210)
    custom = Settings(label_size="custom", custom_width_mm=60.0, custom_height_mm=90.0)
    assert page_size_for(waybill(None), custom) == PageSizeMm(60, 90)
    landscape = Settings(label_size="100x150", orientation="landscape")
    assert page_size_for(waybill(None), landscape) == PageSizeMm(150, 100)


def test_pdf_files_are_safe_names_and_never_overwritten(tmp_path: Path) -> None:
    first = pdf_file_for(tmp_path, "SF123/../x")
    assert first.parent == tmp_path and first.name == "SF123_.._x.pdf"
    first.write_bytes(b"%PDF")
    second = pdf_file_for(tmp_path, "SF123/../x")
    assert second.name == "SF123_.._x-2.pdf"
    assert pdf_file_for(tmp_path, "../..").name == "label.pdf"
