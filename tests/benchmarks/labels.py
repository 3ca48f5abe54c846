"""Real sandbox labels for the rendering and printing benchmarks (fetched once, untimed)."""

from __future__ import annotations

from app.core.engine import fetch_waybills
from app.core.model import OrderRef, Waybill
from app.sandbox.server import SandboxServer
from tests.benchmarks.bench_fetch import make_client

CARRIERS = ("SF", "ZTO", "YTO", "EMS", "TEST")


def sandbox_waybills(n: int, prefix: str = "LBL") -> list[Waybill]:
    """`n` printable waybills from a short-lived in-process sandbox, carriers mixed."""
    refs = [OrderRef(f"{prefix}{i:07d}", CARRIERS[i % len(CARRIERS)]) for i in range(n)]
    with SandboxServer() as sb, make_client(sb.base_url, sb.appid, sb.secret, 4) as client:
        waybills = fetch_waybills(client, refs)
    bad = [w for w in waybills if not w.printable]
    if bad:
        raise RuntimeError(f"{len(bad)} sandbox labels are not printable: {bad[0].errmsg}")
    return waybills
