"""HTML label → PDF bytes at the label's page size, on a reused caged page.

`LabelRenderer.render_pdf` is asynchronous and must be called on the GUI thread: requests
are queued and rendered one at a time, and each ends with exactly one callback. A render
is: load the label (`LabelPage.load_label`), wait until it has settled, `printToPdf`.

Settled (`cage_scripts.SETTLE_JS`) means loaded, fonts and images done, animations
finished and — for a label with scripts — no pending short timer and no DOM change for
`quiet_ms`. It is asked right after `loadFinished` and then every `poll_ms` until it says
so, for at most `settle_s` (then the label is printed as it is): a label without scripts
costs one round trip, never a fixed sleep.

Every label has a deadline (`deadline_s`, from the moment it starts): a label that does
not render in time (a script looping for ever, a load that never ends) fails alone with
a message about the label; its page — and with it its renderer process — is replaced and
the labels behind it go on. The page is also replaced every `recycle_after` labels (see
`LabelPage`), which keeps the renderer's memory flat.
`render_pdf_blocking` wraps it in a local event loop for the command line and tests.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QMarginsF, QObject, QSizeF, QTimer
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineScript

from app.core.model import PageSizeMm
from app.printing.profile import RECYCLE_AFTER_LOADS, LabelPage, LabelTooLarge

#: The page size of a label that names none (neither `@page` nor the API's answer).
DEFAULT_PAGE_SIZE = PageSizeMm(100.0, 150.0)
DEFAULT_DEADLINE_S = 15.0


class RenderError(RuntimeError):
    """A label could not be rendered."""


@dataclass(frozen=True)
class RenderResult:
    """One render's outcome: the PDF, or why there is none; the hosts it was refused."""

    pdf: bytes | None
    error: str | None = None
    blocked_hosts: tuple[str, ...] = ()
    settle_ms: float = 0.0


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
    loaded_at: float = 0.0
    settle_ms: float = 0.0


class LabelRenderer(QObject):
    """Renders labels to PDF one at a time on a single `LabelPage` (module docstring)."""

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject | None = None,
        *,
        load_timeout_s: float = DEFAULT_DEADLINE_S,
        recycle_after: int = RECYCLE_AFTER_LOADS,
        settle_s: float = 2.0,
        quiet_ms: int = 50,
        poll_ms: int = 10,
    ) -> None:
        super().__init__(parent)
        self._profile = profile
        self._recycle_after = recycle_after
        self._settle_s = settle_s
        self._quiet_ms = quiet_ms
        self._poll_ms = poll_ms
        self._page = self._make_page()
        self._pending: deque[_Request] = deque()
        self._current: _Request | None = None
        self._step = 0  # bumped whenever a label ends: late answers of an older one are ignored
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(int(load_timeout_s * 1000))
        self._deadline.timeout.connect(self._on_deadline)
        self._deadline_s = load_timeout_s

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
        result = self.render_blocking(html, page_size, timeout_s)
        if result.pdf is None:
            raise RenderError(result.error or "rendering the label failed")
        return result.pdf

    def render_blocking(
        self, html: str, page_size: PageSizeMm | None, timeout_s: float = 30.0
    ) -> RenderResult:
        """Render and wait in a local event loop for the whole `RenderResult`."""
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
            return RenderResult(None, f"rendering the label took longer than {timeout_s:g} s")
        return results[0]

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
        self._deadline.start()

    def _replace_page(self) -> None:
        """A fresh page (and renderer process) instead of the current one."""
        old = self._page
        old.loadFinished.disconnect(self._on_loaded)
        old.deleteLater()
        self._page = self._make_page()

    def _on_deadline(self) -> None:
        if self._current is None:
            return
        # The stuck page is replaced, so its late signals cannot reach the next label.
        blocked = self._page.blocked_hosts
        self._replace_page()
        self._finish(
            RenderResult(
                None,
                f"the label did not render within {self._deadline_s:g} s (a script that "
                "never ends, or content that never finishes loading)",
                blocked,
            )
        )

    def _on_loaded(self, ok: bool) -> None:
        request = self._current
        if request is None or not self._deadline.isActive() or request.loaded_at:
            return
        if not ok:
            self._finish(
                RenderResult(None, "the label could not be loaded", self._page.blocked_hosts)
            )
            return
        request.loaded_at = time.monotonic()
        self._poll(request, self._step)

    def _poll(self, request: _Request, step: int) -> None:
        if step != self._step or request is not self._current:
            return
        if time.monotonic() - request.loaded_at >= self._settle_s:
            self._print(request)
            return
        self._page.runJavaScript(
            f"window.__waybillSettle ? window.__waybillSettle({self._quiet_ms}) : 'settled'",
            QWebEngineScript.ScriptWorldId.ApplicationWorld,
            lambda state: self._on_state(request, step, state),
        )

    def _on_state(self, request: _Request, step: int, state: object) -> None:
        if step != self._step or request is not self._current:
            return
        if state == "settled":
            self._print(request)
        else:
            QTimer.singleShot(self._poll_ms, self, lambda: self._poll(request, step))

    def _print(self, request: _Request) -> None:
        step = self._step
        request.settle_ms = (time.monotonic() - request.loaded_at) * 1000
        self._page.printToPdf(
            lambda data: self._on_pdf(request, step, data), page_layout(request.page_size)
        )

    def _on_pdf(self, request: _Request, step: int, data: object) -> None:
        if step != self._step or request is not self._current:
            return
        pdf = bytes(data)  # type: ignore[call-overload]
        blocked = self._page.blocked_hosts
        if pdf:
            self._finish(RenderResult(pdf, None, blocked, request.settle_ms))
        else:
            self._finish(RenderResult(None, "the label could not be printed to PDF", blocked))

    def _finish(self, result: RenderResult) -> None:
        request = self._current
        self._current = None
        self._step += 1
        self._deadline.stop()
        if self._pending:
            QTimer.singleShot(0, self, self._next)
        if request is not None:
            request.callback(result)
