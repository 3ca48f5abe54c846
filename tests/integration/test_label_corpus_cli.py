"""The label corpus through the command line: `fetch --pdf-dir` and `fetch --print` on the
real cups-pdf queue. Each label ends with its expected status; nothing unverified is
printed unless `--allow-unverified` says so (and a page of absurd size never is); no
socket reaches a host that is not allowed; a stuck label fails alone."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox.server import SandboxServer
from tests.fixtures.corpus_orders import serve_corpus
from tests.fixtures.cups import CupsPdfQueue
from tests.fixtures.label_corpus import (
    CASES,
    LINK_HEADERS,
    STUCK,
    AllowedHost,
    ConnectionCounter,
    case,
)
from tests.fixtures.qt import read_barcodes_from_pdf
from tests.integration.ledger_cli import cli_env, json_lines, ledger_prints, run_cli

KEYS = {"order_id", "delivery_id", "waybill_id", "status", "errcode", "errmsg", "pdf"}


@pytest.fixture
def hosts() -> Iterator[tuple[AllowedHost, ConnectionCounter]]:
    allowed, listener = AllowedHost(), ConnectionCounter()
    allowed.start()
    listener.start()
    yield allowed, listener
    listener.stop()
    allowed.stop()


def station(home: Path, allowed: AllowedHost) -> None:
    """A station whose settings allow the corpus's allowed host."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    settings = {"label_hosts": allowed.url, "appid": "wxsandbox"}
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


@pytest.mark.slow
def test_every_case_through_fetch_pdf_dir(
    sandbox: SandboxServer, tmp_path: Path, hosts: tuple[AllowedHost, ConnectionCounter]
) -> None:
    station(tmp_path / "home", hosts[0])
    orders = serve_corpus(sandbox, list(CASES), hosts, "PDF")
    pdf_dir = tmp_path / "pdf"
    result = run_cli(
        [
            *("fetch", "--json", "--api-base", sandbox.base_url, "--pdf-dir", str(pdf_dir)),
            *(f"{order},SF" for order in orders),
        ],
        cli_env(tmp_path / "home", sandbox),
    )
    assert result.returncode == 1, result.stderr  # some are unverified
    lines = json_lines(result.stdout)
    assert [line["order_id"] for line in lines] == list(orders)
    for line in lines:
        c = orders[line["order_id"]]
        assert set(line) == KEYS
        assert (line["status"], line["waybill_id"]) == (c.status, c.waybill), line
        assert line["pdf"] and Path(line["pdf"]).is_file(), line  # unverified ones too
        if c.status == "unverified":
            assert line["errmsg"].startswith("label not verified: "), line
            assert "PDF written for inspection" in line["errmsg"]
    by_name = {orders[line["order_id"]].name: line for line in lines}
    assert "not the waybill" in by_name["other-waybill"]["errmsg"]
    assert "2 pages" in by_name["second-page"]["errmsg"]
    assert "page 5000 × 5000 mm" in by_name["page-5000mm"]["errmsg"]
    assert "the label is blank" in by_name["blank"]["errmsg"]
    assert f"blocked hosts: {hosts[1].url}" in by_name["blocked-host"]["errmsg"]
    assert read_barcodes_from_pdf(Path(by_name["canvas"]["pdf"])) == [orders["PDF-canvas"].waybill]
    assert hosts[1].connections == 0


