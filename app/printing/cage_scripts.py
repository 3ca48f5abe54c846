"""The scripts the label page runs around a label's own: a guard and a settle probe.

- `GUARD_JS` runs in the label's own world before any of its scripts (document creation,
  every frame). A label script that inserts a `<link rel=preconnect>` (or dns-prefetch,
  prefetch, preload…) by any DOM call or HTML string gets it without that `rel`: Chromium
  opens preconnect sockets without asking the request interceptor. Frames it makes
  (`createElement('iframe')`, HTML strings) become inert elements, as in `label_html`. It also counts the
  label's pending short timers (so "scripts quiet" can be told) and, in a hidden page
  (where Chromium never runs animation frames), runs `requestAnimationFrame` callbacks on
  a timer so a label drawing in one is still drawn.
- `SETTLE_JS` runs in the program's own isolated world (the label cannot see or fake
  it): it cancels every navigation the page starts (link, form, `location=`, refresh:
  the Navigation API's `navigate` event, and `submit`) and reports each on the console
  as `NAVIGATION_REFUSED` — Chromium commits one to about:blank without asking
  `LabelPage.acceptNavigationRequest`; it adopts a style sheet that shows animations and
  transitions in their final state (after the label's own sheets, so it wins), hides
  images that failed to load (no broken-image icon on a label), and
  defines `__waybillSettle(quietMs)`, which finishes running animations and answers
  "settled" once the document is loaded, its fonts and images are done and its scripts
  have been quiet (no pending short timer, no DOM change for `quietMs`); otherwise what
  it still waits for.
"""

from __future__ import annotations

import json

from PySide6.QtWebEngineCore import QWebEngineScript

from app.printing.label_html import FINAL_STATE_CSS

BUSY_ATTRIBUTE = "data-waybill-printer-busy"
#: How `SETTLE_JS` starts the console message of a navigation it cancelled.
NAVIGATION_REFUSED = "waybill-printer: navigation refused: "

