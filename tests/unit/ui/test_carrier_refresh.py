"""The carrier picker: filled from the cache, refreshed from the API (the sandbox) when
the cache is a day old, and left alone — built-in or cached list — when offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.carrier_cache import ONE_DAY, CarrierCache
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.services import DEFAULT_CARRIERS
from app.wechat.client import GET_ALL_DELIVERY_PATH
from tests.fixtures.sandbox import FakeClock
from tests.unit.ui.support import open_window


@contextmanager
def window_with_cache(
    sandbox: SandboxServer,
    profile: QWebEngineProfile,
    queue: PrintQueue,
    tmp_path: Path,
    cache: CarrierCache,
) -> Iterator[MainWindow]:
    with open_window(sandbox, profile, queue, tmp_path, carrier_cache=cache) as window:
        yield window


def picker_ids(window: MainWindow) -> list[str]:
    box = window.carrier_box
    return [str(box.itemData(i)) for i in range(box.count())]


def test_a_missing_cache_is_filled_from_the_api(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    cache = CarrierCache(tmp_path / "carriers.json", clock=FakeClock())
    with window_with_cache(sandbox, label_profile, print_queue, tmp_path, cache) as window:
        refresher = window.carrier_refresher
        assert refresher is not None
        qtbot.waitUntil(lambda: not refresher.running, timeout=20000)
        assert "TEST" in picker_ids(window)  # the sandbox's list, not the built-in one
        assert window.carrier_box.current_carrier() == "SF"  # the choice is kept
    stored = json.loads(cache.path.read_text(encoding="utf-8"))
    assert {c["delivery_id"] for c in stored["carriers"]} >= {"SF", "ZTO", "TEST"}
    assert sandbox.stats.calls(GET_ALL_DELIVERY_PATH) == 1


def test_a_fresh_cache_is_used_without_asking(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    clock = FakeClock()
    cache = CarrierCache(tmp_path / "carriers.json", clock=clock)
    cache.save([("SF", "顺丰速运"), ("CACHED", "Cached carrier")])
    clock.advance(ONE_DAY / 2)
    with window_with_cache(sandbox, label_profile, print_queue, tmp_path, cache) as window:
        refresher = window.carrier_refresher
        assert refresher is not None
        assert picker_ids(window) == ["SF", "CACHED"]
        qtbot.waitUntil(lambda: not refresher.running, timeout=20000)  # the age looked at
        assert picker_ids(window) == ["SF", "CACHED"]
    assert sandbox.stats.calls(GET_ALL_DELIVERY_PATH) == 0


def test_offline_keeps_the_built_in_list(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    sandbox.stop()
    cache = CarrierCache(tmp_path / "carriers.json", clock=FakeClock())
    with window_with_cache(sandbox, label_profile, print_queue, tmp_path, cache) as window:
        refresher = window.carrier_refresher
        assert refresher is not None
        with qtbot.waitSignal(refresher.failed, timeout=60000):
            pass
        assert picker_ids(window) == [cid for cid, _name in DEFAULT_CARRIERS]
    assert not cache.path.exists()


def test_offline_keeps_a_stale_cached_list(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    clock = FakeClock()
    cache = CarrierCache(tmp_path / "carriers.json", clock=clock)
    cache.save([("SF", "顺丰速运"), ("OLD", "Old carrier")])
    clock.advance(ONE_DAY * 3)
    sandbox.stop()
    with window_with_cache(sandbox, label_profile, print_queue, tmp_path, cache) as window:
        refresher = window.carrier_refresher
        assert refresher is not None and refresher.running  # stale: it tried
        qtbot.waitUntil(lambda: not refresher.running, timeout=60000)
        assert picker_ids(window) == ["SF", "OLD"]
