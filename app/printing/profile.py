"""The cage labels are rendered in: a hardened web profile and a page for one label.

A waybill label is a carrier's HTML template that came over the network, so it is
rendered as a browser would — its own scripts run (unless `scripts=False`), images, fonts
and styles load from the hosts the station allows — but inside a cage:

- an off-the-record profile with no cookies at all, no storage on disk, no plugins, no
  file access, no windows, no HTTP authentication, no navigation: `LabelPage` refuses
  what it is asked about and the settle script (`cage_scripts`) cancels what it is not
  (about:blank), both recorded in `LabelPage.refused`; a meta refresh never loads;
- the label is served from memory under its own URL scheme (`label_scheme`), so there is
  no size limit and relative URLs resolve to nothing;
- every request is decided by `CageInterceptor`: the label itself, `data:`/`blob:`, and
  images, fonts and style sheets from an allowed host (`app.core.label_hosts`); anything
  else is blocked and its origin recorded against the label that asked for it;
- network hints (preconnect, dns-prefetch, prefetch, preload), which Chromium acts on
  without asking the interceptor, are taken out of the document before it loads
  (`label_html`) and out of anything its scripts insert (`cage_scripts.GUARD_JS`); those
  in `Link` headers of allowed answers are held by the socket-level allow-list of
  `label_proxy`, when Chromium was started with it, and what it refused is reported
  with the label that caused it (`LabelProfile.proxy_refusals`);
- animations and transitions show their final state, and failed images leave no icon.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineCookieStore,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from app.core.label_hosts import DEFAULT_LABEL_HOSTS, AllowList, origin_of
from app.core.settings import Settings
from app.printing.cage_scripts import NAVIGATION_REFUSED, cage_scripts
from app.printing.label_html import prepare_label
from app.printing.label_proxy import LabelProxy
from app.printing.label_scheme import LABEL_SCHEME, LabelSchemeHandler, register_label_scheme

#: A label bigger than this is refused rather than loaded (real labels are ~10–200 kB).
MAX_LABEL_BYTES = 16 * 1024 * 1024

_RESOURCE = QWebEngineUrlRequestInfo.ResourceType
#: What a label may fetch from an allowed host.
ALLOWED_REMOTE_TYPES = frozenset(
    {
        _RESOURCE.ResourceTypeImage,
        _RESOURCE.ResourceTypeFontResource,
        _RESOURCE.ResourceTypeStylesheet,
    }
)
#: Schemes that never leave the process.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})

_OFF = (
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
#: How many labels' blocked hosts the interceptor remembers.
_REMEMBERED_LABELS = 256


class LabelTooLarge(ValueError):
    """The label is too big to be loaded."""


def check_label_size(html: str) -> None:
    """Raise `LabelTooLarge` for a label beyond `MAX_LABEL_BYTES`."""
    size = len(html.encode("utf-8"))
    if size > MAX_LABEL_BYTES:
        raise LabelTooLarge(
            f"label is too large to display: {size} bytes (the limit is {MAX_LABEL_BYTES})"
        )


class CageInterceptor(QWebEngineUrlRequestInterceptor):
    """Allows the label document, local data and allowed hosts' images, fonts and styles.

    Every blocked origin is remembered twice: in `blocked` (all of them, in order) and
    per label (`blocked_for(label_url)`, keyed by the label's own URL). The URLs it let
    through are remembered per label too (`allowed_for`), as the label proxy names them:
    how a host the proxy refused on behalf of an allowed answer finds its label.
    """

    def __init__(self, parent: QObject | None = None, allow: AllowList | None = None) -> None:
        super().__init__(parent)
        self.allow = allow or AllowList()
        self.documents: set[str] = set()
        self.blocked: list[str] = []
        self._by_label: OrderedDict[str, list[str]] = OrderedDict()
        self._allowed: OrderedDict[str, set[str]] = OrderedDict()

    def blocked_for(self, label_url: str) -> tuple[str, ...]:
        return tuple(self._by_label.get(label_url, ()))

    def allowed_for(self, label_url: str) -> frozenset[str]:
        """The remote URLs (encoded, without fragment) let through for this label."""
        return frozenset(self._allowed.get(label_url, ()))

    def allowed_anywhere(self, url: str) -> bool:
        """True when `url` was let through for any label still remembered."""
        return any(url in urls for urls in self._allowed.values())

    def forget(self, label_url: str) -> None:
        # What was allowed stays (for the last labels): a late answer of this label is
        # still known as its own, not taken for the next one's.
        self._by_label.pop(label_url, None)

    def _remember_allowed(self, info: QWebEngineUrlRequestInfo, url: QUrl) -> None:
        label = info.firstPartyUrl().toString()
        encoded = bytes(url.toEncoded().data()).decode("ascii").partition("#")[0]
        self._allowed.setdefault(label, set()).add(encoded)
        self._allowed.move_to_end(label)
        while len(self._allowed) > _REMEMBERED_LABELS:
            self._allowed.popitem(last=False)

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        scheme = url.scheme()
        if scheme in LOCAL_SCHEMES:
            return
        if scheme == LABEL_SCHEME.decode():
            if url.toString() not in self.documents:
                info.block(True)  # a relative URL: it resolves to nothing
            return
        if info.resourceType() in ALLOWED_REMOTE_TYPES and self.allow.allows(
            scheme, url.host(), url.port()
        ):
            self._remember_allowed(info, url)
            return
        info.block(True)
        origin = origin_of(scheme, url.host(), url.port()) if url.host() else f"{scheme}:"
        self.blocked.append(origin)
        label = info.firstPartyUrl().toString()
        hosts = self._by_label.setdefault(label, [])
        self._by_label.move_to_end(label)
        if origin not in hosts:
            hosts.append(origin)
        while len(self._by_label) > _REMEMBERED_LABELS:
            self._by_label.popitem(last=False)


class LabelProfile(QWebEngineProfile):
    """The profile `make_label_profile` returns; it holds its interceptor and scheme handler.

    (Both must be referenced from Python: handed over with only a Qt parent, PySide may
    collect them, and Qt then silently stops calling them.)
    """

    def __init__(self, parent: QObject | None = None, proxy: LabelProxy | None = None) -> None:
        register_label_scheme()
        super().__init__(parent)  # no storage name: off the record
        self.proxy = proxy
        self.interceptor = CageInterceptor(self)
        self.setUrlRequestInterceptor(self.interceptor)
        self.scheme_handler = LabelSchemeHandler(self)
        self.installUrlSchemeHandler(LABEL_SCHEME, self.scheme_handler)
        self.cookieStore().setCookieFilter(_no_cookies)

    def configure(self, *, scripts: bool | None = None, allow: AllowList | None = None) -> None:
        """Turn label scripts on or off and set the allowed hosts (for new loads)."""
        if scripts is not None:
            self.settings().setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, scripts)
        if allow is not None:
            self.interceptor.allow = allow
            if self.proxy is not None:
                self.proxy.allow(self, allow)

    def apply_settings(self, settings: Settings) -> None:
        """Label scripts and allowed hosts as the station's settings say."""
        self.configure(
            scripts=settings.label_scripts, allow=AllowList.from_text(settings.label_hosts)
        )

    def proxy_refusals(self, label_url: str, since: float) -> tuple[str, ...]:
        """The origins the label proxy refused on behalf of the label at `label_url`, which
        started loading at `since` (`time.monotonic()`): those hinted by an answer this
        label was allowed, and those the proxy cannot trace to an answer (`via` unknown,
        or an answer no label of this profile asked for) refused while it was loading —
        see `app.printing.label_proxy`."""
        if self.proxy is None:
            return ()
        mine = self.interceptor.allowed_for(label_url)
        origins: list[str] = []
        for refusal in self.proxy.refusals_since(since):
            if refusal.via is None or refusal.via in mine:
                ours = True
            else:
                ours = not self.interceptor.allowed_anywhere(refusal.via)
            if ours and refusal.origin not in origins:
                origins.append(refusal.origin)
        return tuple(origins)

    @property
    def scripts_enabled(self) -> bool:
        return self.settings().testAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled)


