"""Stand-ins for the `lp` command: small shell scripts that answer as `lp` does.

`FakeLp` records every call (its arguments and the document it read from standard input)
in its folder, so a test can see exactly what would have reached CUPS and in which order.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

_RECORDING = """#!/bin/sh
# Answers like lp: records its arguments and the document it was given.
dir="$(dirname "$0")"
n=$(ls "$dir"/call-*.args 2>/dev/null | wc -l)
n=$((n + 1))
printf '%s\\n' "$@" > "$dir/call-$n.args"
cat > "$dir/call-$n.pdf"
echo "request id is Fake-$n (0 file(s))"
"""

_FAILING = """#!/bin/sh
cat > /dev/null
echo "lp: The printer or class does not exist." >&2
exit 1
"""

_SILENT = """#!/bin/sh
exec sleep 60
"""


@dataclass(frozen=True)
class LpCall:
    """One recorded `lp` call."""

    args: list[str]
    document: bytes

    def option(self, flag: str) -> str:
        return self.args[self.args.index(flag) + 1]

    def options(self) -> list[str]:
        return [self.args[i + 1] for i, a in enumerate(self.args) if a == "-o"]


class FakeLp:
    """A recording `lp` in `folder`; `path` is the command to hand to the queue."""

    def __init__(self, folder: Path, script: str = _RECORDING) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / "lp"
        self.path.write_text(script, encoding="utf-8")
        self.path.chmod(self.path.stat().st_mode | stat.S_IXUSR)

    def calls(self) -> list[LpCall]:
        found = sorted(self.folder.glob("call-*.args"), key=lambda p: int(p.stem.split("-")[1]))
        return [
            LpCall(p.read_text(encoding="utf-8").splitlines(), p.with_suffix(".pdf").read_bytes())
            for p in found
        ]


def failing_lp(folder: Path) -> FakeLp:
    """An `lp` that refuses every job the way `lp` does for an unknown printer."""
    return FakeLp(folder, _FAILING)


def silent_lp(folder: Path) -> FakeLp:
    """An `lp` that never answers."""
    return FakeLp(folder, _SILENT)
