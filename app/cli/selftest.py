"""`waybill-printer --self-test`: render a built-in label offscreen and check the result.

Proves that an installation (a source checkout or the PyInstaller bundle) can do what a
packing station needs without a network, a printer or a WeChat account: start QtWebEngine
headless, render a 100 × 150 mm label with Chinese text and a Code128 barcode to PDF with
the hardened label renderer, and show it in a web view. The checks themselves live in
`app.cli.selftest_checks`: the PDF's page size, the barcode's bars in the PDF, the label
verification every printed label goes through (pdfium and zxing-cpp, native libraries a
bundle must carry), and the barcode read back from the rendered image — after a first
check that every shared library of the Qt parts the program loads resolves
(`app.system.shared_libraries`). Prints one PASS/FAIL line per check, where the PDF and
the image were written, and how long it took; returns 0 when every check passed, else 1.
Chromium starts through the label proxy, as for every command that renders labels, and
the last check (`app.cli.selftest_cage`) shows the label cage holds: a preconnect to a
host that is not allowed reaches no socket and is reported with its label.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app import __version__
from app.cli.selftest_cage import cage_check
from app.cli.selftest_checks import (
    CheckResult,
    check_image_barcode,
    check_page_size,
    check_pdf_barcode,
    code128_pattern,
    runs_of,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtWebEngineCore import QWebEngineProfile

    from app.printing.label_proxy import LabelProxy

SELFTEST_CODE = "SELFTEST-0123456789"
LABEL_SIZE_MM = (100.0, 150.0)
MODULE_MM = 0.375  # 3 dots of a 203 dpi label printer
BAR_HEIGHT_MM = 20.0
QUIET_MODULES = 10
IMAGE_ZOOM = 4.0  # 0.375 mm modules become ~5.7 px: easy to read back
CSS_PX_PER_MM = 96 / 25.4
IMAGE_TIMEOUT_S = 15.0
RENDER_TIMEOUT_S = 30.0

_FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'


def barcode_svg(code: str) -> str:
    """An inline `<svg>` of `code` as Code128: one `<rect>` per bar, sizes in millimetres."""
    x = QUIET_MODULES * MODULE_MM
    rects = []
    for symbol, count in runs_of(code128_pattern(code)):
        width = count * MODULE_MM
        if symbol == "1":
            rects.append(
                f'<rect x="{x:.3f}" y="0" width="{width:.3f}" height="{BAR_HEIGHT_MM:g}"/>'
            )
        x += width
    total = x + QUIET_MODULES * MODULE_MM
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total:.3f}mm" '
        f'height="{BAR_HEIGHT_MM:g}mm" viewBox="0 0 {total:.3f} {BAR_HEIGHT_MM:g}">'
        f'<rect x="0" y="0" width="{total:.3f}" height="{BAR_HEIGHT_MM:g}" fill="#fff"/>'
        f'<g fill="#000">{"".join(rects)}</g></svg>'
    )


def sample_label_html(code: str = SELFTEST_CODE) -> str:
    """The built-in sample label: 100 × 150 mm `@page`, Chinese text, Code128 of `code`."""
    width, height = LABEL_SIZE_MM
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>自检标签</title>
<style>
@page {{ size: {width:g}mm {height:g}mm; margin: 0 }}
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; width: {width:g}mm; height: {height:g}mm;
  overflow: hidden; background: #fff; color: #000; font-family: {_FONTS}; }}
.label {{ padding: 3mm; }}
h1 {{ font-size: 8mm; margin: 0 0 4mm 0; }}
.code {{ margin: 0 0 2mm 0; line-height: 0; }}
.digits {{ font-size: 4mm; letter-spacing: 0.5mm; margin: 0 0 5mm 0; }}
p {{ font-size: 4.5mm; margin: 0 0 2mm 0; }}
</style></head>
<body><div class="label">
<h1>自检标签 · SELF-TEST</h1>
<div class="code">{barcode_svg(code)}</div>
<div class="digits">{escape(code)}</div>
<p>收件人：王小明 138****0000</p>
<p>地址：上海市浦东新区世纪大道 100 号</p>
<p>寄件人：打单测试仓 · 请勿发货</p>
</div></body></html>
"""


def _print_result(out: TextIO, result: CheckResult) -> None:
    out.write(f"  {'PASS' if result.ok else 'FAIL'}  {result.name}: {result.detail}\n")


def _dark_rows(image: QImage, threshold: int = 128) -> Iterator[list[bool]]:
    """Every pixel row of `image` as dark (True) / light, via an 8-bit grey copy."""
    from PySide6.QtGui import QImage

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    bits = memoryview(grey.constBits()).cast("B")
    stride = grey.bytesPerLine()
    for y in range(grey.height()):
        row = bits[y * stride : y * stride + grey.width()]
        yield [value < threshold for value in row]


