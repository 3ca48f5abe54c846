"""What the commands say about each order: one report line, as JSON or for people.

Every input line of `fetch` (and every order of `resume` and `reprint`) ends as one
`LineReport`; a label that could not be put out folds its outcome into it
(`apply_put_out`), its text coming from the outcome's kind and saying what to do.
Exit status: 0 every order ok, 1 some orders not ok, 2 usage, configuration or
authentication errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from app.cli.status import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from app.cli.status import EXIT_OK as EXIT_OK
from app.cli.status import EXIT_SOME_FAILED as EXIT_SOME_FAILED
from app.cli.status import EXIT_USAGE as EXIT_USAGE
from app.cli.status import PROG as PROG
from app.core.batch_run import ALREADY_PRINTED, NO_WAYBILL_ID, LabelSink, PutOut
from app.core.model import OrderRef, Waybill, WaybillStatus
from app.core.orders import LineKind, ParsedLine
from app.core.print_outcome import OutcomeKind, PrintResult


@dataclass
class LineReport:
    """What `fetch` (or `resume`, `reprint`) says about one order."""

    order_id: str | None
    delivery_id: str | None
    waybill_id: str | None
    status: str
    errcode: int | None
    errmsg: str
    pdf: str | None = None

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


def waybill_report(ref: OrderRef, wb: Waybill) -> LineReport:
    """The line for one fetched order; a failure's text ends with what to do."""
    message = wb.errmsg
    if wb.status is WaybillStatus.CANCELLED and message in ("", "ok"):
        message = "waybill cancelled"
    if wb.status is not WaybillStatus.OK and wb.hint is not None:
        message = f"{wb.errmsg} — {wb.hint.en}" if wb.errmsg else wb.hint.en
    return LineReport(
        ref.order_id, ref.delivery_id, wb.waybill_id, wb.status.value, wb.errcode, message
    )


def report_for(line: ParsedLine, by_key: Mapping[tuple[str, str], Waybill]) -> LineReport:
    if line.kind is LineKind.REJECTED or line.ref is None:
        reason = line.reason.en if line.reason else "invalid line"
        return LineReport(None, None, None, "invalid", None, f"line {line.line_no}: {reason}")
    ref = line.ref
    if line.kind is LineKind.DUPLICATE:
        msg = f"line {line.line_no}: same order as line {line.first_line}"
        return LineReport(ref.order_id, ref.delivery_id, None, "duplicate", None, msg)
    return waybill_report(ref, by_key[ref.key])


def apply_put_out(
    report: LineReport, sink: LabelSink, result: PutOut, *, retry: str | None = None
) -> None:
    """Fold one label's print (or PDF) outcome into its line; `retry` is the command to
    run once the problem is fixed (by default `resume` with the same target)."""
    if result.pdf_path:
        report.pdf = result.pdf_path  # an unverified label's file too, for inspection
    if result.ok:
        return
    if result.kind is OutcomeKind.UNVERIFIED:
        report.status, report.errcode = "unverified", result.errcode
        done = "PDF written for inspection" if sink.target == "pdf" else "not printed"
        report.errmsg = (
            f"label not verified: {result.message} ({done}; print it anyway with "
            "--allow-unverified once you have looked at it)"
        )
        return
    report.status, report.errcode = "error", result.errcode
    if result.errcode in (ALREADY_PRINTED, NO_WAYBILL_ID) or result.kind is None:
        report.errmsg = result.message  # the text says what to do
        return
    what = "PDF not written" if sink.target == "pdf" else "not printed"
    hint = PrintResult(result.kind).message()
    if result.kind is OutcomeKind.STUCK:  # still in CUPS: it comes out once fixed
        report.status = "stuck"
        report.errmsg = (
            f"stuck: {result.message} — {hint} Once the printer prints again, run "
            f"`{PROG} resume --print {sink.name}` to record it (it is not printed twice)."
        )
        return
    if result.kind is OutcomeKind.TIMED_OUT:  # never retried blindly: it may be out
        report.errmsg = f"{what}? {result.message} — {hint}"
        return
    flag = "--pdf-dir" if sink.target == "pdf" else "--print"
    retry = retry or f"{PROG} resume {flag} {sink.name}"
    report.errmsg = f"{what}: {result.message} — {hint} Then run `{retry}`."


def emit_reports(
    reports: Sequence[LineReport], *, as_json: bool, out: TextIO, err: TextIO, suffix: str = ""
) -> int:
    for report in reports:
        print(report.as_json() if as_json else human_line(report), file=out)
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status] = counts.get(report.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"{len(reports)} lines: {summary}{suffix}", file=err)
    return EXIT_OK if all(r.status == "ok" for r in reports) else EXIT_SOME_FAILED


def human_line(report: LineReport) -> str:
    cols = [
        report.status.upper().ljust(9),
        report.order_id or "-",
        report.delivery_id or "-",
        report.waybill_id or "-",
    ]
    line = "  ".join(cols)
    if report.status != "ok":
        line += f"  {report.errmsg}"
    if report.pdf:
        line += f"  {report.pdf}"
    return line
