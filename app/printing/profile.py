"""The hardened web profile and page that labels are rendered in.

A waybill label is HTML that came over the network, so it is treated as untrusted: it is
shown in an off-the-record profile with JavaScript, plugins and local/remote access
switched off, every request that is not `data:`/`about:` blocked by a request interceptor,
and a page that refuses every navigation except the one load the program asked for.
Inline `data:` images (barcodes, logos) still show.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

#: The base URL every label is loaded with: relative URLs in a label resolve to nothing.
LABEL_BASE_URL = QUrl("about:blank")

#: Schemes a label may load at all (the label itself arrives as a `data:` URL).
ALLOWED_SCHEMES = frozenset({"data", "about"})

#: Chromium refuses URLs longer than this, and `setHtml` turns the label into one
#: (`data:text/html;charset=UTF-8,` + the percent-encoded document).
MAX_DATA_URL_CHARS = 2 * 1024 * 1024
_DATA_URL_PREFIX = "data:text/html;charset=UTF-8,"

_OFF = (
    QWebEngineSettings.WebAttribute.JavascriptEnabled,
    QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows,
    QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard,
    QWebEngineSettings.WebAttribute.JavascriptCanPaste,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
    QWebEngineSettings.WebAttribute.LocalStorageEnabled,
    QWebEngineSettings.WebAttribute.PluginsEnabled,
    QWebEngineSettings.WebAttribute.PdfViewerEnabled,
    QWebEngineSettings.WebAttribute.WebGLEnabled,
    QWebEngineSettings.WebAttribute.HyperlinkAuditingEnabled,
    QWebEngineSettings.WebAttribute.AllowRunningInsecureContent,
    QWebEngineSettings.WebAttribute.AllowGeolocationOnInsecureOrigins,
    QWebEngineSettings.WebAttribute.ScreenCaptureEnabled,
    QWebEngineSettings.WebAttribute.DnsPrefetchEnabled,
    QWebEngineSettings.WebAttribute.NavigateOnDropEnabled,
    QWebEngineSettings.WebAttribute.FocusOnNavigationEnabled,
    QWebEngineSettings.WebAttribute.AutoLoadIconsForPage,
    QWebEngineSettings.WebAttribute.ErrorPageEnabled,
)


#: A label page is replaced by a fresh one after this many labels (see `LabelPage`).
RECYCLE_AFTER_LOADS = 100


class LabelTooLarge(ValueError):
    """The label is too big to be loaded as a `data:` URL."""


def check_label_size(html: str) -> None:
    """Raise `LabelTooLarge` if `html` cannot be loaded (instead of showing a blank page)."""
    encoded = len(_DATA_URL_PREFIX) + QByteArray(html.encode("utf-8")).toPercentEncoding().size()
    if encoded > MAX_DATA_URL_CHARS:
        raise LabelTooLarge(
            f"label is too large to display: {len(html.encode('utf-8'))} bytes "
            f"({encoded} characters encoded, the limit is {MAX_DATA_URL_CHARS})"
        )


class BlockingInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks every request whose scheme is not `data`/`about`; remembers what it blocked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() not in ALLOWED_SCHEMES:
            # Only the scheme and host are kept: a label has no business with secrets, but
            # a URL is no place to copy into logs wholesale either.
            self.blocked.append(f"{url.scheme()}://{url.host()}")
            info.block(True)


class LabelProfile(QWebEngineProfile):
    """The profile `make_label_profile` returns; it holds on to its interceptor.

    (The interceptor must be referenced from Python: handed over with only a Qt parent,
    PySide may collect it, and Qt then silently stops intercepting.)
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)  # no storage name: off the record
        self.interceptor = BlockingInterceptor(self)
        self.setUrlRequestInterceptor(self.interceptor)


def make_label_profile(parent: QObject | None = None) -> LabelProfile:
    """An off-the-record profile for untrusted labels (see the module docstring)."""
    profile = LabelProfile(parent)
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(
        QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    )
    profile.setSpellCheckEnabled(False)
    settings = profile.settings()
    for attribute in _OFF:
        settings.setAttribute(attribute, False)
    settings.setAttribute(QWebEngineSettings.WebAttribute.AutoLoadImages, True)
    return profile


class LabelPage(QWebEnginePage):
    """A page that only ever shows what `load_label` hands it: no navigation, no windows.

    Memory: every label is a navigation to a new `data:` URL, and the renderer process
    behind a page grows with each one (~0.2–0.5 MB per label, measured; clearing the
    session history, which is done after every load since a label page never goes back,
    does not stop it, nor does switching off the back/forward cache). Its owners therefore
    replace a page once it is `worn_out` (it loaded `recycle_after` labels, by default
    `RECYCLE_AFTER_LOADS`): the old page is deleted, its renderer process exits and the
    new page starts on a fresh one.
    """

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject | None = None,
        *,
        recycle_after: int = RECYCLE_AFTER_LOADS,
    ) -> None:
        super().__init__(profile, parent)
        self._recycle_after = recycle_after
        self._expecting_load = False
        self.refused: list[str] = []
        self.loads = 0
        """How many labels this page was asked to load."""
        self.loadFinished.connect(self._forget_history)

    @property
    def worn_out(self) -> bool:
        """True once the page has loaded `recycle_after` labels: replace it."""
        return self.loads >= self._recycle_after

    def _forget_history(self, _ok: bool) -> None:
        self.history().clear()

    def load_label(self, html: str) -> None:
        """Show `html`; raises `LabelTooLarge` rather than silently showing nothing."""
        check_label_size(html)
        self.loads += 1
        self._expecting_load = True
        self.setHtml(html, LABEL_BASE_URL)

    def acceptNavigationRequest(
        self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
    ) -> bool:
        qurl = QUrl(url)
        if (
            self._expecting_load
            and isMainFrame
            and type == QWebEnginePage.NavigationType.NavigationTypeTyped
            and qurl.scheme() == "data"
        ):
            self._expecting_load = False
            return True
        self.refused.append(f"{qurl.scheme()}:{type.name}")
        return False

    def createWindow(  # type: ignore[override]  # None: no window is ever opened
        self, type: QWebEnginePage.WebWindowType
    ) -> QWebEnginePage | None:
        self.refused.append(f"window:{type.name}")
        return None
