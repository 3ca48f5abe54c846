"""HTML label → PDF bytes at the label's page size, with one reused hardened page.

`LabelRenderer.render_pdf` is asynchronous and must be called on the GUI thread: requests
are queued and rendered one at a time (load, wait for `loadFinished`, `printToPdf`), and
each ends with exactly one callback. The page is replaced by a fresh one every
`recycle_after` labels (see `LabelPage`), which keeps the renderer's memory flat.
`render_pdf_blocking` wraps it in a local event loop for the command line and tests.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QMarginsF, QObject, QSizeF, QTimer
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWebEngineCore import QWebEngineProfile

from app.core.model import PageSizeMm
from app.printing.profile import RECYCLE_AFTER_LOADS, LabelPage, LabelTooLarge

#: The page size of a label that names none (neither `@page` nor the API's answer).
DEFAULT_PAGE_SIZE = PageSizeMm(100.0, 150.0)


class RenderError(RuntimeError):
    """A label could not be rendered."""


@dataclass(frozen=True)
class RenderResult:
    """One render's outcome: the PDF, or why there is none."""

    pdf: bytes | None
    error: str | None = None


def page_layout(page_size: PageSizeMm | None) -> QPageLayout:
    """A zero-margin layout of exactly the label's size (wider than tall is fine as is)."""
    size = page_size or DEFAULT_PAGE_SIZE
    return QPageLayout(
        QPageSize(QSizeF(size.width, size.height), QPageSize.Unit.Millimeter),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Millimeter,
    )


@dataclass
class _Request:
    html: str
    page_size: PageSizeMm | None
    callback: Callable[[RenderResult], None]


class LabelRenderer(QObject):
    """Renders labels to PDF one at a time on a single `LabelPage`."""

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject | None = None,
        *,
        load_timeout_s: float = 15.0,
        recycle_after: int = RECYCLE_AFTER_LOADS,
    ) -> None:
        super().__init__(parent)
        self._profile = profile
        self._recycle_after = recycle_after
        self._page = self._make_page()
        self._pending: deque[_Request] = deque()
        self._current: _Request | None = None
        # Some markup (a blocked stylesheet next to an <object>) leaves Chromium loading
        # forever; such a label fails after this long instead of blocking the queue.
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.setInterval(int(load_timeout_s * 1000))
        self._load_timer.timeout.connect(self._on_load_timeout)
        self._load_timeout_s = load_timeout_s

    def _make_page(self) -> LabelPage:
        page = LabelPage(self._profile, self, recycle_after=self._recycle_after)
        page.loadFinished.connect(self._on_loaded)
        return page

    @property
    def page(self) -> LabelPage:
        return self._page

    def render_pdf(
        self,
        html: str,
        page_size: PageSizeMm | None,
        callback: Callable[[RenderResult], None],
    ) -> None:
        """Queue one render; `callback` gets its `RenderResult` later on the GUI thread."""
        self._pending.append(_Request(html, page_size, callback))
        if self._current is None:
            # Start from the event loop, so a callback never runs inside render_pdf.
            QTimer.singleShot(0, self, self._next)

    def render_pdf_blocking(
        self, html: str, page_size: PageSizeMm | None, timeout_s: float = 30.0
    ) -> bytes:
        """Render and wait in a local event loop; raises `RenderError` on failure/timeout."""
        results: list[RenderResult] = []
        loop = QEventLoop()

        def done(result: RenderResult) -> None:
            results.append(result)
            loop.quit()

        self.render_pdf(html, page_size, done)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(int(timeout_s * 1000))
        if not results:
            loop.exec()
        timer.stop()
        if not results:
            raise RenderError(f"rendering the label took longer than {timeout_s:g} s")
        result = results[0]
        if result.pdf is None:
            raise RenderError(result.error or "rendering the label failed")
        return result.pdf

    def _next(self) -> None:
        if self._current is not None or not self._pending:
            return
        request = self._pending.popleft()
        self._current = request
        if self._page.worn_out:
            self._replace_page()
        try:
            self._page.load_label(request.html)
        except LabelTooLarge as exc:
            self._finish(RenderResult(None, str(exc)))
            return
        self._load_timer.start()

    def _replace_page(self) -> None:
        """A fresh page (and renderer process) instead of one that served many labels."""
        old = self._page
        old.loadFinished.disconnect(self._on_loaded)
        old.deleteLater()
        self._page = self._make_page()

    def _on_load_timeout(self) -> None:
        if self._current is None:
            return
        # The stuck page is replaced, so its late signals cannot reach the next label.
        stuck = self._page
        stuck.loadFinished.disconnect(self._on_loaded)
        stuck.deleteLater()
        self._page = self._make_page()
        self._finish(
            RenderResult(
                None, f"the label did not finish loading within {self._load_timeout_s:g} s"
            )
        )

    def _on_loaded(self, ok: bool) -> None:
        request = self._current
        if request is None or not self._load_timer.isActive():
            return
        self._load_timer.stop()
        if not ok:
            self._finish(RenderResult(None, "the label could not be loaded"))
            return
        self._page.printToPdf(self._on_pdf, page_layout(request.page_size))

    def _on_pdf(self, data: object) -> None:
        pdf = bytes(data)  # type: ignore[call-overload]
        if pdf:
            self._finish(RenderResult(pdf))
        else:
            self._finish(RenderResult(None, "the label could not be printed to PDF"))

    def _finish(self, result: RenderResult) -> None:
        request = self._current
        self._current = None
        self._load_timer.stop()
        if self._pending:
            QTimer.singleShot(0, self, self._next)
        if request is not None:
            request.callback(result)
