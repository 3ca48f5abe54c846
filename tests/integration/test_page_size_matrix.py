"""One page size whichever way a label goes out: the window, `fetch --pdf-dir`, `fetch --print`.

For every label-size setting (automatic, each preset, a custom size, and a preset turned
to landscape) and for a label with its own `@page` size and one without (the sandbox's
`NOPAGE` orders), the same label is printed by the window's print path (PrintController →
PrintService → PrintQueue → real CUPS) and by the command line (one `fetch` writing the PDF
folder and printing on the same cups-pdf queue). All three pages must have the size the
settings and the label call for: the label's own `@page` wins, else the configured size,
else 100 × 150 mm (a label taller than a small configured page flows onto more pages of
that size, the same number each way).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.cli.labels import pdf_name
from app.core.engine import fetch_waybills
from app.core.model import OrderRef, Waybill
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.settings_store import SettingsStore
from app.printing.guard import SessionPrintGuard
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.print_controller import PrintController
from app.ui.queue_model import OrderQueueModel
from app.wiring.client import Credentials, build_client
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.qt import dispose, pdf_pages
from tests.integration.cups_support import wait_for_own_pdfs
from tests.integration.ledger_cli import cli_env, json_lines, run_cli

pytestmark = [pytest.mark.cups, pytest.mark.slow]

OWN_PAGE = (76.0, 130.0)  # the ZTO label's @page size
DEFAULT = (100.0, 150.0)  # a label without @page, size "auto"

# (setting name, settings changes, the page a label without @page gets)
SETTINGS = [
    ("auto", {"label_size": "auto"}, DEFAULT),
    ("100x150", {"label_size": "100x150"}, (100.0, 150.0)),
    ("100x180", {"label_size": "100x180"}, (100.0, 180.0)),
    ("76x130", {"label_size": "76x130"}, (76.0, 130.0)),
    ("100x100", {"label_size": "100x100"}, (100.0, 100.0)),
    ("A4", {"label_size": "A4"}, (210.0, 297.0)),
    ("A5", {"label_size": "A5"}, (148.0, 210.0)),
    (
        "custom",
        {"label_size": "custom", "custom_width_mm": 90.0, "custom_height_mm": 60.0},
        (90.0, 60.0),
    ),
    ("A5-landscape", {"label_size": "A5", "orientation": "landscape"}, (210.0, 148.0)),
]


def close_to(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    """Chromium rounds pages down to whole points; CUPS may do the same once more."""
    return abs(size[0] - expected[0]) <= 1.0 and abs(size[1] - expected[1]) <= 1.0


@pytest.fixture
def labels(sandbox: SandboxServer) -> Iterator[list[OrderRef]]:
    tag = uuid.uuid4().hex[:10].upper()
    yield [OrderRef(f"MX{tag}", "ZTO"), OrderRef(f"NOPAGE{tag}", "ZTO")]


def fetch(sandbox: SandboxServer, refs: list[OrderRef]) -> list[Waybill]:
    settings = Settings(api_base=sandbox.base_url, appid=sandbox.appid)
    client = build_client(settings, Credentials(appid=sandbox.appid, secret=sandbox.secret))
    try:
        waybills = fetch_waybills(client, refs)
    finally:
        client.close()
    assert all(w.printable for w in waybills)
    return waybills


def print_from_window(
    print_queue: PrintQueue, settings: Settings, waybills: list[Waybill], qtbot: QtBot
) -> None:
    model = OrderQueueModel()
    model.add_refs(w.ref for w in waybills)
    model.set_fetching(w.ref.key for w in waybills)
    model.apply_waybills(waybills)
    controller = PrintController(model, print_queue, settings, guard=SessionPrintGuard())
    try:
        result = controller.print_keys([w.ref.key for w in waybills])
        assert result.submitted == len(waybills), result
        qtbot.waitUntil(lambda: controller.pending == 0, timeout=60_000)
    finally:
        dispose(controller)


@pytest.mark.parametrize(("name", "changes", "unsized"), SETTINGS, ids=[s[0] for s in SETTINGS])
def test_window_pdf_dir_and_print_give_the_same_page(
    name: str,
    changes: dict[str, object],
    unsized: tuple[float, float],
    sandbox: SandboxServer,
    cups_pdf_queue: CupsPdfQueue,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    labels: list[OrderRef],
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    # A label taller than a small page flows onto more pages, so this station allows
    # multi-page labels (else they would be "unverified: 2 pages" and not printed).
    settings = Settings(printer_name=cups_pdf_queue.name, multi_page_labels=True).replace(**changes)
    expected = {labels[0].order_id: OWN_PAGE, labels[1].order_id: unsized}

    # The command line: one fetch writes the PDF folder and prints on the CUPS queue.
    env = cli_env(tmp_path / "home", sandbox)
    SettingsStore(AppPaths.default(env=env).config_dir / "settings.json").save(settings)
    before_cli = cups_pdf_queue.snapshot()
    pdf_dir = tmp_path / "pdf"
    orders = [f"{ref.order_id},{ref.delivery_id}" for ref in labels]
    args = ["fetch", "--json", "--api-base", sandbox.base_url, "--pdf-dir", str(pdf_dir)]
    done = run_cli([*args, "--print", cups_pdf_queue.name, *orders], env)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = json_lines(done.stdout)
    waybill_of = {str(line["order_id"]): str(line["waybill_id"]) for line in lines}
    cli_printed = wait_for_own_pdfs(cups_pdf_queue, before_cli, waybill_of.values(), 2)

    # The window's print path, same settings, same labels, same queue.
    waybills = fetch(sandbox, labels)
    assert {w.ref.order_id: w.waybill_id for w in waybills} == waybill_of
    before_window = cups_pdf_queue.snapshot()
    print_from_window(print_queue, settings, waybills, qtbot)
    window_printed = wait_for_own_pdfs(cups_pdf_queue, before_window, waybill_of.values(), 2)

    for order_id, waybill_id in waybill_of.items():
        want = expected[order_id]
        pages = {
            "pdf-dir": pdf_pages(pdf_dir / pdf_name(waybill_id)),
            "print": [
                p for f in cli_printed if f.name.startswith(waybill_id) for p in pdf_pages(f)
            ],
            "window": [
                p for f in window_printed if f.name.startswith(waybill_id) for p in pdf_pages(f)
            ],
        }
        # A label taller than a small page flows onto more pages: the same number each way.
        assert len({len(sizes) for sizes in pages.values()}) == 1, (name, order_id, pages)
        assert all(
            sizes and all(close_to(size, want) for size in sizes) for sizes in pages.values()
        ), (name, order_id, want, pages)
