"""The session print guard: a waybill prints once unless a reprint is asked for."""

from __future__ import annotations

import pytest

from app.core.model import OrderRef, Waybill, WaybillStatus
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.guard import PrintRefused, SessionPrintGuard


def waybill(waybill_id: str) -> Waybill:
    return Waybill(OrderRef("O" + waybill_id, "SF"), WaybillStatus.OK, 0, "ok", waybill_id, "<p>")


def begin(guard: SessionPrintGuard, waybill_id: str, *, reprint: bool = False) -> object:
    return guard.before_print(
        waybill(waybill_id),
        printer="LabelPDF",
        copies=1,
        target="printer",
        reprint=reprint,
        source="scan",
    )


def test_a_second_print_is_refused_as_already_printed_until_asked_as_reprint() -> None:
    guard = SessionPrintGuard()
    token = begin(guard, "SF1")
    with pytest.raises(PrintRefused) as refused:
        begin(guard, "SF1")  # still pending: may come out
    assert refused.value.already_printed and "SF1" in str(refused.value)
    guard.after_print(token, PrintResult(OutcomeKind.SPOOLED, "sent"))
    with pytest.raises(PrintRefused):
        begin(guard, "SF1")
    again = begin(guard, "SF1", reprint=True)
    guard.after_print(again, PrintResult(OutcomeKind.SPOOLED, "sent"))
    assert [(p.waybill_id, p.reprint, p.ok) for p in guard.prints] == [
        ("SF1", False, True),
        ("SF1", True, True),
    ]
    assert guard.printed_ids() == {"SF1"}


def test_a_failed_print_does_not_count_as_printed() -> None:
    guard = SessionPrintGuard()
    token = begin(guard, "SF2")
    guard.after_print(token, PrintResult(OutcomeKind.REFUSED, "printer 'X' not found"))
    assert guard.printed_ids() == set()
    begin(guard, "SF2")  # not refused
    assert guard.prints[0].message == "printer 'X' not found"


def test_every_token_ends_once() -> None:
    guard = SessionPrintGuard()
    token = begin(guard, "SF3")
    guard.after_print(token, PrintResult(OutcomeKind.SPOOLED, ""))
    with pytest.raises(ValueError, match="ended"):
        guard.after_print(token, PrintResult(OutcomeKind.REFUSED, ""))
    with pytest.raises(ValueError, match="unknown"):
        guard.after_print(99, PrintResult(OutcomeKind.SPOOLED, ""))
