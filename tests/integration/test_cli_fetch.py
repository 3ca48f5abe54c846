"""`waybill-printer fetch` as a user runs it: a real subprocess against the loopback sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.core.labels import page_size_from_css
from app.sandbox.server import SandboxServer
from tests.fixtures.qt import read_barcodes_from_pdf

BATCHGET = "/cgi-bin/express/business/order/batchget"
TOKEN_PATHS = ("/cgi-bin/token", "/cgi-bin/stable_token")
MM_PER_PT = 25.4 / 72
KEYS = {"order_id", "delivery_id", "waybill_id", "status", "errcode", "errmsg", "pdf"}
CARRIERS = ["SF", "ZTO", "YTO", "EMS", "TEST"]


def run_cli(
    args: list[str], env_extra: dict[str, str], stdin: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYBILL_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def creds(sandbox: SandboxServer) -> dict[str, str]:
    return {"WAYBILL_APPID": sandbox.appid, "WAYBILL_APPSECRET": sandbox.secret}


def orders_250() -> list[str]:
    lines = []
    for n in range(250):
        carrier = CARRIERS[n % len(CARRIERS)]
        if n % 50 == 7:
            lines.append(f"CANCEL-{n:05d},{carrier}")
        elif n % 50 == 13:
            lines.append(f"MISSING-{n:05d},{carrier}")
        else:
            lines.append(f"ORD{n:05d},{carrier}")
    return lines


@pytest.mark.slow
def test_fetch_250_orders_three_batches_one_token_and_readable_pdfs(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    lines = orders_250()
    pdf_dir = tmp_path / "pdf"
    result = run_cli(
        ["fetch", "--json", "--api-base", sandbox.base_url, "--pdf-dir", str(pdf_dir), "-i", "-"],
        creds(sandbox),
        stdin="\n".join(lines) + "\n",
    )
    assert result.returncode == 1, result.stderr  # cancelled and missing orders are not ok
    assert sandbox.stats.calls(BATCHGET) == 3
    assert sorted(sandbox.stats.batch_sizes) == [50, 100, 100]
    assert sum(sandbox.stats.calls(p) for p in TOKEN_PATHS) == 1

    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 250
    assert [o["order_id"] for o in out] == [line.split(",")[0] for line in lines]
    assert all(set(o) == KEYS for o in out)
    statuses = {o["order_id"]: o["status"] for o in out}
    assert all(statuses[i] == "cancelled" for i in statuses if i.startswith("CANCEL"))
    missing = [o for o in out if o["order_id"].startswith("MISSING")]
    assert missing and all(o["status"] == "error" and o["errcode"] == 930563 for o in missing)
    ok = [o for o in out if o["status"] == "ok"]
    assert len(ok) == 240
    assert all(o["pdf"] is None for o in out if o["status"] != "ok")
    assert len(list(pdf_dir.glob("*.pdf"))) == 240

    # Page size of every PDF matches its label's own @page size within 1 mm.
    expected = {c: _label_size(sandbox, c) for c in CARRIERS}
    for o in ok:
        reader = PdfReader(o["pdf"])
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        want = expected[o["delivery_id"]]
        assert abs(float(box.width) * MM_PER_PT - want[0]) <= 1.0
        assert abs(float(box.height) * MM_PER_PT - want[1]) <= 1.0

    # The barcode reads back as the waybill id: one label of every carrier, plus a spread.
    sample = {o["delivery_id"]: o for o in ok} | {o["order_id"]: o for o in ok[::40]}
    for o in sample.values():
        assert o["waybill_id"] in read_barcodes_from_pdf(Path(o["pdf"]))


def _label_size(sandbox: SandboxServer, carrier: str) -> tuple[float, float]:
    import requests

    from app.core.labels import decode_print_html

    token = requests.post(
        f"{sandbox.base_url}/cgi-bin/stable_token",
        json={"grant_type": "client_credential", "appid": sandbox.appid, "secret": sandbox.secret},
        timeout=5,
    ).json()["access_token"]
    item = requests.post(
        f"{sandbox.base_url}/cgi-bin/express/business/order/get",
        params={"access_token": token},
        json={"order_id": "SIZE-PROBE", "delivery_id": carrier},
        timeout=5,
    ).json()
    size = page_size_from_css(decode_print_html(item["print_html"]))
    assert size is not None
    return size.width, size.height


def test_fetch_reports_invalid_and_duplicate_lines_in_input_order(sandbox: SandboxServer) -> None:
    text = "A1\n\n# a comment\nA2,ZTO\nA1\n" + "X" * 600 + "\nA3,SF,W1,extra\n"
    result = run_cli(
        ["fetch", "--json", "--api-base", sandbox.base_url, "-i", "-"], creds(sandbox), text
    )
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] for o in out] == ["ok", "ok", "duplicate", "invalid", "invalid"]
    assert "line 6" in out[3]["errmsg"] and "line 7" in out[4]["errmsg"]
    assert result.returncode == 1
    assert "5 lines" in result.stderr


def test_fetch_refuses_an_order_id_past_wechats_64_characters(sandbox: SandboxServer) -> None:
    glued = "".join(f"ORD{n:05d}" for n in range(31))[:248]  # scans run together
    text = f"{'A' * 64}\n{glued}\n{'B' * 65},ZTO\n"
    result = run_cli(
        ["fetch", "--json", "--api-base", sandbox.base_url, "-i", "-"], creds(sandbox), text
    )
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] for o in out] == ["ok", "invalid", "invalid"]
    assert out[0]["order_id"] == "A" * 64
    for line_no, report in ((2, out[1]), (3, out[2])):
        assert report["errmsg"].startswith(f"line {line_no}: order id longer than 64 characters")
        assert report["order_id"] is None
    assert result.returncode == 1


def test_fetch_without_credentials_exits_2_and_says_what_to_set(sandbox: SandboxServer) -> None:
    result = run_cli(["fetch", "--api-base", sandbox.base_url, "A1"], {})
    assert result.returncode == 2
    assert "WAYBILL_APPSECRET" in result.stderr


def test_fetch_wrong_secret_exits_2_and_leaks_nothing(sandbox: SandboxServer) -> None:
    wrong = "0123456789abcdef0123456789abcdef"
    result = run_cli(
        ["fetch", "--api-base", sandbox.base_url, "A1"],
        {"WAYBILL_APPID": sandbox.appid, "WAYBILL_APPSECRET": wrong},
    )
    assert result.returncode == 2
    assert "secret" in result.stderr.lower()
    assert wrong not in result.stderr + result.stdout


def test_fetch_refuses_plain_http_to_a_remote_host() -> None:
    result = run_cli(
        ["fetch", "--api-base", "http://api.weixin.qq.com", "A1"],
        {"WAYBILL_APPID": "wx1", "WAYBILL_APPSECRET": "s"},
    )
    assert result.returncode == 2
    assert "https" in result.stderr


def test_fetch_with_ready_token_and_no_token_in_output(sandbox: SandboxServer) -> None:
    import requests

    token = requests.get(
        f"{sandbox.base_url}/cgi-bin/token",
        params={
            "grant_type": "client_credential",
            "appid": sandbox.appid,
            "secret": sandbox.secret,
        },
        timeout=5,
    ).json()["access_token"]
    result = run_cli(
        ["fetch", "--json", "--api-base", sandbox.base_url, "B1", "B2,ZTO"],
        {"WAYBILL_ACCESS_TOKEN": token},
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["status"] for x in result.stdout.splitlines()] == ["ok", "ok"]
    assert token not in result.stdout + result.stderr


def test_sandbox_command_prints_url_appid_and_secret() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYBILL_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "sandbox"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        appid = proc.stdout.readline()
        secret = proc.stdout.readline()
        assert first.startswith("Sandbox listening on http://127.0.0.1:")
        assert appid.split()[-1].startswith("wx")
        url = first.split()[-1]
        import requests

        answer = requests.get(
            f"{url}/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": appid.split()[-1],
                "secret": secret.split()[1],
            },
            timeout=5,
        ).json()
        assert answer.get("access_token")
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