GUARD_JS = (
    r"""
(() => {
  'use strict';
  if (window.__waybillGuard) return;
  Object.defineProperty(window, '__waybillGuard', {value: true});
  const HINTS = /^(preconnect|dns-prefetch|prefetch|preload|modulepreload|prerender)$/i;
  const ANY_HINT = /preconnect|dns-prefetch|prefetch|preload|prerender/i;
  const LINK_TAG = /<link\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
  const REL_ATTR = /(?<=[\s"'\/])rel\s*=/gi;
  const SPECULATION = /(<script\b[^>]*\btype\s*=\s*)(["']?)speculationrules\2/gi;
  const FRAMES = /<(\/?)(iframe|frameset|frame|object|embed|fencedframe|portal)(?=[\s>\/])/gi;
  const FRAME_NAME = /^(iframe|frameset|frame|object|embed|fencedframe|portal)$/i;
  const setAttr = Element.prototype.setAttribute;
  const cleanRel = (value) => String(value).split(/\s+/).filter((t) => !HINTS.test(t)).join(' ');
  const cleanHtml = (html) => (typeof html !== 'string') ? html : html
    .replace(FRAMES, '<$1x-neutralised-$2')
    .replace(LINK_TAG, (tag) => ANY_HINT.test(tag) ? tag.replace(REL_ATTR, 'data-neutralised-rel=') : tag)
    .replace(SPECULATION, '$1$2text/plain$2');
  const isLink = (el) => el && el.nodeType === 1 && el.localName === 'link';
  const fixOne = (el) => {
    if (isLink(el) && el.hasAttribute('rel')) {
      const rel = el.getAttribute('rel');
      const clean = cleanRel(rel);
      if (clean !== rel) setAttr.call(el, 'rel', clean);
    } else if (el && el.nodeType === 1 && el.localName === 'script'
               && /speculationrules/i.test(el.getAttribute('type') || '')) {
      setAttr.call(el, 'type', 'text/plain');
    } else if (el && el.nodeType === 1 && el.localName === 'iframe' && el.hasAttribute('srcdoc')) {
      setAttr.call(el, 'srcdoc', cleanHtml(el.getAttribute('srcdoc')));
    }
  };
  const fixTree = (node) => {
    if (!node || typeof node !== 'object') return;
    fixOne(node);
    if (typeof node.querySelectorAll === 'function') {
      for (const el of node.querySelectorAll('link, script, iframe')) fixOne(el);
    }
  };
  const wrap = (proto, name, before) => {
    const original = proto && proto[name];
    if (typeof original !== 'function') return;
    proto[name] = function (...args) { before(this, args); return original.apply(this, args); };
  };
  const fixArgs = (_self, args) => args.forEach(fixTree);
  for (const [proto, names] of [
    [Node.prototype, ['appendChild', 'insertBefore', 'replaceChild']],
    [Element.prototype, ['append', 'prepend', 'before', 'after', 'replaceWith',
                         'insertAdjacentElement', 'replaceChildren']],
    [CharacterData.prototype, ['before', 'after', 'replaceWith']],
    [Document.prototype, ['append', 'prepend', 'replaceChildren', 'adoptNode', 'importNode']],
    [DocumentFragment.prototype, ['append', 'prepend', 'replaceChildren']],
  ]) {
    for (const name of names) wrap(proto, name, fixArgs);
  }
  const fixAttr = (el, args) => {
    const name = String(args[args.length - 2]).toLowerCase();
    if (isLink(el) && name === 'rel') args[args.length - 1] = cleanRel(args[args.length - 1]);
    if (el && el.localName === 'script' && name === 'type'
        && /speculationrules/i.test(String(args[args.length - 1]))) args[args.length - 1] = 'text/plain';
    if (el && el.localName === 'iframe' && name === 'srcdoc') args[args.length - 1] = cleanHtml(String(args[args.length - 1]));
  };
  wrap(Element.prototype, 'setAttribute', fixAttr);
  wrap(Element.prototype, 'setAttributeNS', fixAttr);
  wrap(Element.prototype, 'setAttributeNode', (_el, args) => {
    const attr = args[0];
    if (attr && attr.localName === 'rel') attr.value = cleanRel(attr.value);
  });
  const wrapSetter = (proto, name, clean) => {
    const desc = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (!desc || !desc.set) return;
    Object.defineProperty(proto, name, {...desc, set(value) { desc.set.call(this, clean(this, value)); }});
  };
  wrapSetter(HTMLLinkElement.prototype, 'rel', (_el, value) => cleanRel(value));
  wrapSetter(HTMLScriptElement.prototype, 'type',
             (_el, value) => /speculationrules/i.test(String(value)) ? 'text/plain' : value);
  wrapSetter(HTMLIFrameElement.prototype, 'srcdoc', (_el, value) => cleanHtml(String(value)));
  const attrClean = (attr, value) =>
    (attr && attr.localName === 'rel' && isLink(attr.ownerElement)) ? cleanRel(value) : value;
  wrapSetter(Attr.prototype, 'value', attrClean);
  wrapSetter(Node.prototype, 'nodeValue', (node, value) => node.nodeType === 2 ? attrClean(node, value) : value);
  wrapSetter(Node.prototype, 'textContent', (node, value) => node.nodeType === 2 ? attrClean(node, value) : value);
  // relList of a link: its add/toggle/replace/value cannot add a hint.
  const relLists = new WeakSet();
  const relListDesc = Object.getOwnPropertyDescriptor(HTMLLinkElement.prototype, 'relList');
  if (relListDesc && relListDesc.get) {
    Object.defineProperty(HTMLLinkElement.prototype, 'relList', {...relListDesc, get() {
      const list = relListDesc.get.call(this); relLists.add(list); return list;
    }});
  }
  for (const name of ['add', 'toggle', 'replace']) {
    wrap(DOMTokenList.prototype, name, function (list, args) {
      if (!relLists.has(list)) return;
      for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string' && HINTS.test(args[i])) args[i] = 'x-neutralised';
    });
  }
  wrapSetter(DOMTokenList.prototype, 'value', (list, value) => relLists.has(list) ? cleanRel(value) : value);
  // HTML strings.
  for (const [proto, name] of [[Element.prototype, 'innerHTML'], [Element.prototype, 'outerHTML'],
                               [ShadowRoot.prototype, 'innerHTML']]) {
    wrapSetter(proto, name, (_el, value) => cleanHtml(value));
  }
  const cleanStrings = (_self, args) => { for (let i = 0; i < args.length; i++) args[i] = cleanHtml(args[i]); };
  wrap(Element.prototype, 'insertAdjacentHTML', cleanStrings);
  wrap(Element.prototype, 'setHTMLUnsafe', cleanStrings);
  wrap(ShadowRoot.prototype, 'setHTMLUnsafe', cleanStrings);
  wrap(Document.prototype, 'write', cleanStrings);
  wrap(Document.prototype, 'writeln', cleanStrings);
  wrap(Range.prototype, 'createContextualFragment', cleanStrings);
  wrap(DOMParser.prototype, 'parseFromString', cleanStrings);
  if (typeof Document.parseHTMLUnsafe === 'function') {
    const parse = Document.parseHTMLUnsafe;
    Document.parseHTMLUnsafe = function (html, ...rest) { return parse.call(this, cleanHtml(html), ...rest); };
  }
  // No frames: a frame's own document would be parsed out of this guard's reach.
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (name, ...rest) {
    const safe = FRAME_NAME.test(String(name)) ? 'x-neutralised-' + name : name;
    return createElement.call(this, safe, ...rest);
  };
  const createElementNS = Document.prototype.createElementNS;
  Document.prototype.createElementNS = function (ns, name, ...rest) {
    const safe = FRAME_NAME.test(String(name)) ? 'x-neutralised-' + name : name;
    return createElementNS.call(this, ns, safe, ...rest);
  };
  // Pending short timers: "scripts quiet" means none is left.
  const busy = '"""
    + BUSY_ATTRIBUTE
    + r"""';
  const pending = new Set();
  const publish = () => {
    const root = document.documentElement;
    if (!root) return;
    if (pending.size && !root.hasAttribute(busy)) setAttr.call(root, busy, '');
    else if (!pending.size && root.hasAttribute(busy)) root.removeAttribute(busy);
  };
  const setTimeoutOriginal = window.setTimeout;
  const clearTimeoutOriginal = window.clearTimeout;
  window.setTimeout = function (handler, delay, ...args) {
    if (typeof handler !== 'function' || Number(delay) > 1000) {
      return setTimeoutOriginal.call(window, handler, delay, ...args);
    }
    const id = setTimeoutOriginal.call(window, () => {
      pending.delete(id);
      try { handler(...args); } finally { publish(); }
    }, delay);
    pending.add(id);
    publish();
    return id;
  };
  window.clearTimeout = function (id) {
    clearTimeoutOriginal.call(window, id);
    if (pending.delete(id)) publish();
  };
  if (document.visibilityState === 'hidden') {
    window.requestAnimationFrame = (callback) => window.setTimeout(() => callback(performance.now()), 16);
    window.cancelAnimationFrame = (id) => window.clearTimeout(id);
  }
})();
"""
)

