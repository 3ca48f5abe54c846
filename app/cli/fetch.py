"""`waybill-printer fetch`: parse order lines, fetch their waybills, report one line per input line.

Every non-blank input line ends as exactly one output line, in input order, whatever
happened to it: `ok`, `cancelled`, `error` (with what to do), `invalid` (the parser's
reason) or `duplicate`. Labels are written as PDFs or printed only for `ok` waybills.

Everything goes through the station's ledger (`<data dir>/ledger.sqlite3`, see
`app.core.batch_run`): at start the command settles what an earlier run left (reported on
stderr, finished by `waybill-printer resume`) and prunes old history; then it records the
orders, the fetch and each label's print before and after it happens. `--print` refuses a
waybill the ledger shows as printed unless `--reprint` is given. The helpers here are
shared with the ledger commands in `app.cli.ledger`.
"""

from __future__ import annotations

import argparse
import os
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import TextIO

from app.cli.fetch_input import input_lines, parsed_lines, windows
from app.cli.interrupt import stop_on_interrupt
from app.cli.labels import LabelOutputError, PdfSink, PrinterSink, QtSession
from app.cli.reports import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from app.cli.reports import EXIT_OK as EXIT_OK
from app.cli.reports import EXIT_SOME_FAILED as EXIT_SOME_FAILED
from app.cli.reports import EXIT_USAGE as EXIT_USAGE
from app.cli.reports import PROG as PROG
from app.cli.reports import LineReport as LineReport
from app.cli.reports import apply_put_out as apply_put_out
from app.cli.reports import emit_reports as emit_reports
from app.cli.reports import human_line as human_line
from app.cli.reports import report_for as report_for
from app.cli.reports import waybill_report as waybill_report
from app.core.batch_run import BatchRun, LabelSink, describe_print
from app.core.engine import WaybillSource
from app.core.ledger import DEFAULT_FILENAME, Ledger
from app.core.ledger_records import LedgerError, LedgerUnavailable, Recovery
from app.core.ledger_runs import HEARTBEAT_S
from app.core.ledger_url import keyring_password, ledger_location, unusable_message
from app.core.model import Waybill
from app.core.order_input import OrderInputError
from app.core.orders import LineKind, OrderParser, ParsedLine
from app.core.paths import AppPaths
from app.core.run_index import RunIndex
from app.core.secret_registry import SecretRegistry
from app.core.settings import Settings
from app.core.settings_store import SettingsStore
from app.printing.cups_status import CupsStatus
from app.printing.ipptool import find_ipptool
from app.printing.job_wait import PaperWait
from app.printing.ledger_guard import command_line_guard
from app.system.collector import long_run_collector
from app.wechat.errors import WeChatError
from app.wiring.client import credentials_from_env


def load_settings(paths: AppPaths) -> Settings:
    return SettingsStore(paths.config_dir / "settings.json").load()


def command_settings(args: argparse.Namespace, paths: AppPaths) -> Settings:
    """The stored settings with the command line's `--api-base` and `--timeout` applied."""
    settings = load_settings(paths)
    if getattr(args, "api_base", None):
        settings = settings.replace(api_base=args.api_base)
    timeout = getattr(args, "timeout", None)
    if timeout is not None:
        settings = settings.replace(read_timeout=timeout)
    return settings


def _keyring_lookup(appid: str) -> str | None:
    from app.core.credentials import CredentialStore, KeyringUnavailable

    try:
        return CredentialStore().get_secret(appid)
    except KeyringUnavailable:
        return None


Sink = PdfSink | PrinterSink


def make_sinks(
    args: argparse.Namespace, settings: Settings, err: TextIO
) -> tuple[list[Sink], QtSession] | None:
    """The checked sinks `--pdf-dir` and `--print` ask for, with their shared Qt session.

    None (after saying why on `err`) when a folder cannot be made or a printer is missing;
    nothing has been fetched or printed then.
    """
    qt = QtSession()
    sinks: list[Sink] = []
    allow = bool(getattr(args, "allow_unverified", False))
    try:
        if getattr(args, "pdf_dir", None):
            pdf = PdfSink(Path(args.pdf_dir), qt, settings, allow_unverified=allow)
            pdf.prepare()
            sinks.append(pdf)
        if getattr(args, "printer", None):
            printer = PrinterSink(
                args.printer,
                settings=settings,
                qt=qt,
                allow_unverified=allow,
                wait=paper_wait(args, settings),
            )
            printer.prepare()
            sinks.append(printer)
    except LabelOutputError as exc:
        print(f"{PROG}: {exc}; nothing was printed", file=err)
        close_sinks(sinks, qt)
        return None
    return sinks, qt


def paper_wait(args: argparse.Namespace, settings: Settings) -> PaperWait | None:
    """How `--print` follows each label to paper; None with `--no-wait` or without CUPS's
    `ipptool` (a label then counts as printed once CUPS accepted it)."""
    tool = find_ipptool()
    if getattr(args, "no_wait", False) or tool is None:
        return None
    stuck_after = getattr(args, "stuck_after", None) or settings.stuck_after_s
    return PaperWait(CupsStatus(tool), timeout_s=stuck_after)


