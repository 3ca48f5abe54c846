"""The label document as the cage serves it: whole, without network hints, at rest.

`prepare_label` turns a label's HTML into the document the label page loads:

- a fragment (no `<html>`/`<body>`, as PHP libraries write for PDF engines) is wrapped in
  a standards-mode document with a UTF-8 `<meta>`, as a browser would render it;
- every `<link>` whose `rel` asks for a network hint or an early fetch (preconnect,
  dns-prefetch, prefetch, preload, modulepreload, prerender) loses its `rel` before the
  page ever sees it: Chromium opens preconnect sockets without asking the request
  interceptor, so such a link must not exist; `<script type=speculationrules>` likewise;
  frames (`iframe`, `object`, `embed`, …) become inert elements (their documents would be
  out of reach of both this and the guard script); a `<meta http-equiv>` other than the
  content type loses its `http-equiv` (a refresh would replace the label, and with label
  scripts off nothing else in the page could stop it);
- `FINAL_STATE_CSS` (adopted by the page's settle script, `cage_scripts`) shows
  animations and transitions in their final state (an offscreen page never advances them:
  a template that fades in from `opacity: 0` would print white).

The hosts the neutralised hints pointed to are returned, to be reported with the label.
Pure text functions (no Qt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_MARKER_RE = re.compile(r"<(?:!doctype|html|head|body)(?=[\s>/])", re.IGNORECASE)
# A tag with its attributes, quoted values may hold '>'.
_LINK_RE = re.compile(r"<link\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
FRAME_TAGS = ("iframe", "frameset", "frame", "object", "embed", "fencedframe", "portal")
_FRAME_RE = re.compile(r"<(/?)(" + "|".join(FRAME_TAGS) + r")(?=[\s>/])", re.IGNORECASE)
_SPECULATION_RE = re.compile(
    r"(<script\b[^>]*\btype\s*=\s*)([\"']?)speculationrules\2", re.IGNORECASE
)
_META_RE = re.compile(r"<meta\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_EQUIV_RE = re.compile(r"(?<=[\s\"'/])http-equiv\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_REL_RE = re.compile(r"(?<=[\s\"'/])rel\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_HREF_RE = re.compile(r"(?<=[\s\"'/])href\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
HINT_RELS = frozenset(
    {"preconnect", "dns-prefetch", "prefetch", "preload", "modulepreload", "prerender"}
)

FINAL_STATE_CSS = (
    "*,*::before,*::after{animation-delay:0s!important;animation-duration:0s!important;"
    "animation-iteration-count:1!important;animation-play-state:running!important;"
    "transition-delay:0s!important;transition-duration:0s!important}"
)


@dataclass(frozen=True)
class PreparedLabel:
    """The document to load, and the hosts of the network hints taken out of it."""

    html: str
    hint_hosts: tuple[str, ...] = ()
    wrapped: bool = False


def is_fragment(html: str) -> bool:
    """True if `html` has no `<!doctype>`, `<html>`, `<head>` or `<body>` of its own."""
    return _MARKER_RE.search(html) is None


def _unquote(value: str) -> str:
    return value[1:-1] if value[:1] in "\"'" and value[-1:] == value[:1] else value


def _host_of(href: str) -> str | None:
    href = href.strip()
    if href.startswith("//"):
        href = "https:" + href
    parts = urlsplit(href)
    if not parts.hostname:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme or 'https'}://{parts.hostname}{port}"


def _neutralise_equiv(match: re.Match[str]) -> str:
    """A `<meta>`'s `http-equiv` made inert, unless it only declares the content type
    (its charset matters; a refresh, however its value is written, must not stay)."""
    if _unquote(match.group(1)).strip().lower() == "content-type":
        return match.group(0)
    return "data-neutralised-" + match.group(0)


def neutralise_hints(html: str) -> tuple[str, tuple[str, ...]]:
    """`html` with no network-hint `<link>` and no frame left, and the hosts they named.

    Frames (`iframe`, `object`, `embed`…) become inert unknown elements: a frame's own
    document (`srcdoc`, `javascript:`, one written by script) is parsed where neither
    this function nor the guard script can reach, and a label needs no frames.
    """
    hosts: list[str] = []

    def fix(match: re.Match[str]) -> str:
        tag = match.group(0)
        rel = _REL_RE.search(tag)
        if rel is None:
            return tag
        tokens = _unquote(rel.group(1)).lower().split()
        if not HINT_RELS.intersection(tokens):
            return tag
        href = _HREF_RE.search(tag)
        host = _host_of(_unquote(href.group(1))) if href else None
        if host and host not in hosts:
            hosts.append(host)
        return tag[: rel.start()] + "data-neutralised-" + tag[rel.start() :]

    cleaned = _FRAME_RE.sub(r"<\1x-neutralised-\2", html)
    cleaned = _LINK_RE.sub(fix, cleaned)
    cleaned = _META_RE.sub(lambda m: _EQUIV_RE.sub(_neutralise_equiv, m[0]), cleaned)
    cleaned = _SPECULATION_RE.sub(
        lambda m: f"{m.group(1)}{m.group(2)}text/plain{m.group(2)}", cleaned
    )
    return cleaned, tuple(hosts)


def prepare_label(html: str) -> PreparedLabel:
    """The document the label page loads for `html` (see the module docstring)."""
    wrapped = is_fragment(html)
    if wrapped:
        html = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{html}</body></html>'
    cleaned, hosts = neutralise_hints(html)
    return PreparedLabel(cleaned, hosts, wrapped)