def _grab_label_image(
    profile: QWebEngineProfile, html: str, code: str
) -> tuple[CheckResult, QImage | None]:
    """Show `html` in a never-shown web view, zoomed, until its image reads back as `code`."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from app.printing.profile import LabelPage

    view = QWebEngineView()
    try:
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        page = LabelPage(profile, view)
        view.setPage(page)
        page.setZoomFactor(IMAGE_ZOOM)
        view.resize(
            round(LABEL_SIZE_MM[0] * CSS_PX_PER_MM * IMAGE_ZOOM),
            round(LABEL_SIZE_MM[1] * CSS_PX_PER_MM * IMAGE_ZOOM),
        )
        view.show()
        loop = QEventLoop()
        loaded: list[bool] = []

        def on_loaded(ok: bool) -> None:
            loaded.append(ok)
            loop.quit()

        page.loadFinished.connect(on_loaded)
        deadline = time.monotonic() + IMAGE_TIMEOUT_S
        QTimer.singleShot(round(IMAGE_TIMEOUT_S * 1000), loop.quit)
        page.load_label(html)
        if not loaded:
            loop.exec()
        if not loaded or not loaded[0]:
            return CheckResult("barcode in image", False, "the label did not load"), None
        # The first frames may still be blank: grab until the bars read back or time is up.
        result = CheckResult("barcode in image", False, "nothing was painted")
        image = None
        while time.monotonic() < deadline:
            QTimer.singleShot(50, loop.quit)
            loop.exec()
            image = view.grab().toImage()
            result = check_image_barcode(_dark_rows(image), code)
            if result.ok:
                break
        return result, image
    finally:
        view.close()
        view.deleteLater()


def _dispose_later_objects() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def run_checks(out: TextIO, workdir: Path, proxy: LabelProxy | None = None) -> list[CheckResult]:
    """Render the sample label to `workdir/label.pdf` and `label.png`, then check the cage;
    every check's result. `proxy`: the label proxy Chromium was started with."""
    from PySide6.QtWidgets import QApplication

    from app.core.labels import page_size_from_css
    from app.printing.profile import make_label_profile
    from app.printing.render import LabelRenderer

    app = QApplication.instance() or QApplication(["waybill-printer", "--self-test"])
    html = sample_label_html(SELFTEST_CODE)
    profile = make_label_profile(proxy=proxy)
    renderer = LabelRenderer(profile)
    results: list[CheckResult] = []
    try:
        started = time.monotonic()
        pdf = renderer.render_pdf_blocking(
            html, page_size_from_css(html), timeout_s=RENDER_TIMEOUT_S
        )
        pdf_path = workdir / "label.pdf"
        pdf_path.write_bytes(pdf)
        out.write(
            f"  rendered {pdf_path} ({len(pdf)} bytes) in {time.monotonic() - started:.2f} s\n"
        )
        results.append(check_page_size(pdf, LABEL_SIZE_MM, tolerance_mm=1.0))
        results.append(check_pdf_barcode(pdf, SELFTEST_CODE))
        results.append(verification_check(pdf, SELFTEST_CODE))
        for result in results:
            _print_result(out, result)

        started = time.monotonic()
        result, image = _grab_label_image(profile, html, SELFTEST_CODE)
        if image is not None:
            png_path = workdir / "label.png"
            image.save(str(png_path))
            out.write(f"  rendered {png_path} in {time.monotonic() - started:.2f} s\n")
        results.append(result)
        _print_result(out, result)

        cage = cage_check(profile, RENDER_TIMEOUT_S)
        results.append(cage)
        _print_result(out, cage)
    finally:
        # Pages must be gone before their profile, or QtWebEngine crashes on exit.
        renderer.deleteLater()
        _dispose_later_objects()
        profile.deleteLater()
        _dispose_later_objects()
        del app
    return results


def verification_check(pdf: bytes, code: str) -> CheckResult:
    """The label verifier (pdfium raster, zxing-cpp read) passes the sample label."""
    name = "label verification"
    try:
        from app.printing.verify import verify_label

        result = verify_label(pdf, code)
    except Exception as exc:  # a bundle without pdfium or zxing-cpp fails here, not later
        return CheckResult(name, False, f"{type(exc).__name__}: {exc}")
    if not result.ok:
        return CheckResult(name, False, result.reason)
    return CheckResult(name, True, f"barcode reads {code} at {result.checked_dpi} dpi")


def shared_libraries_check() -> CheckResult:
    """Every system library the Qt parts of the program link to resolves (`app.system`)."""
    from app.system.shared_libraries import resolve

    try:
        result = resolve()
    except (OSError, ValueError) as exc:
        return CheckResult("shared libraries", False, f"cannot run ldd: {exc}")
    return CheckResult("shared libraries", result.ok, result.summary())


def run_self_test(out: TextIO) -> int:
    """Run every check, print a PASS/FAIL report to `out`; 0 if all passed, else 1."""
    from app.cli.labels import start_label_proxy
    from app.wiring.qt_environment import prepare_headless

    prepare_headless()
    # Offscreen even on a desktop, unless the caller chose a platform: nothing flashes up.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    proxy = start_label_proxy()
    try:
        return _run_all(out, proxy)
    finally:
        proxy.stop()


def _run_all(out: TextIO, proxy: LabelProxy) -> int:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="waybill-selftest-"))
    out.write(f"waybill-printer {__version__} self-test\n")
    out.write(f"  output in {workdir}\n")
    out.flush()
    libraries = shared_libraries_check()  # first: it needs no Qt, and names what Qt lacks
    _print_result(out, libraries)
    try:
        results = [libraries, *run_checks(out, workdir, proxy)]
    except Exception as exc:
        traceback.print_exc(file=out)
        results = [libraries, CheckResult("render", False, f"{type(exc).__name__}: {exc}")]
        _print_result(out, results[-1])
    ok = bool(results) and all(r.ok for r in results)
    passed = sum(1 for r in results if r.ok)
    out.write(
        f"{'PASS' if ok else 'FAIL'}: {passed} of {len(results)} checks passed "
        f"in {time.monotonic() - started:.2f} s\n"
    )
    out.flush()
    return 0 if ok else 1
