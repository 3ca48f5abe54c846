"""The URL scheme labels are served under, from memory.

A label is loaded as `waybill-label://label/<random id>` and `LabelSchemeHandler`
answers that URL with the label's bytes; any other URL of the scheme (a relative URL in a
label, `<img src="barcode.png">`) is blocked by the interceptor and would fail here too,
and unlike a `data:` URL there is no 2 MB limit. All labels share the one host `label`:
a different site per label would cost a new renderer process per label (~3x slower).
The scheme must be registered before QtWebEngine starts (`register_label_scheme` is
called by the label profile before it is made).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

LABEL_SCHEME = b"waybill-label"


def register_label_scheme() -> None:
    """Register the label scheme with QtWebEngine (once; later calls do nothing)."""
    if QWebEngineUrlScheme.schemeByName(QByteArray(LABEL_SCHEME)).name() == LABEL_SCHEME:
        return
    scheme = QWebEngineUrlScheme(LABEL_SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    QWebEngineUrlScheme.registerScheme(scheme)


class LabelSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves each label document registered with `serve` until it is forgotten."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[str, bytes] = {}

    def serve(self, url: str, html: bytes) -> None:
        self._documents[url] = html

    def forget(self, url: str) -> None:
        self._documents.pop(url, None)

    @property
    def serving(self) -> int:
        return len(self._documents)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        data = self._documents.get(job.requestUrl().toString())
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(b"text/html;charset=utf-8", buffer)
