"""Benchmark `ledger`: claims on one loopback PostgreSQL warehouse ledger, 10 stations at once.

Ten station processes each claim 200 labels (`Ledger.begin_print`, the atomic claim, then
`finish_print`, the outcome) on one PostgreSQL server started here (fsync on, as in a
warehouse); the same run with one station alone is the comparison. Nothing is printed:
the figure is the ledger's share of a label, which every station pays before its printer
starts. Each process prepares its orders and stored labels first, then all start together.

Rows: claim latency p50 and p95 across all stations (target p95 <= 10 ms), and the total
claims per second of ten stations against one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.common import REPO, Row, emit_rows, not_measured, times

STATIONS = 10
LABELS = 200
TARGET_P95_MS = 10.0


def station(url: str, name: str, count: int, go: Path) -> None:
    """One station process: prepare, wait for `go`, claim and finish `count` labels."""
    from app.core.ledger import Ledger
    from app.core.ledger_runs import HEARTBEAT_S
    from app.core.model import OrderRef
    from tests.unit.core.ledger_support import ok_waybill

    with Ledger(url, station=name, heartbeat_s=HEARTBEAT_S) as ledger:  # as the CLI does
        refs = [OrderRef(f"{name}-{n:04d}", "SF") for n in range(count)]
        rows = ledger.record_queued(refs)
        for row, ref in zip(rows, refs, strict=True):
            ledger.record_fetch_result(row, ok_waybill(ref, f"SF{name}{ref.order_id[-4:]}"))
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.005)
        latencies: list[float] = []
        start = time.perf_counter()
        for row, ref in zip(rows, refs, strict=True):
            t0 = time.perf_counter()
            print_id = ledger.begin_print(
                row, waybill_id=f"SF{name}{ref.order_id[-4:]}", printer="bench", copies=1
            )
            latencies.append(time.perf_counter() - t0)
            ledger.finish_print(print_id, ok=True)
        elapsed = time.perf_counter() - start
    print(json.dumps({"latencies": latencies, "elapsed": elapsed}), flush=True)


def run_stations(url: str, count: int, stations: int, folder: Path) -> tuple[list[float], float]:
    """All latencies (s) and the wall time from go to the last station done."""
    go = folder / f"go-{stations}"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.benchmarks.bench_ledger",
                "--station",
                f"S{stations}x{i}",
                "--url",
                url,
                "--count",
                str(count),
                "--go",
                str(go),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(stations)
    ]
    for proc in procs:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("a station process failed to start")
    started = time.perf_counter()
    go.touch()
    latencies: list[float] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        latencies += json.loads(out.strip().splitlines()[-1])["latencies"]
    return latencies, time.perf_counter() - started


def run(quick: bool) -> list[Row]:
    from tests.fixtures.postgres import PgServer

    count = 20 if quick else LABELS
    try:
        server = PgServer.start_new(fsync=True)
    except RuntimeError as exc:
        return [not_measured("ledger claims", str(exc)[:120])]
    try:
        url = server.new_database()
        alone, alone_wall = run_stations(url, count, 1, server.root)
        many, many_wall = run_stations(url, count, STATIONS, server.root)
    finally:
        server.remove()
    cuts = statistics.quantiles([x * 1000 for x in many], n=100)
    p50, p95 = cuts[49], cuts[94]
    alone_cuts = statistics.quantiles([x * 1000 for x in alone], n=100)
    rate_many = len(many) / many_wall
    rate_alone = len(alone) / alone_wall
    note = (
        f"{STATIONS} station processes × {count} labels on one loopback PostgreSQL "
        "(fsync on); claim = begin_print, each followed by finish_print; nothing is printed"
    )
    return [
        Row(
            f"ledger claim latency p50, {STATIONS} stations",
            f"{p50:.1f} ms",
            f"{alone_cuts[49]:.1f} ms (1 station)",
            times(p50 / alone_cuts[49]) if alone_cuts[49] else "—",
            "—",
            None,
            note,
        ),
        Row(
            f"ledger claim latency p95, {STATIONS} stations",
            f"{p95:.1f} ms",
            f"{alone_cuts[94]:.1f} ms (1 station)",
            times(p95 / alone_cuts[94]) if alone_cuts[94] else "—",
            f"≤ {TARGET_P95_MS:g} ms",
            p95 <= TARGET_P95_MS,
        ),
        Row(
            f"ledger labels per second, {STATIONS} stations vs 1",
            f"{rate_many:.0f}/s",
            f"{rate_alone:.0f}/s",
            times(rate_many / rate_alone),
            "—",
            None,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--station")
    parser.add_argument("--url")
    parser.add_argument("--count", type=int, default=LABELS)
    parser.add_argument("--go", type=Path)
    args = parser.parse_args()
    if args.station:
        station(args.url, args.station, args.count, args.go)
        return
    emit_rows(run(args.quick))


if __name__ == "__main__":
    main()