@pytest.mark.slow
def test_a_stuck_label_fails_alone_and_four_pdfs_follow(
    sandbox: SandboxServer, tmp_path: Path, hosts: tuple[AllowedHost, ConnectionCounter]
) -> None:
    station(tmp_path / "home", hosts[0])
    cases = [STUCK, *(case(n) for n in ("canvas", "svg-by-script", "fade-in", "fragment"))]
    orders = serve_corpus(sandbox, cases, hosts, "STUCK")
    pdf_dir = tmp_path / "pdf"
    started = time.monotonic()
    result = run_cli(
        [
            *("fetch", "--json", "--api-base", sandbox.base_url, "--pdf-dir", str(pdf_dir)),
            *(f"{order},SF" for order in orders),
        ],
        cli_env(tmp_path / "home", sandbox),
    )
    elapsed = time.monotonic() - started
    lines = json_lines(result.stdout)
    assert [line["status"] for line in lines] == ["error", "ok", "ok", "ok", "ok"], lines
    stuck = lines[0]["errmsg"]
    assert "the label did not render within 15 s" in stuck
    assert "label could not be drawn" in stuck  # about the label,
    assert "check the printer" not in stuck.lower()  # not the printer
    assert "check the folder" not in stuck.lower()  # nor the folder
    assert len(list(pdf_dir.glob("*.pdf"))) == 4
    print(f"stuck label + 4: {elapsed:.1f} s")  # the report quotes it
    assert elapsed < 15 + 25, elapsed  # the deadline plus start-up and four labels


@pytest.mark.cups
@pytest.mark.slow
def test_fetch_print_sends_only_verified_labels_to_cups(
    sandbox: SandboxServer,
    cups_pdf_queue: CupsPdfQueue,
    tmp_path: Path,
    hosts: tuple[AllowedHost, ConnectionCounter],
) -> None:
    home = tmp_path / "home"
    station(home, hosts[0])
    orders = serve_corpus(sandbox, list(CASES), hosts, "LP")
    before = cups_pdf_queue.snapshot()
    result = run_cli(
        [
            *("fetch", "--json", "--api-base", sandbox.base_url),
            *("--print", cups_pdf_queue.name),
            *(f"{order},SF" for order in orders),
        ],
        cli_env(home, sandbox),
    )
    assert result.returncode == 1, result.stderr
    lines = json_lines(result.stdout)
    for line in lines:
        c = orders[line["order_id"]]
        assert line["status"] == c.status, line
        assert line["pdf"] is None
        if c.status == "unverified":
            assert "(not printed;" in line["errmsg"]
    verified = {c.waybill for c in orders.values() if c.status == "ok"}
    jobs = cups_pdf_queue.new_jobs_since(before)
    outputs = cups_pdf_queue.wait_for_jobs(len(jobs), before) if jobs else {}
    titles = {path.name.split("_", 1)[0] for path in outputs.values()}
    assert titles == verified  # no job for anything that is not verified
    assert len(jobs) == len(verified)
    assert hosts[1].connections == 0
    prints = ledger_prints(home)
    for order, c in orders.items():
        if c.status == "unverified":  # the verification result is in the ledger
            assert [p.message.split(":", 1)[0] for p in prints[order]] == ["unverified"]

    # Forced: the packer looked at it and prints it anyway; an absurd page never goes.
    forced = {o: c for o, c in orders.items() if c.name in ("no-barcode", "page-5000mm")}
    before = cups_pdf_queue.snapshot()
    result = run_cli(
        [
            *("fetch", "--json", "--api-base", sandbox.base_url),
            *("--print", cups_pdf_queue.name, "--allow-unverified"),
            *(f"{order},SF" for order in forced),
        ],
        cli_env(home, sandbox),
    )
    by_order = {line["order_id"]: line for line in json_lines(result.stdout)}
    no_barcode = next(o for o, c in forced.items() if c.name == "no-barcode")
    absurd = next(o for o, c in forced.items() if c.name == "page-5000mm")
    assert by_order[no_barcode]["status"] == "ok", by_order
    assert by_order[absurd]["status"] == "unverified", by_order
    jobs = cups_pdf_queue.new_jobs_since(before)
    outputs = cups_pdf_queue.wait_for_jobs(len(jobs), before) if jobs else {}
    assert {p.name.split("_", 1)[0] for p in outputs.values()} == {forced[no_barcode].waybill}
    record = ledger_prints(home)[no_barcode][-1]  # the forced print, recorded as such
    assert "printed anyway, not verified: no barcode found" in record.message


