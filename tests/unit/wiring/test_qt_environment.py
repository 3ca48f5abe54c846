"""The environment set before Qt starts: Chromium's sandbox off only for root."""

from __future__ import annotations

import sys

import pytest

from app.wiring.qt_environment import (
    LABEL_RENDERER_FLAGS,
    add_chromium_flags,
    allow_webengine_as_root,
    keep_hidden_pages_running,
    prepare_headless,
)


def test_root_turns_the_chromium_sandbox_off_others_keep_it() -> None:
    root: dict[str, str] = {}
    allow_webengine_as_root(root, euid=0)
    assert root == {"QTWEBENGINE_DISABLE_SANDBOX": "1"}
    user: dict[str, str] = {}
    allow_webengine_as_root(user, euid=1000)
    assert user == {}


def test_an_explicit_choice_is_kept() -> None:
    env = {"QTWEBENGINE_DISABLE_SANDBOX": "0"}
    allow_webengine_as_root(env, euid=0)
    assert env["QTWEBENGINE_DISABLE_SANDBOX"] == "0"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display rule is Linux's")
def test_headless_goes_offscreen_only_without_a_display() -> None:
    bare: dict[str, str] = {}
    prepare_headless(bare)
    assert bare.get("QT_QPA_PLATFORM") == "offscreen"
    with_display = {"DISPLAY": ":99"}
    prepare_headless(with_display)
    assert "QT_QPA_PLATFORM" not in with_display


def test_hidden_label_pages_keep_their_timers_and_other_flags_stay() -> None:
    env = {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}
    keep_hidden_pages_running(env)
    keep_hidden_pages_running(env)  # twice: no duplicates
    assert env["QTWEBENGINE_CHROMIUM_FLAGS"].split() == ["--disable-gpu", *LABEL_RENDERER_FLAGS]
    bare: dict[str, str] = {}
    prepare_headless(bare)
    assert bare["QTWEBENGINE_CHROMIUM_FLAGS"].split() == list(LABEL_RENDERER_FLAGS)


def test_added_flags_replace_the_same_switch_with_another_value() -> None:
    env = {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu --proxy-server=http://127.0.0.1:1"}
    add_chromium_flags(
        ("--proxy-server=http://127.0.0.1:2", "--proxy-bypass-list=<-loopback>"), env
    )
    assert env["QTWEBENGINE_CHROMIUM_FLAGS"].split() == [
        "--disable-gpu",
        "--proxy-server=http://127.0.0.1:2",
        "--proxy-bypass-list=<-loopback>",
    ]
