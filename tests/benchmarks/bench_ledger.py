"""Benchmark `ledger`: claims on one loopback PostgreSQL warehouse ledger, 10 stations at once.

Ten station processes each claim 200 labels (`Ledger.begin_print`, the atomic claim, then
`finish_print`, the outcome) on one PostgreSQL server started here (fsync on, as in a
warehouse); the same run with one station alone is the comparison. Nothing is printed:
the figure is the ledger's share of a label, which every station pays before its printer
starts. Each process prepares its orders and stored labels first, then all start together.

Rows: claim latency p50 and p95 across all stations claiming flat out (target p95 <= 10
ms), the same with each station paced at 20 labels a second, the total
claims per second of ten stations against one, and the CPU a claim costs — the station's
own (process time around `begin_print`) and the server's (all its processes, per label
including `finish_print`) — with the load average: on a machine with fewer cores than
stations, a claim's wall time is mostly its wait for a CPU. Beside the CPU, the WAL
flushes per label (the server's `pg_stat_wal`): a flush is a disk sync the label waits for
and pays CPU for; each station's statistics are sent to the server before the start and
after its last label, so the count is the labels' own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tests.benchmarks.common import REPO, Row, emit_rows, not_measured, times

if TYPE_CHECKING:
    from app.core.ledger import Ledger
    from tests.fixtures.postgres import PgServer

STATIONS = 10
LABELS = 200
TARGET_P95_MS = 10.0
PACE_S = 0.05
"""The paced run: each station claims a label every 50 ms (20 a second; a fast packer
scans one every second or two), so the figure is a claim's latency, not a queue's."""


def station(url: str, name: str, count: int, go: Path, pace: float = 0.0) -> None:
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
        flush_statistics(ledger)
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.005)
        latencies: list[float] = []
        cpu = 0.0
        start = time.perf_counter()
        for n, (row, ref) in enumerate(zip(rows, refs, strict=True)):
            if pace:  # the next label's time, as a packer's scans come
                time.sleep(max(0.0, start + n * pace - time.perf_counter()))
            c0, t0 = time.thread_time(), time.perf_counter()
            print_id = ledger.begin_print(
                row, waybill_id=f"SF{name}{ref.order_id[-4:]}", printer="bench", copies=1
            )
            latencies.append(time.perf_counter() - t0)
            cpu += time.thread_time() - c0
            ledger.finish_print(print_id, ok=True)
        elapsed = time.perf_counter() - start
        flush_statistics(ledger)
    print(json.dumps({"latencies": latencies, "elapsed": elapsed, "cpu": cpu}), flush=True)


def flush_statistics(ledger: Ledger) -> None:
    """Send the station's server process's statistics (its WAL flushes) to the server now
    rather than when it next idles a second or exits."""
    db = ledger._db  # the ledger's own connection
    assert db is not None
    db.execute("SELECT pg_stat_force_next_flush()").fetchall()  # done before it answers


def wal_flushes(url: str) -> int:
    """How many times the server has synced its WAL to disk so far."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT wal_sync FROM pg_stat_wal").fetchone()
    assert row is not None
    return int(row[0])


