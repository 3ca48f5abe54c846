"""Offline imitation of the WeChat logistics endpoints, for demos and tests (no Qt).

`SandboxServer` (in `app.sandbox.server`) serves them on loopback; `Faults` switch its
misbehaviour; how an order id steers the answer is documented in `app.sandbox.orders`.
"""

from app.sandbox.faults import Faults
from app.sandbox.server import SANDBOX_APPID, SANDBOX_SECRET, SandboxServer
from app.sandbox.stats import SandboxStats

__all__ = ["SANDBOX_APPID", "SANDBOX_SECRET", "Faults", "SandboxServer", "SandboxStats"]
