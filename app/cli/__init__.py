"""The command line: `waybill-printer` and its commands (`fetch`, the ledger's commands,
`sandbox`, `--self-test`); `main` here is the console entry point.

The top of the import layers: the commands put the core, the WeChat client and the
printing package together for one headless run, and `program.main` hands the window to
`app.ui`. `main` only delegates, so importing a command module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """The `waybill-printer` console script and `python -m app`."""
    from app.cli.program import main as run

    return run(argv)