@pytest.mark.slow
def test_a_preconnect_link_header_of_an_allowed_answer_reaches_no_socket(
    sandbox: SandboxServer, tmp_path: Path, hosts: tuple[AllowedHost, ConnectionCounter]
) -> None:
    # The allowed host answers the style sheet, the font and the barcode with `Link:
    # <listener>; rel=preconnect`, which Chromium acts on without asking the interceptor;
    # the label proxy holds Chromium's sockets to the allow-list, so the listener is never
    # reached, and reports the listener as a blocked host of that label and of no other:
    # the labels before and after it (rendered two at a time, as `--pdf-dir` does) verify.
    allowed, listener = hosts
    station(tmp_path / "home", allowed)
    cases = [case("canvas"), LINK_HEADERS["preconnect"], case("allowed-host"), case("qr-only")]
    orders = serve_corpus(sandbox, cases, hosts, "LNK")
    result = run_cli(
        [
            *("fetch", "--json", "--api-base", sandbox.base_url),
            *("--pdf-dir", str(tmp_path / "pdf"), *(f"{order},SF" for order in orders)),
        ],
        cli_env(tmp_path / "home", sandbox),
    )
    assert result.returncode == 1, result.stderr
    lines = {line["order_id"]: line for line in json_lines(result.stdout)}
    statuses = {orders[o].name: (line["status"], line["waybill_id"]) for o, line in lines.items()}
    assert statuses == {c.name: (c.status, c.waybill) for c in orders.values()}, lines
    (linked,) = (line for o, line in lines.items() if orders[o].name == "link-headers-preconnect")
    assert linked["errmsg"].startswith("label not verified: "), linked
    assert f"blocked hosts: {listener.url}" in linked["errmsg"], linked
    assert linked["pdf"] and Path(linked["pdf"]).is_file()  # written for inspection
    asked = {p.partition("?")[0] for p in allowed.paths() if "kind=preconnect" in p}
    assert asked == {"/linked.css", "/fonts/label.ttf", f"/barcode/{linked['waybill_id']}.svg"}
    assert listener.connections == 0


@pytest.mark.cups
@pytest.mark.slow
def test_fetch_print_holds_back_a_label_whose_allowed_host_hinted_a_blocked_one(
    sandbox: SandboxServer,
    cups_pdf_queue: CupsPdfQueue,
    tmp_path: Path,
    hosts: tuple[AllowedHost, ConnectionCounter],
) -> None:
    # The same preconnect label on the real cups-pdf queue: no job for it, the blocked
    # host in its errmsg and in the ledger's verification result; the label beside it
    # prints; the listener is never reached.
    home = tmp_path / "home"
    allowed, listener = hosts
    station(home, allowed)
    orders = serve_corpus(sandbox, [LINK_HEADERS["preconnect"], case("canvas")], hosts, "LPL")
    before = cups_pdf_queue.snapshot()
    result = run_cli(
        [
            *("fetch", "--json", "--api-base", sandbox.base_url),
            *("--print", cups_pdf_queue.name, *(f"{order},SF" for order in orders)),
        ],
        cli_env(home, sandbox),
    )
    assert result.returncode == 1, result.stderr
    lines = {line["order_id"]: line for line in json_lines(result.stdout)}
    linked, canvas = list(orders)
    assert (lines[linked]["status"], lines[canvas]["status"]) == ("unverified", "ok"), lines
    assert f"blocked hosts: {listener.url}" in lines[linked]["errmsg"]
    assert "(not printed;" in lines[linked]["errmsg"]
    jobs = cups_pdf_queue.new_jobs_since(before)
    outputs = cups_pdf_queue.wait_for_jobs(len(jobs), before) if jobs else {}
    assert {p.name.split("_", 1)[0] for p in outputs.values()} == {orders[canvas].waybill}
    (record,) = ledger_prints(home)[linked]
    assert record.message.startswith("unverified:"), record
    assert f"blocked hosts: {listener.url}" in record.message
    assert listener.connections == 0
