"""The ledger's print policy has one caller: the ledger's print guard.

`app.core.print_policy` decides what may print and how a print is recorded. The window
and the command line both put labels out through `app.printing.ledger_guard`, so the
policy itself (`LedgerPrintPolicy`, `outcome_for`) is used by that module alone; every
other module may only name its plain values (targets, `Claim`, `PrintRefusal`,
`tag_order`). Read from the source with `ast`, so a second caller added anywhere in `app/`
fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import app

APP = Path(app.__file__).parent
POLICY = "app.core.print_policy"
CALLS = {"LedgerPrintPolicy", "outcome_for"}
GUARD = APP / "printing" / "ledger_guard.py"


def _policy_names(path: Path) -> set[str]:
    """The names a module takes from the policy module (`*` for the module itself)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == POLICY:
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "app.core":
            names.update("*" for alias in node.names if alias.name == "print_policy")
        elif isinstance(node, ast.Import):
            names.update("*" for alias in node.names if alias.name == POLICY)
    return names


def test_only_the_ledger_guard_calls_the_print_policy() -> None:
    callers = {
        path.relative_to(APP.parent).as_posix()
        for path in APP.rglob("*.py")
        if path.name != "print_policy.py" and _policy_names(path) & (CALLS | {"*"})
    }
    assert callers == {"app/printing/ledger_guard.py"}


def test_the_guard_is_what_the_window_and_the_command_line_print_through() -> None:
    assert "LedgerPrintPolicy" in _policy_names(GUARD)
    batch_run = (APP / "core" / "batch_run.py").read_text(encoding="utf-8")
    assert "self._guard.before_print" in batch_run and "self._guard.followed" in batch_run
    commands = [APP / "cli" / "fetch.py", APP / "cli" / "ledger.py"]
    assert all("command_line_guard(ledger)" in p.read_text(encoding="utf-8") for p in commands)
