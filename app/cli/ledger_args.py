"""The ledger commands' arguments: `resume`, `history`, `reprint` and `confirm` on the
main parser, and the argparse types the commands share (`seconds`, `latency`,
`bounded_int`, `--no-wait` / `--stuck-after`). What the commands do is `app.cli.ledger`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def seconds(text: str) -> float:
    """An argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return value


def latency(text: str) -> float:
    """An argparse type: seconds from 0 to 60 (the sandbox's added latency)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text[:40]!r}") from None
    if not 0 <= value <= 60:
        raise argparse.ArgumentTypeError("must be from 0 to 60 seconds")
    return value


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (both included)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {text[:40]}")
        return value

    return parse


#: Copies of one label, and the other numbers the commands take.
COPIES = bounded_int(1, 10)
HISTORY_LIMIT = bounded_int(1, 1_000_000)
PRINT_ID = bounded_int(1, 2**63 - 1)


def add_wait_options(parser: argparse.ArgumentParser) -> None:
    """`--no-wait` and `--stuck-after`: whether `--print` waits for each label's paper."""
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="count a label printed once CUPS accepted it (do not wait for the printer)",
    )
    parser.add_argument(
        "--stuck-after",
        type=seconds,
        metavar="SECONDS",
        help="stop waiting for a label the printer has not finished by then and report it "
        "stuck (default: the setting stuck_after_s)",
    )


def add_ledger_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ledger's subcommands on the main parser's subparsers."""
    resume = sub.add_parser("resume", help="finish what an earlier run left (fetch, print)")
    target = resume.add_mutually_exclusive_group()
    target.add_argument("--print", dest="printer", metavar="PRINTER", help="print on PRINTER")
    target.add_argument("--pdf-dir", metavar="DIR", help="write <waybill_id>.pdf per label here")
    resume.add_argument("--json", action="store_true", help="one JSON object per order")
    resume.add_argument("--api-base", metavar="URL", help="replace https://api.weixin.qq.com")
    resume.add_argument("--timeout", type=seconds, metavar="SECONDS", help="read timeout per call")
    resume.add_argument(
        "--copies", type=COPIES, metavar="N", help="copies per label (default: the settings')"
    )
    add_wait_options(resume)

    history = sub.add_parser("history", help="show or export what was fetched and printed")
    history.add_argument("--order", metavar="ID", help="order ids containing ID")
    history.add_argument("--waybill", metavar="ID", help="waybill ids containing ID")
    history.add_argument("--delivery", metavar="ID", help="carrier ids containing ID")
    history.add_argument(
        "--limit", type=HISTORY_LIMIT, default=500, metavar="N", help="at most N rows"
    )
    history.add_argument("--csv", metavar="FILE", help="write CSV for Excel to FILE ('-': stdout)")

    reprint = sub.add_parser("reprint", help="print a stored label again (no network needed)")
    reprint.add_argument("waybill_id", metavar="WAYBILL_ID")
    where = reprint.add_mutually_exclusive_group(required=True)
    where.add_argument("--print", dest="printer", metavar="PRINTER", help="print on PRINTER")
    where.add_argument("--pdf-dir", metavar="DIR", help="write <waybill_id>.pdf here")
    reprint.add_argument("--copies", type=COPIES, default=1, metavar="N", help="copies")
    for command in (resume, reprint):
        command.add_argument(
            "--allow-unverified",
            action="store_true",
            help="print labels that fail verification too (never a page of absurd size)",
        )
    reprint.add_argument("--json", action="store_true", help="answer as one JSON object")

    confirm = sub.add_parser("confirm", help="say whether a print with unknown outcome came out")
    confirm.add_argument("print_id", type=PRINT_ID, metavar="PRINT_ID")
    confirm.add_argument("answer", choices=("printed", "not-printed"))
