"""Every fault the sandbox can play, through the real `fetch --json --pdf-dir` command.

120 orders (two batchget calls). Whatever the fault: every order ends in exactly one JSON
line with a status, a failure says what to do (the error table's hint), WeChat is asked a
bounded number of times, and no label is written or recorded as printed for an order that
failed.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.cli.labels import pdf_name
from app.core.engine import (
    CANCELLED_HINT,
    LABEL_CORRUPT,
    LABEL_CORRUPT_HINT,
    LABEL_MISSING,
    LABEL_MISSING_HINT,
)
from app.core.ledger_records import OrderState
from app.sandbox.server import SandboxServer
from app.wechat.errors import BAD_RESPONSE, HTTP_ERROR, NO_ANSWER, TRANSPORT, info_for
from tests.integration.ledger_cli import (
    BATCHGET,
    TOKEN_PATHS,
    cli_env,
    json_lines,
    ledger_prints,
    ledger_rows,
    run_cli,
)

pytestmark = pytest.mark.slow

N_ORDERS = 120
BATCHES = 2
MAX_API_RETRIES = 3  # the client's default
ALWAYS = 1_000_000  # a counter fault that never runs out


@dataclass(frozen=True)
class Case:
    """One fault: how to arm it, what every order ends as, how many calls are allowed."""

    arm: Callable[[SandboxServer], None]
    status: str
    errcode: int | None
    max_calls: int
    min_calls: int = 0
    failed_ok: int = 0
    """Orders that fail although the call as a whole succeeded (dropped items)."""
    args: list[str] = field(default_factory=list)
    refused: bool = False


def _set(**switches: object) -> Callable[[SandboxServer], None]:
    def arm(sandbox: SandboxServer) -> None:
        for name, value in switches.items():
            setattr(sandbox.faults, name, value)

    return arm


CASES = {
    # The token expires after the first call: the other call refreshes once and retries.
    "token_expiry": Case(_set(expire_token_after=1), "ok", 0, max_calls=2 * BATCHES),
    "busy_persistent": Case(
        _set(system_busy=ALWAYS),
        "error",
        -1,
        max_calls=(1 + MAX_API_RETRIES) * BATCHES,
        min_calls=(1 + MAX_API_RETRIES) * BATCHES,
    ),
    "busy_transient": Case(
        _set(system_busy=2), "ok", 0, max_calls=BATCHES + 2, min_calls=BATCHES + 2
    ),
    "too_frequent": Case(
        _set(too_frequent=ALWAYS),
        "error",
        45011,
        max_calls=(1 + MAX_API_RETRIES) * BATCHES,
        min_calls=(1 + MAX_API_RETRIES) * BATCHES,
    ),
    # The session retries 5xx three times, then the call fails.
    "http_500": Case(_set(http_500=ALWAYS), "error", HTTP_ERROR, max_calls=4 * BATCHES),
    # A read timeout is retried once by the session.
    "slow_beyond_timeout": Case(
        _set(slow_seconds=30.0), "error", TRANSPORT, max_calls=2 * BATCHES, args=["--timeout", "1"]
    ),
    # Sent to a port bound here but not listening: refused, and no one else can take it.
    "connection_refused": Case(lambda s: None, "error", TRANSPORT, max_calls=0, refused=True),
    "dropped_item": Case(
        _set(drop_item=True), "ok", 0, max_calls=BATCHES, min_calls=BATCHES, failed_ok=BATCHES
    ),
    "malformed_json": Case(
        _set(malformed_json=ALWAYS), "error", BAD_RESPONSE, max_calls=BATCHES, min_calls=BATCHES
    ),
    "corrupt_base64": Case(_set(corrupt_base64=True), "error", LABEL_CORRUPT, max_calls=BATCHES),
    "empty_label": Case(_set(empty_label=True), "error", LABEL_MISSING, max_calls=BATCHES),
    "cancelled_orders": Case(_set(cancel_all=True), "cancelled", 0, max_calls=BATCHES),
    "quota_exhausted": Case(_set(quota_exhausted=True), "error", 45009, max_calls=BATCHES),
}


def expected_hint(line: dict[str, object]) -> str:
    if line["status"] == "cancelled":
        return CANCELLED_HINT.en
    code = line["errcode"]
    assert isinstance(code, int)
    local = {LABEL_MISSING: LABEL_MISSING_HINT.en, LABEL_CORRUPT: LABEL_CORRUPT_HINT.en}
    return local.get(code) or info_for(code).hint.en


@pytest.mark.parametrize("name", list(CASES))
def test_fault_ends_every_order_once_with_bounded_calls_and_no_stray_label(
    name: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    case = CASES[name]
    orders = [f"F{n:04d}" for n in range(N_ORDERS)]
    home, pdf_dir = tmp_path / "home", tmp_path / "pdf"
    env = cli_env(home, sandbox)
    case.arm(sandbox)
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        api_base = sandbox.base_url
        if case.refused:
            api_base = f"http://127.0.0.1:{closed_port.getsockname()[1]}"
        args = ["fetch", "--json", "--api-base", api_base, "--pdf-dir", str(pdf_dir)]
        result = run_cli([*args, *case.args, "-i", "-"], env, stdin="\n".join(orders) + "\n")

    # Exactly one final line per input order, in input order, each with a status.
    lines = json_lines(result.stdout)
    assert [line["order_id"] for line in lines] == orders, result.stderr[-2000:]
    ok = [line for line in lines if line["status"] == "ok"]
    failed = [line for line in lines if line["status"] != "ok"]
    if case.status == "ok":
        assert len(failed) == case.failed_ok
    else:
        assert len(ok) == 0
        assert {line["status"] for line in failed} == {case.status}
        assert {line["errcode"] for line in failed} == {case.errcode}
    if case.failed_ok:
        assert {line["errcode"] for line in failed} == {NO_ANSWER}
    for line in failed:  # says what happened and what to do about it
        assert isinstance(line["errmsg"], str) and line["errmsg"].strip()
        assert expected_hint(line) in line["errmsg"]
        assert line["pdf"] is None
    assert result.returncode == (0 if not failed else 1), result.stderr[-2000:]

    # The retry bound.
    calls = sandbox.stats.calls(BATCHGET)
    assert case.min_calls <= calls <= case.max_calls
    if name == "token_expiry":
        assert sum(sandbox.stats.calls(p) for p in TOKEN_PATHS) <= 2

    # Labels only for the orders that are ok: one file each, one recorded print each.
    pdfs = sorted(p.name for p in pdf_dir.glob("*")) if pdf_dir.exists() else []
    assert pdfs == sorted(pdf_name(str(line["waybill_id"])) for line in ok)
    assert all(Path(str(line["pdf"])).is_file() for line in ok)
    prints = ledger_prints(home)
    failed_ids = {str(line["order_id"]) for line in failed}
    assert all(not prints.get(order_id) for order_id in failed_ids)
    for line in ok:
        attempts = prints[str(line["order_id"])]
        assert [(a.target, a.succeeded) for a in attempts] == [("pdf", True)]
    states = {row.order_id: row.state for row in ledger_rows(home)}
    assert len(states) == N_ORDERS
    assert all(states[str(line["order_id"])] is OrderState.DONE for line in ok)
    assert all(states[order_id] is not OrderState.DONE for order_id in failed_ids)
