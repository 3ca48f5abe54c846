"""The fetch engine the CLI and the GUI share: order references in, decoded waybills out.

A `WaybillSource` (the WeChat client, in practice) answers references with raw `ApiItem`s;
`to_waybill` turns one item into a `Waybill`, never raising; `fetch_waybills` asks the
source and returns exactly one `Waybill` per reference, in the caller's order. A
waybill id answered for a second order makes that order an error (`vet_waybill`), in the
window and on the command line alike.

The local error codes it gives (`LABEL_MISSING`, `LABEL_CORRUPT`, `NO_ANSWER`,
`NOT_FETCHED`) live in `app.core.codes`, shared with the WeChat client.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from app.core.codes import LABEL_CORRUPT, LABEL_MISSING, NO_ANSWER, NOT_FETCHED
from app.core.labels import LabelError, decode_print_html, page_size_from_css
from app.core.model import ApiItem, Hint, OrderRef, Waybill, WaybillStatus
from app.core.waybill_owners import MemoryOwners, WaybillOwners, vet_waybill

ORDER_STATUS_CANCELLED = 1

LABEL_MISSING_HINT = Hint(
    "The carrier sent no label for this order (it may have no template of this kind). "
    "Ask the carrier, or fetch and print it again later.",
    "快递公司没有返回该订单的面单（可能没有这种面单模板）。请联系快递公司，或稍后重新获取打印。",
)
LABEL_CORRUPT_HINT = Hint(
    "The label arrived damaged and cannot be shown. Fetch it again; if it stays damaged, "
    "report the order id.",
    "面单数据已损坏，无法显示。请重新获取；如仍损坏，请报告该订单号。",
)
NO_ANSWER_HINT = Hint(
    "The server sent no answer for this order. Fetch it again.",
    "服务器没有返回该订单的结果。请重新获取。",
)
NOT_FETCHED_HINT = Hint(
    "Fetching was stopped before this order. Fetch it again.",
    "在获取该订单之前已停止。请重新获取。",
)
CANCELLED_HINT = Hint(
    "This waybill was cancelled: do not ship with it. Check the order and create a new "
    "waybill if it still has to go out.",
    "该运单已取消，请勿使用。请核对订单，如仍需发货请重新下单。",
)


class BatchSource(Protocol):
    """Anything that answers order references with raw API items (what the engine needs).

    Returns exactly one `ApiItem` per reference; `on_batch` is called with each batch of
    items as it arrives (possibly from a worker thread); `cancel` stops further calls.
    """

    def batch_get_orders(
        self,
        refs: Sequence[OrderRef],
        *,
        on_batch: Callable[[list[ApiItem]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[ApiItem]: ...


class CarrierEntry(Protocol):
    """One carrier the source knows, for the picker."""

    @property
    def delivery_id(self) -> str: ...

    @property
    def delivery_name(self) -> str: ...


class WaybillSource(BatchSource, Protocol):
    """The waybill source the window and the commands are handed (the WeChat client):
    waybills, the carriers it knows (`get_all_delivery`, raises on failure), and `close`."""

    def get_all_delivery(self) -> Sequence[CarrierEntry]: ...

    def close(self) -> None: ...


def to_waybill(item: ApiItem) -> Waybill:
    """One raw item as a waybill: an error, a cancelled waybill, or a printable label."""
    if item.errcode != 0:
        return Waybill(
            ref=item.ref,
            status=WaybillStatus.ERROR,
            errcode=item.errcode,
            errmsg=item.errmsg,
            waybill_id=item.waybill_id,
            waybill_data=item.waybill_data,
            hint=item.hint,
        )
    html: str | None = item.html
    error: LabelError | None = None
    if html is None:
        try:
            html = decode_print_html(item.print_html or "")
        except LabelError as exc:
            error = exc
    page_size = page_size_from_css(html) if html else None
    if item.order_status == ORDER_STATUS_CANCELLED:
        return Waybill(
            ref=item.ref,
            status=WaybillStatus.CANCELLED,
            errcode=item.errcode,
            errmsg=item.errmsg,
            waybill_id=item.waybill_id,
            html=html,
            page_size=page_size,
            waybill_data=item.waybill_data,
            hint=item.hint or CANCELLED_HINT,
        )
    if error is not None:
        missing = error.kind == "missing"
        return Waybill(
            ref=item.ref,
            status=WaybillStatus.ERROR,
            errcode=LABEL_MISSING if missing else LABEL_CORRUPT,
            errmsg="label missing" if missing else "label corrupt",
            waybill_id=item.waybill_id,
            waybill_data=item.waybill_data,
            hint=LABEL_MISSING_HINT if missing else LABEL_CORRUPT_HINT,
            extra={"label_error": error.message.en},
        )
    return Waybill(
        ref=item.ref,
        status=WaybillStatus.OK,
        errcode=0,
        errmsg=item.errmsg,
        waybill_id=item.waybill_id,
        html=html,
        page_size=page_size,
        waybill_data=item.waybill_data,
        hint=item.hint,
    )


def fetch_waybills(
    source: BatchSource,
    refs: Sequence[OrderRef],
    *,
    on_batch: Callable[[list[Waybill]], None] | None = None,
    cancel: threading.Event | None = None,
    owners: WaybillOwners | None = None,
) -> list[Waybill]:
    """Fetch and decode `refs`: exactly one waybill per reference, in the order given.

    Items are matched to references by `ref.key`; a reference the source did not answer
    becomes an ERROR waybill (`NO_ANSWER`, or `NOT_FETCHED` once `cancel` is set); items
    for references not asked for are ignored. `on_batch` gets each batch's waybills as the
    source reports it, never two calls at once, in whatever thread the source reports
    from. Exceptions from the source or from `on_batch` propagate.

    `owners` remembers which order each waybill id belongs to (across fetches when the
    caller keeps it; this call alone when None): a printable answer whose waybill id
    belongs to another order becomes a `WAYBILL_REUSED` error.
    """
    owners = owners if owners is not None else MemoryOwners()
    wanted = {ref.key for ref in refs}
    # by the item's identity (hashing a whole item hashes its label): the item is kept in
    # the value, so its id cannot be reused while the dict lives
    converted: dict[int, tuple[ApiItem, Waybill]] = {}
    cache_lock = threading.Lock()
    callback_lock = threading.Lock()

    def convert(item: ApiItem) -> Waybill:
        with cache_lock:
            cached = converted.get(id(item))
        if cached is not None:
            return cached[1]
        waybill = vet_waybill(to_waybill(item), owners)
        with cache_lock:
            return converted.setdefault(id(item), (item, waybill))[1]

    def report(items: list[ApiItem]) -> None:
        if on_batch is None:
            return
        batch = [convert(item) for item in items if item.ref.key in wanted]
        if batch:
            with callback_lock:
                on_batch(batch)

    items = source.batch_get_orders(refs, on_batch=report if on_batch else None, cancel=cancel)
    answers: dict[tuple[str, str], ApiItem] = {}
    for item in items:
        answers.setdefault(item.ref.key, item)
    stopped = cancel is not None and cancel.is_set()
    result: list[Waybill] = []
    for ref in refs:
        answer = answers.get(ref.key)
        if answer is None:
            result.append(_unanswered(ref, stopped))
            continue
        waybill = convert(answer)
        result.append(waybill if waybill.ref == ref else dataclasses.replace(waybill, ref=ref))
    return result


def _unanswered(ref: OrderRef, stopped: bool) -> Waybill:
    return Waybill(
        ref=ref,
        status=WaybillStatus.ERROR,
        errcode=NOT_FETCHED if stopped else NO_ANSWER,
        errmsg="not fetched (stopped)" if stopped else "no answer for this order",
        hint=NOT_FETCHED_HINT if stopped else NO_ANSWER_HINT,
    )
