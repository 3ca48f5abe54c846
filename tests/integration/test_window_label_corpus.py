"""The label corpus in the window: each row ends printed or NOT VERIFIED in its own colour;
Print all and print on scan never print an unverified label (a scan gets the error
sound); the packer prints one anyway only after seeing it and its reason."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.label_hosts import AllowList
from app.core.model import Waybill
from app.printing.profile import LabelProfile
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.feedback import Sound
from app.ui.main_window import MainWindow
from app.ui.queue_model import Column
from tests.fixtures.corpus_orders import serve_corpus
from tests.fixtures.label_corpus import (
    CASES,
    LINK_HEADERS,
    AllowedHost,
    Case,
    ConnectionCounter,
    case,
)
from tests.unit.ui.support import open_window, row_states, sandbox_settings


class RecordingPlayer:
    def __init__(self) -> None:
        self.played: list[Sound] = []

    def play(self, sound: Sound) -> None:
        self.played.append(sound)


class Confirmer:
    """Stands in for the "Print anyway" dialog: records what it was shown."""

    def __init__(self) -> None:
        self.answer = True
        self.shown: list[tuple[str, str]] = []

    def __call__(self, waybill: Waybill, reason: str) -> bool:
        self.shown.append((waybill.ref.order_id, reason))
        return self.answer


@pytest.fixture
def hosts() -> Iterator[tuple[AllowedHost, ConnectionCounter]]:
    allowed, listener = AllowedHost(), ConnectionCounter()
    allowed.start()
    listener.start()
    yield allowed, listener
    listener.stop()
    allowed.stop()


@pytest.fixture
def player() -> RecordingPlayer:
    return RecordingPlayer()


@pytest.fixture
def confirmer() -> Confirmer:
    return Confirmer()


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: LabelProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    hosts: tuple[AllowedHost, ConnectionCounter],
    player: RecordingPlayer,
    confirmer: Confirmer,
) -> Iterator[MainWindow]:
    settings = sandbox_settings(sandbox, label_hosts=hosts[0].url)
    label_profile.configure(allow=AllowList.from_text(hosts[0].url))
    with open_window(
        sandbox,
        label_profile,
        print_queue,
        tmp_path / "out",
        settings=settings,
        sound_player=player,
        confirm_unverified=confirmer,
    ) as win:
        yield win


def test_the_corpus_in_the_window(
    window: MainWindow,
    qtbot: QtBot,
    sandbox: SandboxServer,
    hosts: tuple[AllowedHost, ConnectionCounter],
    confirmer: Confirmer,
) -> None:
    orders = serve_corpus(sandbox, list(CASES), hosts, "WIN")
    window.add_text("\n".join(f"{order},SF" for order in orders))
    window.fetch()
    qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
    window.print_all_ready()
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=120_000)
    expected = {o: ("printed" if c.status == "ok" else "unverified") for o, c in orders.items()}
    assert row_states(window) == expected
    assert hosts[1].connections == 0  # the preview and the printing, across the corpus
    # its own colour, and the reason in the row
    position = window.model.row_for_key(("WIN-no-barcode", "SF"))
    assert position is not None
    assert "no barcode found" in window.model.row_at(position).message
    brush = window.model.data(
        window.model.index(position, Column.STATE), Qt.ItemDataRole.BackgroundRole
    )
    assert brush is not None and brush.color().name() == "#fde2c8"
    # Print all again: still nothing unverified goes out, and nobody is asked
    window.print_all_ready()
    assert confirmer.shown == []
    # the packer chooses one, sees it and its reason, prints it anyway
    window._select_key(("WIN-no-barcode", "SF"))
    window.print_selected()
    assert confirmer.shown == [("WIN-no-barcode", "no barcode found at 203 dpi")]
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
    assert row_states(window)["WIN-no-barcode"] == "printed"
    # an absurd page is not printed even then
    window._select_key(("WIN-page-5000mm", "SF"))
    window.print_selected()
    qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
    assert row_states(window)["WIN-page-5000mm"] == "unverified"


def test_print_on_scan_never_prints_an_unverified_label_and_sounds_the_error(
    window: MainWindow,
    qtbot: QtBot,
    sandbox: SandboxServer,
    hosts: tuple[AllowedHost, ConnectionCounter],
    player: RecordingPlayer,
    confirmer: Confirmer,
) -> None:
    orders = serve_corpus(sandbox, [case("other-waybill"), case("canvas")], hosts, "SCAN")
    window.print_commands.scan_to_print.trigger()
    sounds: dict[str, list[Sound]] = {}
    for order in orders:
        player.played.clear()
        qtbot.keyClicks(window.scan_bar.field, f"{order},SF")
        qtbot.keyClick(window.scan_bar.field, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda o=order: row_states(window).get(o) in ("printed", "unverified"),
            timeout=60_000,
        )
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
        sounds[order] = list(player.played)
    assert sounds["SCAN-other-waybill"][-1] is Sound.ERROR  # the print ended unverified
    assert sounds["SCAN-canvas"][-1] is Sound.OK
    assert row_states(window) == {"SCAN-other-waybill": "unverified", "SCAN-canvas": "printed"}
    # scanning the unverified one again: the error sound, no dialog, no print
    player.played.clear()
    qtbot.keyClicks(window.scan_bar.field, "SCAN-other-waybill,SF")
    qtbot.keyClick(window.scan_bar.field, Qt.Key.Key_Return)
    assert Sound.ERROR in player.played
    assert confirmer.shown == []
    assert row_states(window)["SCAN-other-waybill"] == "unverified"


def preview_in_own_process(
    sandbox: SandboxServer,
    hosts: tuple[AllowedHost, ConnectionCounter],
    *extra: str,
) -> tuple[Case, dict[str, object]]:
    """The preconnect label in the window's preview, in a process whose Chromium starts as
    the program's does (`preview_probe`: Chromium's flags count only once per process)."""
    orders = serve_corpus(sandbox, [LINK_HEADERS["preconnect"]], hosts, "PRE")
    ((order, c),) = orders.items()
    done = subprocess.run(
        [
            *(sys.executable, "-m", "tests.integration.preview_probe"),
            *(sandbox.base_url, sandbox.appid, sandbox.secret, hosts[0].url, f"{order},SF"),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return c, json.loads(done.stdout.strip().splitlines()[-1])


def test_a_preconnect_link_header_in_the_preview_reaches_no_socket(
    sandbox: SandboxServer, hosts: tuple[AllowedHost, ConnectionCounter], tmp_path: Path
) -> None:
    # The allowed host answers the label's style sheet, font and barcode with `Link:
    # <listener>; rel=preconnect`; through the label proxy the preview shows the label
    # with all three (they came through it) and the listener is never reached. Printed
    # from the window, the label is unverified and its row names the listener as a
    # blocked host, as does the reason "Print anyway" shows the packer.
    allowed, listener = hosts
    c, shown = preview_in_own_process(sandbox, hosts, "--print-to", str(tmp_path / "out"))
    assert shown["loaded"] is True
    assert c.waybill in str(shown["text"])
    asked = {p.partition("?")[0] for p in allowed.paths() if "kind=preconnect" in p}
    assert asked >= {"/linked.css", "/fonts/label.ttf", f"/barcode/{c.waybill}.svg"}
    assert shown["state"] == "unverified", shown
    assert f"blocked hosts: {listener.url}" in str(shown["message"]), shown
    assert f"blocked hosts: {listener.url}" in str(shown["reason"]), shown
    assert listener.connections == 0


def test_without_the_label_proxy_the_preview_does_reach_the_listener(
    sandbox: SandboxServer, hosts: tuple[AllowedHost, ConnectionCounter]
) -> None:
    # The control: the same preview with Chromium started without the proxy connects,
    # so a count of 0 above means the proxy held, not that the listener cannot count.
    preview_in_own_process(sandbox, hosts, "--no-proxy")
    deadline = time.monotonic() + 10
    while hosts[1].connections == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # the accept thread may still be counting the last connection
    assert hosts[1].connections > 0
