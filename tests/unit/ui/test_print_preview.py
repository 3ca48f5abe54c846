"""Print preview: the dialog's paint request draws the label at its own size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.core.model import OrderRef, PageSizeMm, Waybill, WaybillStatus
from app.core.settings import Settings
from app.ui.print_preview import LabelPainter, open_print_preview
from tests.fixtures.placement import ink_box_mm, placed_barcode_label
from tests.fixtures.qt import barcode_label_html, dispose, pdf_pages, read_barcodes_from_pdf

CODE = "YT2000000003"


def waybill() -> Waybill:
    html = barcode_label_html(CODE, 100, 180)
    return Waybill(
        OrderRef("O1", "YTO"), WaybillStatus.OK, 0, "ok", CODE, html, PageSizeMm(100, 180)
    )


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_the_dialogs_paint_request_draws_the_label(
    label_profile: QWebEngineProfile, qtbot: QtBot, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = open_print_preview(parent, label_profile, waybill(), Settings(label_size="A4"))
    painter = dialog.painter  # type: ignore[attr-defined]
    assert isinstance(painter, LabelPainter)
    out = tmp_path / "preview.pdf"
    printer = pdf_printer(out)
    dialog.paintRequested.emit(printer)  # returns once the page is drawn
    assert painter.pages_painted == 1 and painter.error == ""
    assert pdf_pages(out) == [pytest.approx((100, 180), abs=1.0)]
    assert read_barcodes_from_pdf(out) == [CODE]
    # the dialog's own Print / Page setup would bypass the window's print path
    hidden = [a.text() for a in dialog.findChildren(QAction) if not a.isVisible()]
    assert "Print" in hidden and "Page setup" in hidden
    dialog.done(0)
    dispose(dialog)


def test_painting_twice_reuses_the_loaded_label(
    label_profile: QWebEngineProfile, tmp_path: Path
) -> None:
    painter = LabelPainter(label_profile, waybill(), Settings())
    assert painter.paint(pdf_printer(tmp_path / "a.pdf"))
    assert painter.paint(pdf_printer(tmp_path / "b.pdf"))
    assert painter.pages_painted == 2
    assert read_barcodes_from_pdf(tmp_path / "b.pdf") == [CODE]
    painter.close()
    dispose(painter)


@pytest.mark.parametrize("offset", [(3.5, 2.5), (-2.5, -3.5)])
def test_the_preview_moves_the_label_by_the_calibration_offset_at_its_size(
    label_profile: QWebEngineProfile, tmp_path: Path, offset: tuple[float, float]
) -> None:
    boxes = []
    for n, (x, y) in enumerate([(0.0, 0.0), offset]):
        painter = LabelPainter(
            label_profile, placed_waybill(), Settings(offset_x_mm=x, offset_y_mm=y, dpi=300)
        )
        assert painter.paint(pdf_printer(tmp_path / f"{n}.pdf")), painter.error
        painter.close()
        dispose(painter)
        boxes.append(ink_box_mm(tmp_path / f"{n}.pdf"))
    (left0, top0, right0, bottom0), (left, top, right, bottom) = boxes
    assert (left - left0, top - top0) == pytest.approx(offset, abs=0.3)
    # the same size: not shrunk to fit the page
    assert (right - left, bottom - top) == pytest.approx((right0 - left0, bottom0 - top0), abs=0.3)


def placed_waybill() -> Waybill:
    html = placed_barcode_label("OFS7654321")
    return Waybill(
        OrderRef("O2", "YTO"), WaybillStatus.OK, 0, "ok", "OFS7654321", html, PageSizeMm(100, 150)
    )
