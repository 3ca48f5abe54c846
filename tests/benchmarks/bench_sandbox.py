"""Benchmark `sandbox`: the sandbox process's CPU per order answering batchGetOrder.

A `waybill-printer sandbox --shared-labels` process (as `bench_million` starts it) is sent
N batchget calls of 100 orders each (`M<7 digits>`/SF, as the command line asks for them)
over 4 keep-alive connections at once (the client's default concurrency), with a stable
token. Measured: the sandbox process's user + system CPU from `/proc/<pid>/stat` across
the calls, divided by the orders, which depends far less on the machine's load than wall
time does; and its resident memory before and after, which must stay flat (the sandbox
keeps no state per order). Every answer is checked: HTTP 200, top-level errcode 0 and one
item per order; one answer in 50 is parsed whole.

`python -m tests.benchmarks.bench_sandbox` (N = 2,000 calls = 200,000 orders);
`--calls N` and `--connections N` to change them; `--quick` uses 300 calls.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.benchmarks.common import Row, emit_rows, sandbox_process

TICKS = os.sysconf("SC_CLK_TCK")
BATCH = 100
CONNECTIONS = 4
TARGET_US = 20.0
BATCHGET = "/cgi-bin/express/business/order/batchget"


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of a running process (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _body(call: int) -> bytes:
    orders = [{"order_id": f"M{call * BATCH + i:07d}", "delivery_id": "SF"} for i in range(BATCH)]
    return json.dumps({"order_list": orders}).encode()


def _token(conn: http.client.HTTPConnection, appid: str, secret: str) -> str:
    body = json.dumps({"grant_type": "client_credential", "appid": appid, "secret": secret})
    conn.request("POST", "/cgi-bin/stable_token", body, {"Content-Type": "application/json"})
    answer = json.loads(conn.getresponse().read())
    return str(answer["access_token"])


def _hammer(base_url: str, token: str, calls: range, problems: list[str]) -> None:
    """Send `calls` one after another on one keep-alive connection, checking each answer."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
    path = f"{BATCHGET}?access_token={token}"
    headers = {"Content-Type": "application/json", "Accept-Encoding": "gzip, deflate"}
    try:
        for call in calls:
            conn.request("POST", path, _body(call), headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 200 or not data.startswith(b'{"errcode":'):
                problems.append(f"call {call}: HTTP {response.status} {data[:80]!r}")
                return
            if call % 50 == 0:
                answer = json.loads(data)
                items = answer.get("order_list", [])
                wanted = {f"M{call * BATCH + i:07d}" for i in range(BATCH)}
                if answer.get("errcode") != 0 or {it.get("order_id") for it in items} != wanted:
                    problems.append(f"call {call}: {data[:200]!r}")
                    return
                if any(it.get("errcode") != 0 or not it.get("print_html") for it in items):
                    problems.append(f"call {call}: an item is not ok")
                    return
            elif data.count(b'"order_id"') != BATCH:
                problems.append(f"call {call}: not {BATCH} items")
                return
    finally:
        conn.close()


def run(calls: int, connections: int = CONNECTIONS) -> list[Row]:
    with sandbox_process(0.0, shared_labels=True) as sb:
        url = urlsplit(sb.base_url)
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
        token = _token(conn, sb.appid, sb.secret)
        conn.close()
        problems: list[str] = []
        _hammer(sb.base_url, token, range(calls, calls + 20), problems)  # warm-up, untimed
        rss_before = rss_mb(sb.pid)
        cpu_before = cpu_seconds(sb.pid)
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=_hammer, args=(sb.base_url, token, range(k, calls, connections), problems)
            )
            for k in range(connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        cpu_after = cpu_seconds(sb.pid)
        user, system = (after - before for after, before in zip(cpu_after, cpu_before, strict=True))
        cpu = user + system
        rss_after = rss_mb(sb.pid)
    if problems:
        raise RuntimeError("; ".join(problems[:3]))
    orders = calls * BATCH
    per_order = cpu / orders * 1e6
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    note = (
        f"{calls:,} batchget calls of {BATCH} orders over {connections} keep-alive "
        f"connections to `waybill-printer sandbox --shared-labels` in its own process; its "
        f"CPU from /proc: user {user:.1f} s + system {system:.1f} s; "
        f"{orders / wall:,.0f} orders/s wall; "
        f"RSS {rss_before:.0f} → {rss_after:.0f} MB; load average at the end {load}"
    )
    return [
        Row(
            "sandbox: CPU per order answering batchGetOrder",
            f"{per_order:.1f} µs",
            "—",
            "—",
            f"≤ {TARGET_US:.0f} µs",
            per_order <= TARGET_US,
            note,
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_sandbox")
    parser.add_argument("--quick", action="store_true", help="300 calls instead of 2,000")
    parser.add_argument("--calls", type=int, help="number of 100-order batchget calls")
    parser.add_argument(
        "--connections", type=int, default=CONNECTIONS, help="keep-alive connections at once"
    )
    args = parser.parse_args()
    calls = args.calls or (300 if args.quick else 2_000)
    emit_rows(run(calls, args.connections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
