"""Command line: `waybill-printer [--demo]` opens the window; `fetch`, `sandbox`, `--self-test`.

The `fetch` face drives the same core engine as the window: parse the input, fetch
through the WeChat client, decode the labels, optionally render them to PDF or print them,
recording every step in the station's ledger. `resume`, `history`, `reprint` and
`confirm` work on that ledger (`app.cli.ledger`).
Every command logs to the rotating file in the log folder, secrets masked
(`app.wiring.logging_session`; `WAYBILL_LOG_LEVEL=DEBUG` for request lines).
Exit status: 0 every order ok, 1 some orders not ok, 2 usage, configuration or
authentication errors, or no display (or missing system libraries) for the window; 130
stopped or interrupted by Ctrl-C (`fetch` stops cleanly at the first, `app.cli.interrupt`;
any command quits at once at the next, said in one line instead of a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app import __version__
from app.cli.status import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from app.cli.status import EXIT_OK as EXIT_OK
from app.cli.status import EXIT_SOME_FAILED as EXIT_SOME_FAILED
from app.cli.status import EXIT_USAGE as EXIT_USAGE
from app.cli.status import PROG as PROG

if TYPE_CHECKING:
    from app.core.secret_registry import SecretRegistry

INTERRUPTED = (
    "interrupted (Ctrl-C). What was reported above was stored before it was reported; a "
    "line being written may be cut short. Run the same command again to finish: a label "
    "printed already is refused as printed, not printed twice."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Fetch WeChat logistics waybills and print them at a packing station.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the window on the built-in sandbox (nothing is sent to WeChat)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="render a built-in sample label to PDF offscreen, check it, exit 0 or 1",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sandbox = sub.add_parser("sandbox", help="run the offline WeChat imitation in the foreground")
    from app.cli.ledger_args import (
        COPIES,
        add_ledger_commands,
        add_wait_options,
        bounded_int,
        latency,
        seconds,
    )

    sandbox.add_argument(
        "--port", type=bounded_int(0, 65535), default=0, help="port to listen on (default: free)"
    )
    sandbox.add_argument("--latency", type=latency, default=0.0, help="seconds added per call")
    sandbox.add_argument(
        "--shared-labels",
        action="store_true",
        help="one sample label per carrier for every order (fast mode for benchmarks)",
    )

    fetch = sub.add_parser("fetch", help="fetch waybills for order ids (headless)")
    fetch.add_argument(
        "orders", nargs="*", metavar="ORDER", help="order_id[,delivery_id[,waybill_id]]"
    )
    fetch.add_argument(
        "-i", "--input", metavar="FILE", help="read order lines from FILE ('-' for stdin)"
    )
    fetch.add_argument("--delivery", metavar="ID", help="carrier for lines that name none")
    fetch.add_argument("--api-base", metavar="URL", help="replace https://api.weixin.qq.com")
    fetch.add_argument("--pdf-dir", metavar="DIR", help="write <waybill_id>.pdf per label here")
    fetch.add_argument("--json", action="store_true", help="one JSON object per input line")
    fetch.add_argument("--print", dest="printer", metavar="PRINTER", help="print on PRINTER")
    fetch.add_argument(
        "--copies", type=COPIES, metavar="N", help="copies per label (default: the settings')"
    )
    fetch.add_argument(
        "--reprint", action="store_true", help="print waybills again that were printed before"
    )
    fetch.add_argument(
        "--allow-unverified",
        action="store_true",
        help="print labels that fail verification too (no barcode of the waybill, blank, "
        "two pages, blocked hosts); a page of absurd size is never printed",
    )
    fetch.add_argument(
        "--timeout", type=seconds, metavar="SECONDS", help="read timeout per call (default 15)"
    )
    add_wait_options(fetch)

    add_ledger_commands(sub)
    sub.add_parser(
        "install-desktop",
        help="add the program to the desktop's menu (for this user; no root needed)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from app.core.paths import AppPaths
    from app.core.secret_registry import SecretRegistry
    from app.wiring.logging_session import logging_session

    secrets = SecretRegistry()  # what the log filter masks; learns each secret and token
    with logging_session(AppPaths.default(), os.environ, secrets):
        try:
            return _run(args, secrets)
        except KeyboardInterrupt:  # the ledger's transactions and the run closed on the way
            name = f"{PROG} {args.command}" if args.command else PROG
            print(f"{name}: {INTERRUPTED}", file=sys.stderr)
            return EXIT_INTERRUPTED


def _run(args: argparse.Namespace, secrets: SecretRegistry) -> int:
    if args.self_test:
        from app.cli.selftest import run_self_test

        return run_self_test(sys.stdout)
    if args.command == "sandbox":
        from app.cli.sandbox import run_sandbox

        return run_sandbox(
            port=args.port, latency=args.latency, out=sys.stdout, shared_labels=args.shared_labels
        )
    if args.command == "fetch":
        from app.cli.fetch import run_fetch

        return run_fetch(
            args, env=os.environ, stdin=sys.stdin, out=sys.stdout, err=sys.stderr, secrets=secrets
        )
    if args.command == "install-desktop":
        from app.system.desktop_entry import run_install_desktop

        return run_install_desktop(sys.stdout)
    if args.command in ("resume", "history", "reprint", "confirm"):
        from app.cli.ledger import run_ledger_command

        return run_ledger_command(
            args, env=os.environ, out=sys.stdout, err=sys.stderr, secrets=secrets
        )
    from app.system.display import window_blocker

    blocker = window_blocker(os.environ)
    if blocker:  # before Qt, which would abort the process instead
        print(blocker, file=sys.stderr)
        return EXIT_USAGE
    from app.cli.labels import start_label_proxy
    from app.ui.app_main import run_gui
    from app.wiring.qt_environment import (
        allow_webengine_as_root,
        keep_hidden_pages_running,
        use_label_fonts,
    )

    allow_webengine_as_root()
    keep_hidden_pages_running()
    use_label_fonts()
    label_proxy = start_label_proxy()  # Chromium's sockets held to the label allow-list
    try:
        return run_gui(demo=args.demo, argv=[sys.argv[0]], secrets=secrets, label_proxy=label_proxy)
    finally:
        label_proxy.stop()
