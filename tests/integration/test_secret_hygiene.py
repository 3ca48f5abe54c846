"""No AppSecret and no access token in anything the program writes or prints.

One station's day against the sandbox, with every folder under the test's control:
the first-run Settings dialog saves the AppID and (in an in-memory keyring) the AppSecret,
tests the connection, the window fetches two batches (the tokens expire in between, so a
second token is issued) and prints the labels to PDF; `fetch` runs in-process with the
keyring's secret, and as a real subprocess at DEBUG level with the secret in the
environment, writing PDFs, the ledger and the log. Then every file under the home, the
XDG folders and the PDF folders — SQLite and PDF bytes included — and all captured output
are searched for the AppSecret and for every token the sandbox issued: zero hits. The log
must hold the request lines (so the search would find a token if one were logged).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import keyring
import pytest
from pytestqt.qtbot import QtBot

from app.cli.fetch import run_fetch
from app.cli.program import build_parser
from app.core.credentials import SERVICE, CredentialStore
from app.core.ledger import DEFAULT_FILENAME, Ledger
from app.core.logsetup import LOG_FILE_NAME
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry
from app.core.settings import ConnectionResult, Settings
from app.sandbox.server import SandboxServer
from app.ui.app_main import window_session
from app.ui.queue_model import RowState
from app.ui.settings_dialog import SettingsDialog
from app.wiring.logging_session import logging_session
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.credentials_support import (
    RecordedPrompts,
    click_ok,
    fill_account,
    on_next_dialog,
)

BATCHGET = "/cgi-bin/express/business/order/batchget"
XDG_VARS = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
#: The run-wide XDG folders the test process itself uses (QtWebEngine writes there).
RUN_XDG = [Path(os.environ[name]) for name in XDG_VARS if os.environ.get(name)]

WINDOW_ORDERS = "4200004001,SF\n4200004002,ZTO\nCANCEL-4200004003,YTO\n4200004004,TEST\n"
WINDOW_MORE = "4200004005,EMS\n4200004006,SF\nMISSING-4200004007,SF\n"


def files_under(roots: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.exists():
            found.extend(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return found


def hits(paths: Iterable[Path], texts: Iterable[str], needles: list[str]) -> list[str]:
    """Where any needle occurs: "file: needle[:12]…" / "output: …" (bytes compared)."""
    wanted = [n.encode("utf-8") for n in needles]
    found: list[str] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:  # a socket or a file that vanished meanwhile
            continue
        found += [f"{path}: {n[:12]!r}…" for n in wanted if n in data]
    for number, text in enumerate(texts):
        data = text.encode("utf-8")
        found += [f"output {number}: {n[:12]!r}…" for n in wanted if n in data]
    return found


def run_window_day(
    qtbot: QtBot, paths: AppPaths, sandbox: SandboxServer, pdf_dir: Path, secrets: SecretRegistry
) -> CredentialStore:
    """First run through the dialog, test the connection, two fetches, print to PDF."""
    backend = MemoryKeyring()
    store = CredentialStore(backend)
    tested: list[object] = []
    with window_session(
        paths,
        Settings(),
        demo=False,
        env={},
        store=store,
        secrets=secrets,
        prompts=RecordedPrompts().prompts(),
        first_run=True,
        pdf_dir=pdf_dir,
    ) as window:
        window.show()

        def set_up(dialog: SettingsDialog) -> None:
            fill_account(
                dialog, appid=sandbox.appid, api_base=sandbox.base_url, secret=sandbox.secret
            )

            def tested_then_ok(result: object) -> None:
                tested.append(result)
                click_ok(dialog)

            dialog.connection_tested.connect(tested_then_ok)
            dialog.test_button.click()

        seen = on_next_dialog(window, set_up)
        qtbot.waitUntil(lambda: seen == ["Settings"] and bool(tested), timeout=20_000)
        qtbot.waitUntil(lambda: bool(window.settings.appid), timeout=20_000)
        (result,) = tested
        assert isinstance(result, ConnectionResult) and result.ok, result

        window.add_text(WINDOW_ORDERS)
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
        sandbox.faults.expire_token_after = 0  # the next call is rejected: a new token
        window.add_text(WINDOW_MORE)
        window.fetch()
        qtbot.waitUntil(lambda: not window.fetcher.running, timeout=30_000)
        counts = window.model.counts()
        assert counts[RowState.READY] == 5, window.scan_bar.message_text()
        window.print_all_ready()
        qtbot.waitUntil(lambda: window.printer.pending == 0, timeout=60_000)
    assert backend.passwords == {(SERVICE, sandbox.appid): sandbox.secret}
    assert len(list(pdf_dir.glob("*.pdf"))) == 5
    return store


def run_cli_in_process(paths: AppPaths, store: CredentialStore, secrets: SecretRegistry) -> str:
    """`fetch` reading the AppSecret from the (in-memory) keyring the dialog filled."""
    previous = keyring.get_keyring()
    keyring.set_keyring(store.backend)
    try:
        args = build_parser().parse_args(["fetch", "--json", "4200005001,SF", "4200005002,ZTO"])
        out, err = io.StringIO(), io.StringIO()
        code = run_fetch(
            args, env={}, stdin=io.StringIO(), out=out, err=err, paths=paths, secrets=secrets
        )
    finally:
        keyring.set_keyring(previous)
    assert code == 0, err.getvalue()
    return out.getvalue() + err.getvalue()


def run_cli_subprocess(
    home: Path, xdg: dict[str, str], sandbox: SandboxServer, pdf_dir: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYBILL_")}
    env.update(xdg)
    env.update(
        WAYBILL_HOME=str(home),
        WAYBILL_LOG_LEVEL="DEBUG",
        WAYBILL_APPID=sandbox.appid,
        WAYBILL_APPSECRET=sandbox.secret,
    )
    orders = [f"CLI{n:05d},{'SF' if n % 2 else 'ZTO'}" for n in range(150)]
    sandbox.faults.expire_token_after = 0  # the window's token expires: the CLI gets its own
    return subprocess.run(
        [sys.executable, "-m", "app", "fetch", "--json", "--pdf-dir", str(pdf_dir), "-i", "-"],
        input="\n".join(orders) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


@pytest.mark.slow
def test_no_secret_or_token_in_any_file_or_output(
    qapp: Any,
    qtbot: QtBot,
    tmp_path: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    xdg = {name: str(tmp_path / "xdg" / name.lower()) for name in XDG_VARS}
    for name, value in xdg.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WAYBILL_HOME", str(home))
    paths = AppPaths.default().ensure()
    assert paths == AppPaths.under(home)
    window_pdf, cli_pdf = tmp_path / "pdf-window", tmp_path / "pdf-cli"

    secrets = SecretRegistry()
    with logging_session(paths, {"WAYBILL_LOG_LEVEL": "DEBUG"}, secrets):
        store = run_window_day(qtbot, paths, sandbox, window_pdf, secrets)
        in_process_output = run_cli_in_process(paths, store, secrets)
    window_batch_calls = sandbox.stats.calls(BATCHGET)
    done = run_cli_subprocess(home, xdg, sandbox, cli_pdf)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 150
    assert len(list(cli_pdf.glob("*.pdf"))) == 150
    captured = capfd.readouterr()

    # What was written: settings, ledger, log, PDFs.
    settings_text = paths.settings_file.read_text(encoding="utf-8")
    assert sandbox.appid in settings_text
    with Ledger(paths.data_dir / DEFAULT_FILENAME) as ledger:  # a ledger, with the day on it
        on_record = {row.order_id for row in ledger.search(limit=1000)}
    window_orders = {line.split(",")[0] for line in (WINDOW_ORDERS + WINDOW_MORE).split()}
    assert window_orders <= on_record
    log_text = (paths.log_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    request_lines = [line for line in log_text.splitlines() if "/order/batchget -> HTTP" in line]
    # every batchget call of the window, the in-process and the subprocess fetch is a line
    assert len(request_lines) == sandbox.stats.calls(BATCHGET) > window_batch_calls
    assert "token rejected (errcode 42001)" in log_text
    assert "batchget?" not in log_text  # request URLs are logged without their query

    tokens = sandbox.issued_tokens()
    assert len(tokens) == 3  # the first, and one after each of the two expiries
    assert set(tokens) == set(sandbox.stats.tokens_issued)
    needles = [sandbox.secret, *tokens]
    roots = [home, tmp_path / "xdg", window_pdf, cli_pdf, *RUN_XDG]
    outputs = [
        done.stdout,
        done.stderr,
        in_process_output,
        captured.out,
        captured.err,
        settings_text,
    ]

    # The search itself works: a planted token in a file and in output is found.
    canary = tmp_path / "canary" / "planted.bin"
    canary.parent.mkdir()
    canary.write_bytes(b"\x00\x01" + tokens[-1].encode() + b"\xff")
    assert len(hits([canary], [f"x{sandbox.secret}y"], needles)) == 2

    written = files_under(roots)
    must = [paths.settings_file, paths.data_dir / DEFAULT_FILENAME, paths.log_dir / LOG_FILE_NAME]
    assert set(must) <= set(written)
    assert len(written) >= len(must) + 155  # and the 5 + 150 PDFs
    assert hits(written, outputs, needles) == []
