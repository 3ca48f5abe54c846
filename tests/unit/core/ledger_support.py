"""Helpers the ledger tests share: a hand-turned clock and waybill builders."""

from __future__ import annotations

import threading

from app.core.ledger import Ledger
from app.core.model import Hint, OrderRef, PageSizeMm, Waybill, WaybillStatus

LABEL_HTML = (
    '<html lang="zh"><head><meta charset="UTF-8"><style>@page { size: 100mm 150mm; }</style>'
    "</head><body><p>收件人：张三 广州市天河区</p><p>{waybill}</p></body></html>"
)


class StepClock:
    """A clock that only moves when told to: every reading is one second later."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            self.now += 1.0
            return self.now

    def advance_days(self, days: float) -> None:
        with self._lock:
            self.now += days * 86400.0


def ok_waybill(ref: OrderRef, waybill_id: str) -> Waybill:
    return Waybill(
        ref=ref,
        status=WaybillStatus.OK,
        errcode=0,
        errmsg="ok",
        waybill_id=waybill_id,
        html=LABEL_HTML.replace("{waybill}", waybill_id),
        page_size=PageSizeMm(100.0, 150.0),
        waybill_data=(("SF_bagAddr", "广州"), ("SF_mark", "021WT-A")),
        extra={"order_status": "0"},
    )


def error_waybill(ref: OrderRef, errcode: int = 930563, errmsg: str = "order not exist") -> Waybill:
    return Waybill(
        ref=ref,
        status=WaybillStatus.ERROR,
        errcode=errcode,
        errmsg=errmsg,
        hint=Hint(en="Check the order id.", zh="请检查订单号。"),
    )


def cancelled_waybill(ref: OrderRef, waybill_id: str) -> Waybill:
    return Waybill(
        ref=ref, status=WaybillStatus.CANCELLED, errcode=0, errmsg="ok", waybill_id=waybill_id
    )


QUEUED = OrderRef("Q-1", "SF")
FETCHING = OrderRef("F-1", "ZTO", "ZTO-WANTED")
FETCHED = OrderRef("OK-1", "SF")
PENDING = OrderRef("P-1", "SF")
PRINTED = OrderRef("D-1", "SF")
FAILED = OrderRef("E-1", "SF")


def leave_a_mess(ledger: Ledger) -> dict[str, int]:
    """One order in every state a dying program can leave behind."""
    rows = dict(
        zip(
            ("queued", "fetching", "fetched", "pending", "printed", "failed"),
            ledger.record_queued([QUEUED, FETCHING, FETCHED, PENDING, PRINTED, FAILED]),
            strict=True,
        )
    )
    ledger.record_fetch_started([rows[k] for k in ("fetching", "fetched", "pending", "printed")])
    ledger.record_fetch_started([rows["failed"]])
    ledger.record_fetch_result(rows["fetched"], ok_waybill(FETCHED, "SF-OK"))
    ledger.record_fetch_result(rows["pending"], ok_waybill(PENDING, "SF-PENDING"))
    ledger.record_fetch_result(rows["printed"], ok_waybill(PRINTED, "SF-DONE"))
    ledger.record_fetch_result(rows["failed"], error_waybill(FAILED))
    done = ledger.begin_print(rows["printed"], waybill_id="SF-DONE", printer="P", copies=1)
    ledger.finish_print(done, ok=True)
    rows["pending_print"] = ledger.begin_print(
        rows["pending"], waybill_id="SF-PENDING", printer="P", copies=1
    )
    rows["pending_pdf"] = ledger.begin_print(
        rows["fetched"], waybill_id="SF-OK", printer="", copies=1, target="pdf"
    )
    return rows
