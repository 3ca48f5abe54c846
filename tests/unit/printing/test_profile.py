"""The hardened label profile, proven by rendering hostile labels for real."""

from __future__ import annotations

import base64
import gc
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
)
from pytestqt.qtbot import QtBot

from app.printing.profile import (
    MAX_LABEL_BYTES,
    LabelPage,
    LabelProfile,
    LabelTooLarge,
    check_label_size,
    make_label_profile,
)
from tests.fixtures.qt import code128_svg, dispose
from tests.unit.printing.counting_server import CountingServer


@pytest.fixture
def page(label_profile: LabelProfile) -> Iterator[LabelPage]:
    page = LabelPage(label_profile)
    yield page
    dispose(page)


def load(qtbot: QtBot, page: LabelPage, html: str) -> None:
    with qtbot.waitSignal(page.loadFinished, timeout=20_000) as blocker:
        page.load_label(html)
    assert blocker.args == [True]


def inspect(qtbot: QtBot, page: LabelPage, code: str) -> object:
    """Evaluate `code` in the application's isolated world (page scripts are off)."""
    results: list[object] = []
    page.runJavaScript(code, QWebEngineScript.ScriptWorldId.ApplicationWorld, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    return results[0]


def test_profile_is_off_the_record_with_everything_risky_off(qapp: object) -> None:
    profile = make_label_profile()
    try:
        settings = profile.settings()
        attr = QWebEngineSettings.WebAttribute
        assert profile.isOffTheRecord()
        assert settings.testAttribute(attr.JavascriptEnabled)  # label scripts draw barcodes
        assert not settings.testAttribute(attr.JavascriptCanOpenWindows)
        assert not settings.testAttribute(attr.LocalStorageEnabled)
        assert not settings.testAttribute(attr.LocalContentCanAccessFileUrls)
        assert not settings.testAttribute(attr.LocalContentCanAccessRemoteUrls)
        assert not settings.testAttribute(attr.PluginsEnabled)
        assert settings.testAttribute(attr.AutoLoadImages)
        assert (
            profile.persistentCookiesPolicy()
            == QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
        )
        gc.collect()
        assert profile.interceptor.blocked == []
        assert set(profile.children()) == {profile.interceptor, profile.scheme_handler}
    finally:
        dispose(profile)


def test_label_scripts_do_not_run_when_switched_off(qtbot: QtBot, qapp: object) -> None:
    profile = make_label_profile(scripts=False)
    page = LabelPage(profile)
    load(
        qtbot,
        page,
        "<html><head><title>original</title></head><body><p id='p'>label</p>"
        "<script>document.title = 'changed';"
        "document.getElementById('p').textContent = 'scripted';</script>"
        "<img src='x' onerror=\"document.body.setAttribute('data-ran', '1')\"></body></html>",
    )
    assert page.title() == "original"
    # The inspection itself runs, so a script that had run would be seen.
    assert inspect(qtbot, page, "document.getElementById('p').textContent") == "label"
    assert inspect(qtbot, page, "String(document.body.getAttribute('data-ran'))") == "null"
    dispose(page)
    dispose(profile)


def test_label_scripts_run_by_default(qtbot: QtBot, page: LabelPage) -> None:
    load(
        qtbot,
        page,
        "<p id='p'>label</p><script>document.getElementById('p').textContent = 'drawn'</script>",
    )
    assert inspect(qtbot, page, "document.getElementById('p').textContent") == "drawn"


def test_inline_data_images_still_show(qtbot: QtBot, page: LabelPage) -> None:
    image = base64.b64encode(code128_svg("SF100")).decode()
    load(qtbot, page, f"<img id='i' src='data:image/svg+xml;base64,{image}'>")
    assert inspect(qtbot, page, "document.getElementById('i').naturalWidth") > 0  # type: ignore[operator]


def test_remote_resources_are_never_requested(
    qtbot: QtBot, page: LabelPage, label_profile: LabelProfile, counting_server: CountingServer
) -> None:
    url = counting_server.url
    with urllib.request.urlopen(f"{url}/probe") as answer:  # the server does count
        assert answer.status == 200
    assert counting_server.hits == 1
    load(
        qtbot,
        page,
        f"<html><head><link rel='stylesheet' href='{url}/style.css'>"
        f"<style>body {{ background: url('{url}/bg.png'); }}</style></head><body>"
        f"<img id='i' src='{url}/x.png'><iframe src='{url}/frame'></iframe>"
        "</body></html>",
    )
    assert inspect(qtbot, page, "document.getElementById('i').complete") is True
    assert inspect(qtbot, page, "document.getElementById('i').naturalWidth") == 0
    assert counting_server.paths == ["/probe"]
    assert url in label_profile.interceptor.blocked
    assert page.blocked_hosts == (url,)
    assert page.refused == []  # the frame is an inert element: nothing to refuse


def test_objects_are_never_requested(
    qtbot: QtBot, page: LabelPage, counting_server: CountingServer
) -> None:
    url = counting_server.url
    load(qtbot, page, f"<object data='{url}/object'></object><embed src='{url}/embed'>")
    assert counting_server.hits == 0
    assert inspect(qtbot, page, "document.querySelectorAll('object, embed').length") == 0


def test_local_files_are_not_loaded(qtbot: QtBot, page: LabelPage, tmp_path: Path) -> None:
    image = tmp_path / "local.svg"
    image.write_bytes(code128_svg("LOCAL1"))
    file_url = QUrl.fromLocalFile(str(image)).toString()
    load(
        qtbot,
        page,
        f"<img id='i' src='{file_url}'><iframe id='f' src='file:///etc/hostname'></iframe>",
    )
    assert inspect(qtbot, page, "document.getElementById('i').complete") is True
    assert inspect(qtbot, page, "document.getElementById('i').naturalWidth") == 0
    # (Chromium refuses file: from a label before it is even a request)
    assert inspect(qtbot, page, "String(document.getElementById('f').contentDocument)") == (
        "undefined"  # no frame at all, so no file in it
    )


def test_a_meta_refresh_never_loads(
    qtbot: QtBot, page: LabelPage, counting_server: CountingServer
) -> None:
    load(
        qtbot,
        page,
        f"<meta http-equiv='refresh' content='0;url={counting_server.url}/refresh'><p>label</p>",
    )
    # Chromium schedules a refresh when it parses the element: none was ever there.
    assert inspect(qtbot, page, "document.querySelector('meta[http-equiv]') === null") is True
    assert page.url().toString() == page.label_url
    assert inspect(qtbot, page, "document.body.textContent") == "label"
    assert counting_server.hits == 0


@pytest.mark.parametrize(
    ("action", "refusal"),
    [
        ("document.getElementById('a').click()", "cancelled:push {url}/link"),
        # A popup is never opened; the plain click after it shows the page went on working.
        (
            "document.getElementById('blank').click(); document.getElementById('a').click()",
            "cancelled:push {url}/link",
        ),
        ("document.forms[0].submit()", "cancelled:push {url}/form"),
    ],
)
def test_links_and_forms_are_refused(
    qtbot: QtBot, page: LabelPage, counting_server: CountingServer, action: str, refusal: str
) -> None:
    url = counting_server.url
    load(
        qtbot,
        page,
        f"<a id='a' href='{url}/link'>link</a>"
        f"<a id='blank' href='{url}/popup' target='_blank'>popup</a>"
        f"<form action='{url}/form' method='post'><input name='q' value='1'></form>",
    )
    inspect(qtbot, page, action)
    qtbot.waitUntil(lambda: bool(page.refused), timeout=10_000)
    assert page.refused == [refusal.format(url=url)]  # by the cage, before it started
    assert page.url().toString() == page.label_url
    assert counting_server.hits == 0
    assert inspect(qtbot, page, "document.getElementById('a').textContent") == "link"


def test_no_window_is_ever_created(page: LabelPage) -> None:
    assert page.createWindow(QWebEnginePage.WebWindowType.WebBrowserTab) is None
    assert page.createWindow(QWebEnginePage.WebWindowType.WebDialog) is None


def test_program_navigation_away_is_refused(
    qtbot: QtBot, page: LabelPage, counting_server: CountingServer
) -> None:
    load(qtbot, page, "<p>label</p>")
    page.setUrl(QUrl(f"{counting_server.url}/direct"))
    qtbot.waitUntil(lambda: bool(page.refused), timeout=10_000)
    assert counting_server.hits == 0
    assert inspect(qtbot, page, "document.body.textContent") == "label"


def test_size_limit_is_a_clear_error() -> None:
    check_label_size("x" * MAX_LABEL_BYTES)
    with pytest.raises(LabelTooLarge, match="too large"):
        check_label_size("x" * (MAX_LABEL_BYTES + 1))
    with pytest.raises(LabelTooLarge):
        check_label_size("中" * (MAX_LABEL_BYTES // 3 + 1))


def test_a_label_beyond_the_old_data_url_limit_loads(qtbot: QtBot, page: LabelPage) -> None:
    body = "中" * 1_200_000  # 3.6 MB of UTF-8, 10.8 M characters as a data: URL
    load(qtbot, page, body)
    assert inspect(qtbot, page, "document.body.textContent.length") == len(body)


def test_page_counts_its_labels_and_keeps_no_history(
    qtbot: QtBot, label_profile: LabelProfile
) -> None:
    page = LabelPage(label_profile, recycle_after=2)
    assert (page.loads, page.worn_out) == (0, False)
    load(qtbot, page, "<p>one</p>")
    load(qtbot, page, "<p>two</p>")
    assert (page.loads, page.worn_out) == (2, True)
    assert page.history().count() == 1  # only the label shown now
    assert not page.history().canGoBack()
    dispose(page)
