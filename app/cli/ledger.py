"""The ledger's commands: `resume`, `history`, `reprint` and `confirm`.

- `resume [--print PRINTER | --pdf-dir DIR]` finishes what earlier runs left: orders never
  fetched are fetched, labels fetched but never printed are printed from the stored label
  (no network needed for those), prints with an unknown outcome are listed, never printed;
  labels an earlier run left in the printer (sent, or stuck on a stopped queue) are
  followed to their end on that printer and recorded printed (or failed), never resent.
- `history [--order ID] [--waybill ID] [--csv FILE]` shows (or exports) the record.
- `reprint WAYBILL_ID (--print PRINTER | --pdf-dir DIR)` prints the stored label again,
  offline, recorded as a reprint.
- `confirm PRINT_ID printed|not-printed` records the packer's answer for an unknown print.

Their arguments are declared in `app.cli.ledger_args`.
Exit status as for `fetch`: 0 all ok, 1 something not ok (or prints waiting to be checked),
2 usage, configuration or ledger errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from app.cli.fetch import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    PROG,
    LineReport,
    _keyring_lookup,
    apply_put_out,
    close_sinks,
    command_settings,
    emit_reports,
    load_settings,
    make_sinks,
    open_ledger,
    prune_history,
    report_recovery,
    waybill_report,
)
from app.core.batch_run import BatchRun, LabelSink, describe_print
from app.core.history_export import format_time
from app.core.ledger import Ledger
from app.core.ledger_records import HistoryFilter, LedgerError, PrintRecord
from app.core.model import OrderRef, Waybill
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry
from app.core.settings import Settings
from app.printing.ledger_guard import command_line_guard
from app.wechat.errors import WeChatError
from app.wiring.client import credentials_from_env

LEDGER_COMMANDS = ("resume", "history", "reprint", "confirm")


def run_ledger_command(
    args: argparse.Namespace,
    *,
    env: Mapping[str, str],
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    paths: AppPaths | None = None,
    secrets: SecretRegistry | None = None,
) -> int:
    """Run `resume`, `history`, `reprint` or `confirm`; `secrets` learns the credentials
    and tokens `resume` uses, for the log filter."""
    paths = paths or AppPaths.default(env=env)
    if args.command == "resume" and args.copies is None:
        args.copies = load_settings(paths).copies
    if getattr(args, "copies", 1) < 1 or getattr(args, "copies", 1) > 10:
        print(f"{PROG} {args.command}: --copies must be between 1 and 10", file=err)
        return EXIT_USAGE
    if args.command == "resume":
        return run_resume(args, env=env, out=out, err=err, paths=paths, secrets=secrets)
    if args.command == "history":
        return run_history(args, out=out, err=err, paths=paths)
    if args.command == "reprint":
        return run_reprint(args, out=out, err=err, paths=paths)
    return run_confirm(args, out=out, err=err, paths=paths)


# -- resume ------------------------------------------------------------------------------


def run_resume(
    args: argparse.Namespace,
    *,
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    paths: AppPaths,
    secrets: SecretRegistry | None = None,
) -> int:
    settings = command_settings(args, paths)
    made = make_sinks(args, settings, err)
    if made is None:
        return EXIT_USAGE
    sinks, qt = made
    ledger = open_ledger(paths, err, env)
    if ledger is None:
        close_sinks(sinks, qt)
        return EXIT_USAGE
    try:
        return _resume(args, settings, ledger, sinks, env, out, err, secrets)
    except LedgerError as exc:
        print(f"{PROG} resume: {exc}; stopped so that nothing is printed unrecorded", file=err)
        return EXIT_USAGE
    finally:
        ledger.close()
        close_sinks(sinks, qt)


def _resume(
    args: argparse.Namespace,
    settings: Settings,
    ledger: Ledger,
    sinks: Sequence[LabelSink],
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    secrets: SecretRegistry | None,
) -> int:
    recovery = ledger.recover()
    report_recovery(recovery, err, resuming=True)
    prune_history(ledger, settings, err)
    waiting = 1 if recovery.unknown_prints else 0
    if not recovery.unfetched and not recovery.unprinted and not recovery.in_printer:
        print(f"{PROG} resume: nothing to resume", file=err)
        return EXIT_SOME_FAILED if waiting else EXIT_OK

    run = BatchRun(ledger, command_line_guard(ledger))
    followed = follow_in_printer(run, recovery.in_printer, sinks, err)
    todo: list[tuple[int, OrderRef, Waybill]] = [
        (r.order_row_id, r.waybill.ref, r.waybill) for r in recovery.unprinted
    ]
    if recovery.unfetched:
        from app.wiring.client import build_client

        rows = [r.order_row_id for r in recovery.unfetched]
        refs = [r.ref for r in recovery.unfetched]
        try:
            creds = credentials_from_env(env, settings, _keyring_lookup)
            client = build_client(settings, creds, secrets=secrets)
        except (WeChatError, ValueError) as exc:
            print(f"{PROG} resume: {len(rows)} orders still to fetch: {exc}", file=err)
            return EXIT_USAGE
        try:
            waybills = run.fetch(client, rows, refs)
        except WeChatError as exc:
            print(f"{PROG} resume: {len(rows)} orders still to fetch: {exc}", file=err)
            return EXIT_USAGE
        finally:
            client.close()
        todo.extend(zip(rows, refs, waybills, strict=True))
    todo.sort(key=lambda entry: entry[0])  # the order the orders were queued in

    reports: list[tuple[int, LineReport]] = list(followed)
    for row, ref, wb in todo:
        report = waybill_report(ref, wb)
        reports.append((row, report))
        if not wb.printable:
            continue
        if not sinks:
            report.errmsg = "fetched, not printed: give --print PRINTER or --pdf-dir DIR"
            continue
        for sink in sinks:
            apply_put_out(report, sink, run.put_out(row, wb, sink, copies=args.copies))
    reports.sort(key=lambda entry: entry[0])  # the order the orders were queued in
    status = emit_reports([r for _, r in reports], as_json=args.json, out=out, err=err)
    return max(status, waiting)


def follow_in_printer(
    run: BatchRun, records: Sequence[PrintRecord], sinks: Sequence[LabelSink], err: TextIO
) -> list[tuple[int, LineReport]]:
    """Prints an earlier run left in the printer (sent, or stuck on a stopped queue): each
    job is followed to its end on the printer it was sent to, and recorded printed, failed
    or still stuck; never sent again. Those no sink can follow are listed on `err`."""
    followed: list[tuple[int, LineReport]] = []
    for record in records:
        for sink in sinks:
            result = run.follow_up(record, sink)
            if result is None:
                continue
            waybill = run.ledger.stored_waybill(record.order_row_id)
            if waybill is None:
                break
            report = waybill_report(waybill.ref, waybill)
            apply_put_out(report, sink, result)
            followed.append((record.order_row_id, report))
            break
        else:
            print(
                f"{PROG} resume: {describe_print(record)} is still in the printer system "
                f"(CUPS job {record.cups_job}); run `{PROG} resume --print {record.printer}` "
                "to follow it (it is not printed again)",
                file=err,
            )
    return followed


# -- history -----------------------------------------------------------------------------


def run_history(args: argparse.Namespace, *, out: TextIO, err: TextIO, paths: AppPaths) -> int:
    ledger = open_ledger(paths, err)
    if ledger is None:
        return EXIT_USAGE
    try:
        rows = ledger.search(
            HistoryFilter(order_id=args.order, waybill_id=args.waybill, delivery_id=args.delivery),
            limit=args.limit,
        )
        if args.csv:
            target: Path | TextIO = out if args.csv == "-" else Path(args.csv)
            try:
                written = Ledger.export_csv(rows, target)
            except OSError as exc:
                print(f"{PROG} history: cannot write {args.csv}: {exc.strerror}", file=err)
                return EXIT_USAGE
            print(f"{written} rows written to {args.csv}", file=err)
            return EXIT_OK
        for row in rows:
            printed = f"{row.prints} printed" + (
                f" ({row.reprints} reprints)" if row.reprints else ""
            )
            cols = [
                format_time(row.time),
                row.order_id,
                row.delivery_id,
                row.waybill_id or "-",
                row.state.value,
                row.fetch_status or "-",
                printed,
                f"last: {row.last_printer} {row.last_outcome.value}"
                if row.last_outcome is not None
                else "",
            ]
            print("  ".join(cols).rstrip(), file=out)
        print(f"{len(rows)} orders", file=err)
        return EXIT_OK
    except LedgerError as exc:
        print(f"{PROG} history: {exc}", file=err)
        return EXIT_USAGE
    finally:
        ledger.close()


# -- reprint -----------------------------------------------------------------------------


def run_reprint(args: argparse.Namespace, *, out: TextIO, err: TextIO, paths: AppPaths) -> int:
    settings = command_settings(args, paths)
    ledger = open_ledger(paths, err)
    if ledger is None:
        return EXIT_USAGE
    try:
        waybill = ledger.stored_waybill(args.waybill_id)
        found = ledger.search(HistoryFilter(waybill_id=args.waybill_id), limit=50)  # newest first
        rows = [r for r in found if r.waybill_id == args.waybill_id and r.fetch_status == "ok"]
        if waybill is None or not waybill.printable or not rows:
            print(
                f"{PROG} reprint: no stored label for waybill {args.waybill_id}; fetch its "
                f"order first (`{PROG} fetch ORDER_ID`)",
                file=err,
            )
            return EXIT_SOME_FAILED
        made = make_sinks(args, settings, err)
        if made is None:
            return EXIT_USAGE
        sinks, qt = made
        try:
            run = BatchRun(ledger, command_line_guard(ledger))
            report = waybill_report(waybill.ref, waybill)
            for sink in sinks:
                result = run.put_out(
                    rows[0].order_row_id, waybill, sink, copies=args.copies, reprint=True
                )
                retry = f"{PROG} reprint {args.waybill_id} " + (
                    f"--pdf-dir {sink.name}" if sink.target == "pdf" else f"--print {sink.name}"
                )
                apply_put_out(report, sink, result, retry=retry)
        finally:
            close_sinks(sinks, qt)
        print(report.as_json() if args.json else _reprint_line(report, sinks), file=out)
        return EXIT_OK if report.status == "ok" else EXIT_SOME_FAILED
    except LedgerError as exc:
        print(f"{PROG} reprint: {exc}", file=err)
        return EXIT_USAGE
    finally:
        ledger.close()


def _reprint_line(report: LineReport, sinks: Sequence[LabelSink]) -> str:
    if report.status != "ok":
        return f"ERROR  {report.waybill_id}  {report.errmsg}"
    where = report.pdf or " and ".join(s.name for s in sinks)
    return f"REPRINTED  {report.order_id}  {report.delivery_id}  {report.waybill_id}  {where}"


# -- confirm -----------------------------------------------------------------------------


def run_confirm(args: argparse.Namespace, *, out: TextIO, err: TextIO, paths: AppPaths) -> int:
    ledger = open_ledger(paths, err)
    if ledger is None:
        return EXIT_USAGE
    try:
        ledger.confirm_print(args.print_id, args.answer == "printed")
    except LedgerError as exc:
        print(f"{PROG} confirm: {exc}", file=err)
        return EXIT_SOME_FAILED
    finally:
        ledger.close()
    print(f"print #{args.print_id} recorded as {args.answer}", file=out)
    return EXIT_OK
