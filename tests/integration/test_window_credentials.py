"""The window's credentials end to end against the sandbox: each token mode chosen in the
Settings dialog fetches through its own token source, the keyring's secret is used unless
the environment gives one, and without a keyring the secret is kept for the session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from app.core.credentials import SERVICE, CredentialStore
from app.core.settings import Settings, TokenMode
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import SettingsDialog
from app.wechat.tokens import (
    ClassicTokenSource,
    CommandTokenSource,
    StableTokenSource,
    TokenSource,
)
from app.wiring.client import RecordingTokenSource
from tests.integration.token_command import token_command
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.credentials_support import (
    RecordedPrompts,
    click_ok,
    credentials_window,
    fill_account,
    flow_of,
    on_next_dialog,
)
from tests.unit.ui.support import row_states

STABLE = "/cgi-bin/stable_token"
CLASSIC = "/cgi-bin/token"
ORDERS = "4200001001,SF\n4200001002,ZTO\n4200001003,TEST\n"


def fetch_all(window: MainWindow, qtbot: QtBot) -> dict[str, str]:
    window.add_text(ORDERS)
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
    return row_states(window)


def token_source_of(window: MainWindow) -> TokenSource:
    """The token source behind the client the window built (unwrapped)."""
    source = window.fetcher._source
    assert source is not None
    inner = source._tokens._source  # type: ignore[attr-defined]
    return inner.inner if isinstance(inner, RecordingTokenSource) else inner


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (TokenMode.STABLE, StableTokenSource),
        (TokenMode.CLASSIC, ClassicTokenSource),
        (TokenMode.THIRD_PARTY, CommandTokenSource),
    ],
)
def test_each_token_mode_chosen_in_the_dialog_fetches_through_its_source(
    qapp: Any,
    qtbot: QtBot,
    tmp_path: Path,
    sandbox: SandboxServer,
    mode: TokenMode,
    expected: type,
) -> None:
    backend = MemoryKeyring()
    command, counter = token_command(tmp_path, sandbox, "fresh")
    with credentials_window(tmp_path, CredentialStore(backend), first_run=True) as window:

        def answer(dialog: SettingsDialog) -> None:
            third = mode is TokenMode.THIRD_PARTY
            fill_account(
                dialog,
                appid=sandbox.appid,
                api_base=sandbox.base_url,
                token_mode=mode.value,
                token_command=command if third else None,
                secret=None if third else sandbox.secret,
            )
            click_ok(dialog)

        seen = on_next_dialog(window, answer)
        qtbot.waitUntil(lambda: seen == ["Settings"], timeout=10_000)
        assert window.settings.token_mode is mode
        states = fetch_all(window, qtbot)
        assert set(states.values()) == {"ready"}, window.scan_bar.message_text()
        assert isinstance(token_source_of(window), expected)
    calls = {path: sandbox.stats.calls(path) for path in (STABLE, CLASSIC)}
    if mode is TokenMode.STABLE:
        assert calls == {STABLE: 1, CLASSIC: 0}
    elif mode is TokenMode.CLASSIC:
        assert calls == {STABLE: 0, CLASSIC: 1}
    else:
        assert int(counter.read_text()) >= 1  # the command gave the token
        assert backend.passwords == {}  # third-party mode needs no AppSecret


def test_the_keyring_secret_is_used_when_the_environment_has_none(
    qapp: Any, qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, sandbox.appid, sandbox.secret)
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url)
    with credentials_window(tmp_path, CredentialStore(backend), settings=settings) as window:
        assert set(fetch_all(window, qtbot).values()) == {"ready"}


def test_the_environment_wins_over_the_keyring(
    qapp: Any, qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, sandbox.appid, "0" * 32)  # a stale secret
    env = {"WAYBILL_APPID": sandbox.appid, "WAYBILL_APPSECRET": sandbox.secret}
    settings = Settings(api_base=sandbox.base_url)
    store = CredentialStore(backend)
    with credentials_window(tmp_path, store, settings=settings, env=env) as window:
        assert set(fetch_all(window, qtbot).values()) == {"ready"}


def test_without_a_keyring_the_window_offers_a_session_only_secret(
    qapp: Any, qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    store = CredentialStore(fail.Keyring())
    prompts = RecordedPrompts(answer=True, secret=sandbox.secret)
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url)
    with credentials_window(tmp_path, store, settings=settings, prompts=prompts) as window:
        assert set(fetch_all(window, qtbot).values()) == {"ready"}
        assert store.is_session_only(sandbox.appid)
        (title, question), *_ = prompts.questions
        assert "keyring" in title.lower()
        assert "No system keyring is available" in question
        assert "this session only" in question and sandbox.appid in question
        assert len(prompts.secret_requests) == 1
        # the settings change: a new client, the session secret is still there, no question
        window.apply_settings(window.settings.replace(concurrency=2))
        window.model.clear()
        assert set(fetch_all(window, qtbot).values()) == {"ready"}
        assert len(prompts.questions) == 1
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(sandbox.secret.encode() not in p.read_bytes() for p in written)


def test_without_a_keyring_declining_says_why_and_fetches_nothing(
    qapp: Any, qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer
) -> None:
    store = CredentialStore(fail.Keyring())
    prompts = RecordedPrompts(answer=False)
    settings = Settings(appid=sandbox.appid, api_base=sandbox.base_url)
    with credentials_window(tmp_path, store, settings=settings, prompts=prompts) as window:
        window.add_text(ORDERS)
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=10_000)
        message = window.scan_bar.message_text()
        assert "Cannot fetch" in message and "keyring" in message
        assert set(row_states(window).values()) == {"queued"}
        assert prompts.secret_requests == []
        assert not store.is_session_only(sandbox.appid)
        assert flow_of(window).needs_setup()
    assert sandbox.stats.calls(STABLE) == 0