def close_sinks(sinks: Sequence[Sink], qt: QtSession) -> None:
    for sink in sinks:
        sink.close()
    qt.close()


def open_ledger(
    paths: AppPaths, err: TextIO, env: Mapping[str, str] | None = None
) -> Ledger | None:
    """The station's ledger: its own file, or the warehouse ledger (`WAYBILL_LEDGER_URL`)."""
    settings = load_settings(paths)
    location = ledger_location(
        os.environ if env is None else env,
        settings.ledger_url,
        paths.data_dir / DEFAULT_FILENAME,
        keyring_get=keyring_password,
    )
    try:
        return Ledger(
            location.target,
            station=settings.station_name.strip() or None,
            password=location.password,
            heartbeat_s=HEARTBEAT_S,
        )
    except LedgerError as exc:
        print(f"{PROG}: {unusable_message(location, exc)}", file=err)
    except OSError as exc:  # the data folder cannot be made (a file in its place, no rights)
        print(
            f"{PROG}: cannot use the data folder {paths.data_dir} ({exc.strerror or exc}); "
            "check that it is a folder this user may write to, or set WAYBILL_HOME to another",
            file=err,
        )
    return None


def report_recovery(recovery: Recovery, err: TextIO, *, resuming: bool = False) -> None:
    """Say on stderr what an earlier run left; unknown prints are listed, never reprinted."""
    if not resuming and (recovery.unfetched or recovery.unprinted):
        print(
            f"{PROG}: an earlier run left {len(recovery.unfetched)} orders unfetched and "
            f"{len(recovery.unprinted)} labels unprinted; run `{PROG} resume --print PRINTER` "
            f"(or --pdf-dir DIR) to finish them",
            file=err,
        )
    if recovery.unknown_prints:
        print(
            f"{PROG}: {len(recovery.unknown_prints)} prints have an unknown outcome (the "
            "program ended while printing). They are not printed again automatically: check "
            f"whether each label came out, then run `{PROG} confirm PRINT_ID printed` "
            f"(or `not-printed`, or `{PROG} reprint WAYBILL_ID`):",
            file=err,
        )
        for record in recovery.unknown_prints:
            print(f"  {describe_print(record)}", file=err)
    if recovery.in_printer and not resuming:
        print(
            f"{PROG}: {len(recovery.in_printer)} labels an earlier run sent are still in the "
            f"printer system (stuck, or not seen ending); run `{PROG} resume --print PRINTER` "
            "to follow them (they are not printed again)",
            file=err,
        )


def prune_history(ledger: Ledger, settings: Settings, err: TextIO) -> None:
    removed = ledger.prune(settings.retention_days)
    if removed:
        print(
            f"{PROG}: removed {removed} orders older than {settings.retention_days} days "
            "from the history",
            file=err,
        )


def run_fetch(
    args: argparse.Namespace,
    *,
    env: Mapping[str, str],
    stdin: TextIO,
    out: TextIO,
    err: TextIO,
    paths: AppPaths | None = None,
    secrets: SecretRegistry | None = None,
) -> int:
    paths = paths or AppPaths.default(env=env)
    settings = command_settings(args, paths)
    if args.copies is None:
        args.copies = settings.copies
    with RunIndex() as index:
        parser = OrderParser((args.delivery or settings.default_carrier).upper(), seen=index)
        lines = parsed_lines(input_lines(args, stdin), parser)
        try:
            first = next(lines, None)
        except (OSError, OrderInputError) as exc:
            print(f"{PROG} fetch: cannot read {args.input}: {exc}", file=err)
            return EXIT_USAGE
        if first is None:
            print(f"{PROG} fetch: no order ids given (arguments, -i FILE or -i -)", file=err)
            return EXIT_USAGE
        made = make_sinks(args, settings, err)
        if made is None:
            return EXIT_USAGE
        sinks, qt = made
        try:
            return _fetch_with_ledger(
                args, chain([first], lines), index, settings, sinks, paths, env, out, err, secrets
            )
        finally:
            close_sinks(sinks, qt)


def _fetch_with_ledger(
    args: argparse.Namespace,
    lines: Iterator[ParsedLine],
    index: RunIndex,
    settings: Settings,
    sinks: Sequence[LabelSink],
    paths: AppPaths,
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    secrets: SecretRegistry | None = None,
) -> int:
    from app.wiring.client import build_client

    creds = credentials_from_env(env, settings, _keyring_lookup)
    try:
        client = build_client(settings, creds, secrets=secrets)
    except (WeChatError, ValueError) as exc:
        print(f"{PROG} fetch: {exc}", file=err)
        return EXIT_USAGE
    ledger = open_ledger(paths, err, env)
    if ledger is None:
        client.close()
        return EXIT_USAGE
    stream = FetchStream(
        args, sinks, BatchRun(ledger, command_line_guard(ledger)), client, index, out, err
    )
    try:
        report_recovery(ledger.recover(), err)
        prune_history(ledger, settings, err)
        with long_run_collector(), stop_on_interrupt(stream.stop, err, f"{PROG} fetch"):
            return stream.run(lines)
    except LedgerUnavailable as exc:
        print(f"{PROG} fetch: {ledger_away_message(exc, stream.labels_out)}", file=err)
        return EXIT_USAGE
    except LedgerError as exc:
        print(f"{PROG} fetch: {exc}; stopped so that nothing is printed unrecorded", file=err)
        return EXIT_USAGE
    finally:
        client.close()
        ledger.close()


