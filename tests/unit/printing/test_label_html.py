"""The label document as served: fragments wrapped; network hints, frames and refreshes
made inert."""

from __future__ import annotations

from app.printing.label_html import is_fragment, neutralise_hints, prepare_label


def test_a_fragment_is_wrapped_in_a_utf8_standards_document() -> None:
    prepared = prepare_label("<div>顺丰</div>")
    assert prepared.wrapped
    assert prepared.html.startswith('<!DOCTYPE html><html><head><meta charset="utf-8">')
    assert "<body><div>顺丰</div></body>" in prepared.html


def test_a_whole_document_is_not_wrapped() -> None:
    for html in ("<!doctype html><p>x", "<HTML><p>x</HTML>", "<body>x</body>", "<head></head>x"):
        assert not is_fragment(html)
        assert not prepare_label(html).wrapped


def test_hint_links_lose_their_rel_and_name_their_hosts() -> None:
    html = (
        '<link rel="preconnect" href="https://a.example:8443/">'
        "<link REL=dns-prefetch href=//b.example>"
        "<link href='https://c.example/x.js' rel='modulepreload'>"
        '<link rel="stylesheet preload" href="https://d.example/s.css" title="a > b">'
        '<link rel="stylesheet" href="https://e.example/s.css">'
        '<link data-rel="x" rel="prefetch" href="https://f.example/n">'
    )
    cleaned, hosts = neutralise_hints(html)
    assert hosts == (
        "https://a.example:8443",
        "https://b.example",
        "https://c.example",
        "https://d.example",
        "https://f.example",
    )
    assert ' rel="stylesheet" href="https://e.example/s.css"' in cleaned  # left alone
    for hint in ("preconnect", "dns-prefetch", "modulepreload", "preload", "prefetch"):
        assert f" rel={hint}" not in cleaned.lower().replace('"', "").replace("'", "")
    assert cleaned.lower().count("data-neutralised-rel") == 5


def test_frames_become_inert_elements() -> None:
    cleaned, _ = neutralise_hints(
        '<iframe srcdoc="&lt;link rel=preconnect href=//x&gt;"></iframe><OBJECT data=x></OBJECT>'
        "<embed src=y><frameset><frame src=z></frameset>"
    )
    assert "<iframe" not in cleaned.lower() and "<object" not in cleaned.lower()
    assert "<x-neutralised-iframe srcdoc" in cleaned
    assert "</x-neutralised-OBJECT>" in cleaned
    assert "<x-neutralised-frame src=z>" in cleaned


def test_speculation_rules_do_not_run() -> None:
    cleaned, _ = neutralise_hints('<script type="speculationrules">{"prefetch": []}</script>')
    assert 'type="text/plain"' in cleaned


def test_a_meta_refresh_loses_its_http_equiv_however_it_is_written() -> None:
    cleaned, _ = neutralise_hints(
        '<meta http-equiv="refresh" content="0;url=about:blank">'
        "<META HTTP-EQUIV=Refresh content=0>"
        "<meta content='a > b' http-equiv = '&#114;efresh'/>"
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    )
    assert cleaned.lower().count("data-neutralised-http-equiv") == 3
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gbk">' in cleaned