def server_cpu_s(server: PgServer) -> float:
    """CPU seconds the server's processes used so far: the postmaster's own and its
    reaped children's (ended backends), plus every live child's."""
    root = int((server.data / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[str]:
        text = Path(f"/proc/{pid}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()

    mine = fields(root)
    total = sum(int(v) for v in mine[11:15])  # utime stime cutime cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                child = fields(int(entry.name))
            except OSError:
                continue
            if int(child[1]) == root:
                total += int(child[11]) + int(child[12])
    return total / tick


class Result:
    """One run's latencies (s), wall time (s), the stations' claim CPU and the server's,
    and the server's WAL flushes."""

    def __init__(
        self, latencies: list[float], wall: float, cpu: float, server: float, flushes: int
    ) -> None:
        self.latencies, self.wall, self.cpu, self.server = latencies, wall, cpu, server
        self.flushes = flushes

    def cuts(self) -> list[float]:
        return statistics.quantiles([x * 1000 for x in self.latencies], n=100)

    def cpu_ms(self) -> float:
        return 1000 * self.cpu / len(self.latencies)

    def server_ms(self) -> float:
        return 1000 * self.server / len(self.latencies)

    def flushes_per_label(self) -> float:
        return self.flushes / len(self.latencies)


def run_stations(
    url: str, count: int, stations: int, server: PgServer, pace: float = 0.0
) -> Result:
    """All latencies and CPU, and the wall time from go to the last station done."""
    folder = server.root
    go = folder / f"go-{stations}-{pace:g}"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.benchmarks.bench_ledger",
                "--station",
                f"S{stations}p{pace * 1000:.0f}x{i}",
                "--url",
                url,
                "--count",
                str(count),
                "--go",
                str(go),
                "--pace",
                str(pace),
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
    server_before = server_cpu_s(server)
    flushes_before = wal_flushes(url)
    started = time.perf_counter()
    go.touch()
    latencies: list[float] = []
    cpu = 0.0
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        done = json.loads(out.strip().splitlines()[-1])
        latencies += done["latencies"]
        cpu += done["cpu"]
    wall = time.perf_counter() - started
    server_cpu = server_cpu_s(server) - server_before
    return Result(latencies, wall, cpu, server_cpu, wal_flushes(url) - flushes_before)


def run(quick: bool) -> list[Row]:
    from tests.fixtures.postgres import PgServer

    count = 20 if quick else LABELS
    try:
        server = PgServer.start_new(fsync=True)
    except RuntimeError as exc:
        return [not_measured("ledger claims", str(exc)[:120])]
    try:
        url = server.new_database()
        load_before = os.getloadavg()[0]
        alone = run_stations(url, count, 1, server)
        many = run_stations(url, count, STATIONS, server)
        paced = run_stations(url, count, STATIONS, server, PACE_S)
        load_after = os.getloadavg()[0]
    finally:
        server.remove()
    cuts, alone_cuts = many.cuts(), alone.cuts()
    p50, p95 = cuts[49], cuts[94]
    rate_many = len(many.latencies) / many.wall
    rate_alone = len(alone.latencies) / alone.wall
    note = (
        f"{STATIONS} station processes × {count} labels on one loopback PostgreSQL "
        "(fsync on); claim = begin_print, each followed by finish_print; nothing is printed; "
        f"{os.cpu_count()} cores, load average {load_before:.1f} → {load_after:.1f}"
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
            f"ledger claim latency p50 / p95, {STATIONS} stations, {1 / PACE_S:.0f} labels/s each",
            f"{paced.cuts()[49]:.1f} / {paced.cuts()[94]:.1f} ms",
            f"{alone_cuts[49]:.1f} / {alone_cuts[94]:.1f} ms (1 station, flat out)",
            "—",
            f"p95 ≤ {TARGET_P95_MS:g} ms",
            paced.cuts()[94] <= TARGET_P95_MS,
            f"each station claims a label every {PACE_S * 1000:.0f} ms instead of flat out; "
            f"CPU per claim {paced.cpu_ms():.2f} (station) + {paced.server_ms():.2f} ms "
            "(server)",
        ),
        Row(
            f"ledger labels per second, {STATIONS} stations vs 1",
            f"{rate_many:.0f}/s",
            f"{rate_alone:.0f}/s",
            times(rate_many / rate_alone),
            "—",
            None,
        ),
        Row(
            f"ledger CPU per claim, {STATIONS} stations: station + server",
            f"{many.cpu_ms():.2f} + {many.server_ms():.2f} ms",
            f"{alone.cpu_ms():.2f} + {alone.server_ms():.2f} ms (1 station)",
            "—",
            "—",
            None,
            f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after",
        ),
        Row(
            f"ledger WAL flushes per label, {STATIONS} stations",
            f"{many.flushes_per_label():.2f}",
            f"{alone.flushes_per_label():.2f} (1 station)",
            "—",
            "—",
            None,
            "disk syncs of the server's WAL (pg_stat_wal) per claim and its outcome; "
            f"{paced.flushes_per_label():.2f} at {1 / PACE_S:.0f} labels/s each",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--station")
    parser.add_argument("--url")
    parser.add_argument("--count", type=int, default=LABELS)
    parser.add_argument("--go", type=Path)
    parser.add_argument("--pace", type=float, default=0.0)
    args = parser.parse_args()
    if args.station:
        station(args.url, args.station, args.count, args.go, args.pace)
        return
    emit_rows(run(args.quick))


if __name__ == "__main__":
    main()