SETTLE_JS = (
    r"""
(() => {
  'use strict';
  if (window.__waybillSettle) return;
  const busy = '"""
    + BUSY_ATTRIBUTE
    + r"""';
  const ours = new WeakSet();
  let last = performance.now();
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync("""
    + json.dumps(FINAL_STATE_CSS)
    + r""");
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch (e) { /* the settle step still finishes animations */ }
  document.addEventListener('error', (event) => {
    const el = event.target;
    if (el && el.localName === 'img') {
      ours.add(el);
      el.style.setProperty('visibility', 'hidden', 'important');
    }
  }, true);
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes' && (record.attributeName === busy || ours.has(record.target))) continue;
      last = performance.now();
      return;
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  // No navigation: the page is the label and stays it. Chromium commits a navigation to
  // about:blank without asking the page's navigation guard, so it is cancelled here,
  // before it starts (the Navigation API's navigate event: links, forms, location=,
  // meta refresh, from any world); a form submit is also cancelled as an event. Each
  // refusal is reported on the console (`NAVIGATION_REFUSED`), which `LabelPage` records.
  const refuse = (what) => console.warn('"""
    + NAVIGATION_REFUSED
    + r"""' + what);
  if (window.navigation && typeof window.navigation.addEventListener === 'function') {
    window.navigation.addEventListener('navigate', (event) => {
      if (event.hashChange || !event.cancelable) return;
      event.preventDefault();
      refuse(event.navigationType + ' ' + String(event.destination && event.destination.url).slice(0, 80));
    });
  }
  document.addEventListener('submit', (event) => {
    event.preventDefault();
    refuse('submit');
  }, true);
  window.__waybillSettle = (quietMs) => {
    for (const animation of document.getAnimations()) {
      try { animation.finish(); } catch (e) { try { animation.pause(); } catch (e2) { /* gone */ } }
    }
    if (document.readyState !== 'complete') return 'loading';
    if (document.fonts && document.fonts.status !== 'loaded') return 'fonts';
    for (const image of document.images) if (!image.complete) return 'images';
    const root = document.documentElement;
    if (root && root.hasAttribute(busy)) return 'timers';
    const scripted = document.scripts.length > 0 || document.querySelector('[onload]') !== null;
    if (scripted && performance.now() - last < quietMs) return 'busy';
    return 'settled';
  };
})();
"""
)


def cage_scripts() -> list[QWebEngineScript]:
    """The guard (label world) and settle probe (program world), both at document
    creation in every frame."""
    scripts = []
    for name, source, world in (
        ("waybill-guard", GUARD_JS, QWebEngineScript.ScriptWorldId.MainWorld),
        ("waybill-settle", SETTLE_JS, QWebEngineScript.ScriptWorldId.ApplicationWorld),
    ):
        script = QWebEngineScript()
        script.setName(name)
        script.setSourceCode(source)
        script.setWorldId(world)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setRunsOnSubFrames(True)
        scripts.append(script)
    return scripts
