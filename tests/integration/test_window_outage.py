"""An outage is named as one: with the sandbox stopped, a wrong AppSecret, a refused
connection, an IP off the whitelist or the quota used up, the window shows ONE banner
with the cause and the fix (Chinese first in the Chinese UI), the orders stay queued
(not "error"), and Fetch tries again when asked — and then succeeds."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.engine import WaybillSource
from app.core.settings import Settings
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.wiring.client import Credentials, build_client
from tests.unit.ui.support import open_window, row_states, sandbox_settings

ORDERS = ["OUT1", "OUT2", "OUT3"]


class Source:
    """Builds clients from whatever settings and secret are current."""

    def __init__(self, sandbox: SandboxServer, settings: Settings) -> None:
        self.settings = settings
        self.appid = sandbox.appid
        self.secret = sandbox.secret

    def __call__(self) -> WaybillSource:
        return build_client(self.settings, Credentials(appid=self.appid, secret=self.secret))


def fetch_and_wait(window: MainWindow, qtbot: QtBot) -> None:
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=60_000)


def stop_sandbox(sandbox: SandboxServer, source: Source) -> Callable[[], None]:
    sandbox.stop()
    return lambda: pytest.fail("a stopped sandbox does not come back")


def wrong_secret(sandbox: SandboxServer, source: Source) -> Callable[[], None]:
    good = source.secret
    source.secret = "not-the-appsecret-0000"

    def undo() -> None:
        source.secret = good

    return undo


def refused(sandbox: SandboxServer, source: Source) -> Callable[[], None]:
    good = source.settings
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source.settings = good.replace(api_base=f"http://127.0.0.1:{port}")

    def undo() -> None:
        source.settings = good

    return undo


def not_whitelisted(sandbox: SandboxServer, source: Source) -> Callable[[], None]:
    sandbox.faults.ip_not_whitelisted = True

    def undo() -> None:
        sandbox.faults.ip_not_whitelisted = False

    return undo


def quota(sandbox: SandboxServer, source: Source) -> Callable[[], None]:
    sandbox.faults.quota_exhausted = True

    def undo() -> None:
        sandbox.faults.quota_exhausted = False

    return undo


# cause (English, Chinese) and a word of the fix (English, Chinese)
CASES = {
    "stopped": (stop_sandbox, "No connection", "无法连接微信服务器", "network", "网线"),
    "wrong_secret": (wrong_secret, "credentials", "凭据", "AppSecret", "AppSecret"),
    "refused": (refused, "No connection", "无法连接微信服务器", "proxy", "代理"),
    "ip_whitelist": (not_whitelisted, "whitelist", "白名单", "IP whitelist", "白名单"),
    "quota": (quota, "quota", "次数已用完", "admin", "管理员"),
}


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("name", list(CASES))
def test_an_outage_is_one_banner_and_the_orders_stay_queued(
    name: str,
    language: str,
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    arm, cause_en, cause_zh, fix_en, fix_zh = CASES[name]
    source = Source(sandbox, sandbox_settings(sandbox, read_timeout=5.0))
    with open_window(
        sandbox, label_profile, print_queue, tmp_path, make_source=source, language=language
    ) as window:
        undo = arm(sandbox, source)
        window.add_text("\n".join(ORDERS))
        fetch_and_wait(window, qtbot)

        assert set(row_states(window).values()) == {"queued"}  # not "error"
        banner = window.scan_bar.message_text()
        assert window.scan_bar.message.property("tone") == "error"
        if language == "en":
            assert banner.startswith(cause_en) or cause_en in banner.split(".")[0]
            assert fix_en in banner and "3 order(s) stay queued" in banner
        else:
            assert banner.startswith(cause_zh) or cause_zh in banner.split("。")[0]
            assert fix_zh in banner and "3 个订单仍在队列中" in banner
            assert "\u4e00" <= banner[0] <= "\u9fff"  # opens with Chinese
            assert banner.index("（错误码") > banner.index("仍在队列中")  # code, English last
        assert window.actions_.fetch.isEnabled()  # retry when asked

        if name == "stopped":
            return  # the sandbox cannot come back on the same port
        undo()
        window.fetcher.reset_source()
        fetch_and_wait(window, qtbot)
        assert set(row_states(window).values()) == {"ready"}
