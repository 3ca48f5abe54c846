"""`waybill-printer sandbox`: serve the offline WeChat imitation until interrupted."""

from __future__ import annotations

from typing import TextIO

from app.sandbox.faults import Faults
from app.sandbox.server import SandboxServer


def run_sandbox(*, port: int, latency: float, out: TextIO, shared_labels: bool = False) -> int:
    server = SandboxServer(port=port, latency=latency, faults=Faults(shared_labels=shared_labels))
    print(f"Sandbox listening on {server.base_url}", file=out)
    print(f"AppID:     {server.appid}", file=out)
    print(f"AppSecret: {server.secret}  (sandbox only, not a real secret)", file=out)
    print(
        f"Try: WAYBILL_APPID={server.appid} WAYBILL_APPSECRET={server.secret} "
        f"waybill-printer fetch --api-base {server.base_url} --json ORDER1 CANCEL-2",
        file=out,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