def _no_cookies(_request: QWebEngineCookieStore.FilterRequest) -> bool:
    return False


def make_label_profile(
    parent: QObject | None = None,
    *,
    scripts: bool = True,
    allow: AllowList | None = None,
    proxy: LabelProxy | None = None,
) -> LabelProfile:
    """A caged profile for untrusted labels (see the module docstring).

    `proxy`: the running `LabelProxy` Chromium was started with; it learns this profile's
    allowed hosts, so sockets Chromium opens without asking the interceptor are held to
    them too."""
    profile = LabelProfile(parent, proxy)
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(
        QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    )
    profile.setSpellCheckEnabled(False)
    settings = profile.settings()
    for attribute in _OFF:
        settings.setAttribute(attribute, False)
    settings.setAttribute(QWebEngineSettings.WebAttribute.AutoLoadImages, True)
    for script in cage_scripts():
        profile.scripts().insert(script)
    if allow is None:
        allow = AllowList.from_text(DEFAULT_LABEL_HOSTS)
    profile.configure(scripts=scripts, allow=allow)
    return profile


class LabelPage(QWebEnginePage):
    """A page that only ever shows what `load_label` hands it: no navigation, no windows.

    Each label is served under a URL of its own (`label_url`), which is how the blocked
    hosts of this label are told from another's (`blocked_hosts`).

    Memory: the renderer process behind a page grows with each label it loads (~0.2–0.5
    MB per label, measured; clearing the session history after every load does not stop
    it). Its owners therefore replace a page once it is `worn_out` (it loaded
    `recycle_after` labels): the old page is deleted, its renderer process exits and the
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
        if not isinstance(profile, LabelProfile):
            raise TypeError("a label page needs a LabelProfile (make_label_profile)")
        self._cage = profile
        self._recycle_after = recycle_after
        self._expecting: QUrl | None = None
        self.label_url = ""
        self.started_at = 0.0
        """When the current label started loading (`time.monotonic()`)."""
        self.hint_hosts: tuple[str, ...] = ()
        self.refused: list[str] = []
        self.loads = 0
        """How many labels this page was asked to load."""
        self.loadFinished.connect(self._loaded)
        self.authenticationRequired.connect(self._no_credentials)
        self.proxyAuthenticationRequired.connect(self._no_proxy_credentials)

    @property
    def worn_out(self) -> bool:
        """True once the page has loaded `recycle_after` labels: replace it."""
        return self.loads >= self._recycle_after

    @property
    def blocked_hosts(self) -> tuple[str, ...]:
        """Every origin the current label asked for and did not get: hints taken out of
        it, requests the interceptor blocked, sockets the label proxy refused for it."""
        hosts = list(self.hint_hosts)
        for host in (
            *self._cage.interceptor.blocked_for(self.label_url),
            *self._cage.proxy_refusals(self.label_url, self.started_at),
        ):
            if host not in hosts:
                hosts.append(host)
        return tuple(hosts)

    def _loaded(self, _ok: bool) -> None:
        self.history().clear()
        self._cage.scheme_handler.forget(self.label_url)
        self._cage.interceptor.documents.discard(self.label_url)

    def load_label(self, html: str) -> None:
        """Show `html`; raises `LabelTooLarge` rather than silently showing nothing."""
        check_label_size(html)
        prepared = prepare_label(html)
        handler = self._cage.scheme_handler
        interceptor = self._cage.interceptor
        if self.label_url:
            handler.forget(self.label_url)
            interceptor.documents.discard(self.label_url)
            interceptor.forget(self.label_url)
        url = QUrl(f"{LABEL_SCHEME.decode()}://label/{uuid.uuid4().hex}")
        self.label_url = url.toString()
        self.started_at = time.monotonic()
        self.hint_hosts = prepared.hint_hosts
        handler.serve(self.label_url, prepared.html.encode("utf-8"))
        interceptor.documents.add(self.label_url)
        self.loads += 1
        self._expecting = url
        self.load(url)

    def acceptNavigationRequest(
        self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
    ) -> bool:
        qurl = QUrl(url)
        if self._expecting is not None and isMainFrame and qurl == self._expecting:
            self._expecting = None
            return True
        self.refused.append(f"{qurl.scheme()}:{type.name}")
        return False

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        lineNumber: int,
        sourceID: str,
    ) -> None:
        # The settle script reports each navigation it cancelled in the page itself (the
        # ones Chromium never asks `acceptNavigationRequest` about, to about:blank).
        if message.startswith(NAVIGATION_REFUSED):
            self.refused.append(f"cancelled:{message[len(NAVIGATION_REFUSED) :]}")
        super().javaScriptConsoleMessage(level, message, lineNumber, sourceID)

    def createWindow(  # type: ignore[override]  # None: no window is ever opened
        self, type: QWebEnginePage.WebWindowType
    ) -> QWebEnginePage | None:
        self.refused.append(f"window:{type.name}")
        return None

    def _no_credentials(self, url: QUrl, authenticator: object) -> None:
        self.refused.append(f"credentials:{QUrl(url).host()}")
        # Not answering the authenticator cancels the request.

    def _no_proxy_credentials(self, url: QUrl, authenticator: object, host: str) -> None:
        self.refused.append(f"proxy-credentials:{host}")