STOPPED = (
    "stopped (Ctrl-C). The lines above were stored as reported; the input's later lines "
    "were not read. Run the same command again for the rest."
)
NOT_PUT_OUT = (
    f"fetched, not put out: stopped (Ctrl-C) — `{PROG} resume` with the same --print or "
    "--pdf-dir puts it out"
)


def ledger_away_message(exc: LedgerError, labels_out: int) -> str:
    """What the packer must know when the warehouse ledger went away during a run."""
    return (
        f"the ledger went away during the run ({exc}). Stopped: {labels_out} label(s) were "
        "put out and recorded; at most one more was being put out as it went away (the "
        "ledger has it as put out, or as pending: then it is listed as unknown for you to "
        "confirm). Nothing more is put out unrecorded. Run the same command again when the "
        "server answers: what was printed is refused as printed, the rest is printed."
    )


class FetchStream:
    """Fetches, puts out and reports the input window by window, in input order."""

    def __init__(
        self,
        args: argparse.Namespace,
        sinks: Sequence[LabelSink],
        run: BatchRun,
        client: WaybillSource,
        index: RunIndex,
        out: TextIO,
        err: TextIO,
    ) -> None:
        self._args, self._sinks, self._run, self._client = args, sinks, run, client
        self._index, self._out, self._err = index, out, err
        self.counts: Counter[str] = Counter()
        self.labels_out = 0
        self.stop = threading.Event()
        """Set to stop cleanly (Ctrl-C): the calls under way finish, no new call starts,
        no more labels are put out, the window's lines are written and the run ends."""

    def run(self, lines: Iterator[ParsedLine]) -> int:
        try:
            for window in windows(lines):
                self._window(window)
                if self.stop.is_set():
                    self._summary()
                    print(f"{PROG} fetch: {STOPPED}", file=self._err)
                    return EXIT_INTERRUPTED
        except (OSError, OrderInputError) as exc:
            self._summary()
            print(
                f"{PROG} fetch: cannot read {self._args.input}: {exc}; the lines before it "
                "were handled as reported",
                file=self._err,
            )
            return EXIT_USAGE
        except WeChatError as exc:  # configuration or authentication: nothing can succeed
            self._summary()
            print(f"{PROG} fetch: {exc}", file=self._err)
            return EXIT_USAGE
        self._summary()
        everything_ok = set(self.counts) <= {"ok"}
        return EXIT_OK if everything_ok else EXIT_SOME_FAILED

    def _window(self, window: list[ParsedLine]) -> None:
        refs = [line.ref for line in window if line.kind is LineKind.REF and line.ref]
        rows, waybills = self._run.queue_and_fetch(
            self._client,
            refs,
            owners=self._index,
            close_printable=not self._sinks,
            cancel=self.stop,
        )
        by_key = {w.ref.key: w for w in waybills}
        reports = [report_for(line, by_key) for line in window]
        if self._sinks:
            report_of = {
                line.ref.key: report
                for line, report in zip(window, reports, strict=True)
                if line.kind is LineKind.REF and line.ref is not None
            }
            for row, wb in zip(rows, waybills, strict=True):
                if wb.printable and self.stop.is_set():
                    report = report_of[wb.ref.key]
                    report.status, report.errmsg = "stopped", NOT_PUT_OUT
                elif wb.printable:
                    self._put_out(row, wb, report_of[wb.ref.key])
        as_json = self._args.json
        self._out.write(
            "".join((r.as_json() if as_json else human_line(r)) + "\n" for r in reports)
        )
        self._out.flush()
        self.counts.update(r.status for r in reports)

    def _put_out(self, row: int, wb: Waybill, report: LineReport) -> None:
        for sink in self._sinks:
            reprint = self._args.reprint and sink.target == "printer"
            result = self._run.put_out(row, wb, sink, copies=self._args.copies, reprint=reprint)
            apply_put_out(report, sink, result)
        self.labels_out += report.status == "ok"

    def _summary(self) -> None:
        total = sum(self.counts.values())
        summary = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items()))
        suffix = ""
        if self._sinks:
            where = " and ".join(s.name for s in self._sinks)
            suffix = f"; {self.labels_out} labels out to {where}"
        print(f"{total} lines: {summary}{suffix}", file=self._err)
