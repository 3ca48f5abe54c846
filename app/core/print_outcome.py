"""How one label's print ended, as a kind rather than a sentence.

Every print — from the window or the command line, to a printer or a PDF file — ends as
one `PrintResult` whose `kind` says what can be known about the paper:

- `SPOOLED`: the printer system (or the PDF file) took the label.
- `REFUSED`: the spooler said no before accepting the job (a queue that is not accepting
  jobs, a bad option): nothing can have printed, so it is safe to try once more.
- `TIMED_OUT`: the spooler never answered, or the job was lost on its way: the label may
  have printed. Never retried automatically; the ledger keeps it as `unknown` for the
  packer to check.
- `RENDER_FAILED`: the label could not be drawn (too large, broken markup, a renderer that
  got stuck): nothing was sent, and the printer is not to blame.
- `UNVERIFIED`: the label was drawn but failed the check between rendering and spooling
  (page size, barcode read-back); nothing was sent.
- `NO_PRINTER`: the printer named does not exist (any more); nothing was sent.
- `WRITE_FAILED`: the PDF file could not be written; nothing was put out.
- `CANCELLED`: dropped before it started; nothing was sent.

Where the printer system can be followed (CUPS), a `SPOOLED` print carries its CUPS job
number (`cups_job`) and is followed to paper (`app.printing.job_wait`), ending as:

- `PRINTED`: CUPS says the job completed: the label is on paper.
- `STUCK`: the job has not completed within the station's time (a paused queue, no
  labels, printer offline): it is still waiting in CUPS and will come out once the
  printer is fixed, so it may still print. Never sent again automatically.
- `JOB_FAILED`: the job was cancelled or aborted in CUPS, or went with its deleted
  printer: nothing printed.
- `CONFIRMED_PRINTED`: the packer saw a followed label come out (its job, if CUPS still
  held it, is cancelled so it cannot come out twice): on paper by a person's word, which
  the ledger keeps apart from CUPS's (`confirmed_printed`, not `printed`).

`hint_for(kind)` is what to tell a person, in both languages, so a render failure never
says "check the printer". The ledger stores the kind as the first word of the print's
message (`ledger_message` / `kind_of_message`), so history and recovery can classify
failures without matching sentences.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.core.model import Hint


class OutcomeKind(enum.Enum):
    """See the module docstring."""

    SPOOLED = "spooled"
    REFUSED = "refused"
    TIMED_OUT = "timed_out"
    RENDER_FAILED = "render_failed"
    UNVERIFIED = "unverified"
    NO_PRINTER = "no_printer"
    WRITE_FAILED = "write_failed"
    CANCELLED = "cancelled"
    PRINTED = "printed"
    STUCK = "stuck"
    JOB_FAILED = "job_failed"
    CONFIRMED_PRINTED = "confirmed_printed"

    @property
    def may_have_printed(self) -> bool:
        """A label came out, or may have."""
        return self in _MAY_HAVE_PRINTED

    @property
    def retryable(self) -> bool:
        """Nothing can have printed and the same job may well succeed a moment later."""
        return self is OutcomeKind.REFUSED


_MAY_HAVE_PRINTED = frozenset(
    {
        OutcomeKind.SPOOLED,
        OutcomeKind.TIMED_OUT,
        OutcomeKind.PRINTED,
        OutcomeKind.STUCK,
        OutcomeKind.CONFIRMED_PRINTED,
    }
)


@dataclass(frozen=True)
class PrintResult:
    """How one print ended: its kind, the spooler's or renderer's own words, how many
    attempts it took, for a PDF the file written and, for a CUPS job, its job number."""

    kind: OutcomeKind
    detail: str = ""
    attempts: int = 1
    pdf_path: str | None = None
    cups_job: int | None = None

    @property
    def ok(self) -> bool:
        """The label was taken (spooled or written) or is on paper."""
        return self.kind in (
            OutcomeKind.SPOOLED,
            OutcomeKind.PRINTED,
            OutcomeKind.CONFIRMED_PRINTED,
        )

    def hint(self) -> Hint:
        return hint_for(self.kind)

    def message(self, language: str = "en") -> str:
        """What to tell a person: what happened (with the detail) and what to do."""
        text = hint_for(self.kind).text(language)
        return f"{text} ({self.detail})" if self.detail else text


_HINTS = {
    OutcomeKind.SPOOLED: Hint("Sent to the printer.", "已发送到打印机。"),
    OutcomeKind.REFUSED: Hint(
        "The printer queue refused the label; nothing was printed. Check that the printer "
        "queue is enabled and accepting jobs, then print again.",
        "打印队列拒绝了该面单，未打印任何内容。请检查打印队列是否已启用并接受任务，然后重新打印。",
    ),
    OutcomeKind.TIMED_OUT: Hint(
        "The printer did not answer in time; the label may or may not have printed. Check "
        "the printer before printing it again.",
        "打印机未及时响应，面单可能已打印也可能未打印。请先检查打印机，再决定是否重新打印。",
    ),
    OutcomeKind.RENDER_FAILED: Hint(
        "The label could not be drawn, so nothing was sent to the printer. Fetch the order "
        "again; if it stays so, report the waybill id.",
        "面单无法生成，未发送到打印机。请重新获取该订单；如仍失败，请报告运单号。",
    ),
    OutcomeKind.UNVERIFIED: Hint(
        "The label failed its check (page size or barcode), so it was not printed. Fetch "
        "the order again; if it stays so, report the waybill id.",
        "面单未通过检查（页面尺寸或条码），因此未打印。请重新获取该订单；如仍失败，请报告运单号。",
    ),
    OutcomeKind.NO_PRINTER: Hint(
        "The printer is not available, so nothing was printed. Check that it is switched "
        "on, or choose another one in Settings.",
        "打印机不可用，未打印任何内容。请检查打印机是否开启，或在设置中选择其他打印机。",
    ),
    OutcomeKind.WRITE_FAILED: Hint(
        "The PDF file could not be written. Check the folder (free space, permissions), "
        "then try again.",
        "无法写入 PDF 文件。请检查文件夹（剩余空间、权限）后重试。",
    ),
    OutcomeKind.CANCELLED: Hint(
        "Printing was cancelled before this label; nothing was printed.",
        "在打印该面单之前已取消，未打印任何内容。",
    ),
    OutcomeKind.PRINTED: Hint("Printed.", "已打印。"),
    OutcomeKind.CONFIRMED_PRINTED: Hint(
        "Printed, as checked by the packer.", "已打印（经打包员确认）。"
    ),
    OutcomeKind.STUCK: Hint(
        "The printer has not printed the label in time; it is still waiting in the printer "
        "queue and comes out once the printer is fixed. Do not print it again: fix the "
        "printer (load labels, then Resume), or cancel the job first.",
        "打印机未能及时打印该面单；它仍在打印队列中等待，打印机修好后会自动打印。请勿重复打印："
        "先修好打印机（装入面单后点继续），或先取消该任务。",
    ),
    OutcomeKind.JOB_FAILED: Hint(
        "The print job was cancelled or aborted in the print system; nothing was printed. "
        "Print it again once the printer is ready.",
        "打印任务在打印系统中被取消或中止，未打印任何内容。请在打印机就绪后重新打印。",
    ),
}


def hint_for(kind: OutcomeKind) -> Hint:
    """What to tell a person about a print that ended so."""
    return _HINTS[kind]


def ledger_message(result: PrintResult) -> str:
    """The print's message as the ledger keeps it: the kind first, then the detail."""
    return f"{result.kind.value}: {result.detail}" if result.detail else result.kind.value


def kind_of_message(message: str) -> OutcomeKind | None:
    """The kind a ledger message starts with (None for messages of older versions)."""
    head = message.split(":", 1)[0].strip()
    try:
        return OutcomeKind(head)
    except ValueError:
        return None
