"""Turning one batchGetOrder answer into exactly one `ApiItem` per order asked for.

The answer is untrusted input: `items_for_chunk` never raises, whatever its shape,
types or numbers. An item is matched to its order by `(order_id, delivery_id)`; an item
without a `delivery_id` is matched by `order_id` alone when exactly one order of the call
has that id and exactly one such item came back. An item whose fields have the wrong
types, or numbers outside 64-bit range, or nested values where text belongs, becomes
that order's `BAD_RESPONSE` with a short reason.

Every text taken from the answer passes through a `Masker`: each secret it knows (the
call's token, the AppSecret, every token handed out) becomes `***` — in the label too,
which is decoded here once (`ApiItem.html`) so that no secret reaches the ledger, a PDF or
the preview, and the engine need not decode it again — and a message
longer than `MAX_MESSAGE_CHARS` is shortened for the screen, the ledger and the CSV
(the whole masked text goes to the log once).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from app.core.labels import LabelError, decode_print_html
from app.core.model import ApiItem, OrderRef
from app.wechat.errors import BAD_RESPONSE, CANCELLED, NO_ANSWER, WeChatError, info_for, scrub
from app.wechat.http import is_int_in_range

#: Server messages longer than this are shortened for display (whole in the log).
MAX_MESSAGE_CHARS = 300
#: A waybill id longer than this is not one (and would make an absurd file name).
MAX_WAYBILL_ID_CHARS = 128

SecretsSource = Callable[[], Iterable[str]]


class LabelCache:
    """The last few labels decoded and masked, by their Base64 text (one client's).

    Many orders of one call often share a label text (a carrier's sample or blank label):
    it is decoded and searched for secrets once. Holds at most `size` labels.
    """

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._labels: dict[str, tuple[tuple[str, ...], str | None]] = {}
        self._lock = threading.Lock()
        # the label found last: compared first (cheaper than hashing a new text to look it up)
        self._last: tuple[str, tuple[str, ...], str | None] | None = None

    def get(self, print_html: str, secrets: tuple[str, ...]) -> tuple[bool, str | None]:
        last = self._last
        if last is not None and last[0] == print_html and last[1] == secrets:
            return True, last[2]
        with self._lock:
            found = self._labels.get(print_html)
        if found is None or found[0] != secrets:
            return False, None
        self._last = (print_html, secrets, found[1])
        return True, found[1]

    def put(self, print_html: str, secrets: tuple[str, ...], html: str | None) -> None:
        with self._lock:
            if len(self._labels) >= self._size:
                del self._labels[next(iter(self._labels))]
            self._labels[print_html] = (secrets, html)
        self._last = (print_html, secrets, html)


class Masker:
    """Hides secrets in answer texts and shortens long ones (logging the whole text once)."""

    def __init__(
        self,
        secrets: Iterable[str | None] = (),
        *,
        logger: logging.Logger | None = None,
        limit: int = MAX_MESSAGE_CHARS,
        labels: LabelCache | None = None,
    ) -> None:
        self._secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
        # texts joined by NUL are searched at once when no secret holds a NUL (a secret
        # found in the joined text then lies within one of them)
        self._joinable = not any("\x00" in secret for secret in self._secrets)
        self._log = logger or logging.getLogger(__name__)
        self._limit = limit
        self._labels = labels

    def hides(self, text: str) -> bool:
        """True when `text` contains one of the secrets."""
        for secret in self._secrets:  # noqa: SIM110 (a loop: a generator costs more)
            if secret in text:
                return True
        return False

    def mask(self, text: str) -> str:
        return scrub(text, *self._secrets)

    def plain(self, texts: list[str]) -> bool:
        """True when `show` would leave every one of `texts` as it is: none holds a secret
        or is longer than the limit (one search for an answer item's texts together)."""
        joined = "\x00".join(texts)
        if len(joined) > self._limit and any(len(text) > self._limit for text in texts):
            return False
        if self._joinable:
            return not self.hides(joined)
        return not any(self.hides(text) for text in texts)

    def label(self, print_html: str) -> str | None:
        """The decoded label with every secret masked; None when it does not decode (the
        engine decodes it again and reports why)."""
        if self._labels is None:
            return self._decode_label(print_html)
        known, html = self._labels.get(print_html, self._secrets)
        if not known:
            html = self._decode_label(print_html)
            self._labels.put(print_html, self._secrets, html)
        return html

    def _decode_label(self, print_html: str) -> str | None:
        try:
            html = decode_print_html(print_html)
        except LabelError:
            return None
        if self.hides(html):
            self._log.warning("the label of an answer contained a secret; masked")
            return self.mask(html)
        return html

    def show(self, text: str, what: str = "server message") -> str:
        """`text` masked, and shortened to the limit (the whole masked text is logged)."""
        text = self.mask(text)
        if len(text) <= self._limit:
            return text
        self._log.warning("whole %s (%d characters): %s", what, len(text), text)
        return f"{text[: self._limit]}… ({len(text)} characters, whole text in the log)"


def _id(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if is_int_in_range(value):
        return str(value)
    return None


def _text(value: object) -> str | None:
    """A scalar as text; None for lists, objects and out-of-range numbers."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_int_in_range(value):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return None


def answers_by_key(
    data: Mapping[str, Any], chunk: Sequence[OrderRef]
) -> dict[tuple[str, str], Mapping[str, Any]] | None:
    """The answer's items keyed by the reference each belongs to; None without an order list."""
    order_list = data.get("order_list")
    if not isinstance(order_list, list):
        return None
    answered: dict[tuple[str, str], Mapping[str, Any]] = {}
    by_order_only: dict[str, list[Mapping[str, Any]]] = {}
    for raw in order_list:
        if not isinstance(raw, dict):
            continue
        order_id = _id(raw.get("order_id"))
        if order_id is None:
            continue
        if "delivery_id" not in raw or raw.get("delivery_id") in (None, ""):
            by_order_only.setdefault(order_id, []).append(raw)
            continue
        delivery_id = _id(raw.get("delivery_id"))
        if delivery_id is not None:
            answered.setdefault((order_id, delivery_id), raw)
    if by_order_only:
        refs_by_order: dict[str, list[OrderRef]] = {}
        for ref in chunk:
            refs_by_order.setdefault(ref.order_id, []).append(ref)
        for order_id, raws in by_order_only.items():
            candidates = refs_by_order.get(order_id, [])
            if len(raws) == 1 and len(candidates) == 1 and candidates[0].key not in answered:
                answered[candidates[0].key] = raws[0]
    return answered


def items_for_chunk(
    data: Mapping[str, Any], chunk: Sequence[OrderRef], masker: Masker
) -> list[ApiItem]:
    """One item per reference of `chunk`, in its order, from a call's answer `data`."""
    answered = answers_by_key(data, chunk)
    if answered is None:
        missing = bad_response("batchget: the answer has no order_list")
        return [failed_item(ref, missing) for ref in chunk]
    items = []
    for ref in chunk:
        raw = answered.get(ref.key)
        items.append(no_answer_item(ref) if raw is None else item_from(raw, ref, masker))
    return items


def bad_response(message: str) -> WeChatError:
    return WeChatError(BAD_RESPONSE, message)


def _malformed(ref: OrderRef, problems: list[str]) -> ApiItem:
    return ApiItem(
        ref=ref,
        errcode=BAD_RESPONSE,
        errmsg="malformed answer for this order: " + ", ".join(problems),
        hint=info_for(BAD_RESPONSE).hint,
    )


def item_from(raw: Mapping[str, Any], ref: OrderRef, masker: Masker | None = None) -> ApiItem:
    """One answered order as an item; a malformed one is `BAD_RESPONSE`, never an exception."""
    masker = masker or Masker()
    code = raw.get("errcode", 0)
    errmsg = _text(raw.get("errmsg", ""))
    waybill_id = raw.get("waybill_id")
    print_html = raw.get("print_html")
    order_status = raw.get("order_status")
    waybill_data = raw.get("waybill_data")
    problems = []
    if not is_int_in_range(code):
        problems.append("errcode")
    if errmsg is None:
        problems.append("errmsg")
    wid = _id(waybill_id) if waybill_id is not None else None
    if waybill_id is not None and (
        wid is None or not wid or len(wid) > MAX_WAYBILL_ID_CHARS or masker.hides(wid)
    ):
        problems.append("waybill_id")
    if print_html is not None and not isinstance(print_html, str):
        problems.append("print_html")
    if order_status is not None and not is_int_in_range(order_status):
        problems.append("order_status")
    pairs = _pairs(waybill_data)
    if pairs is None:
        problems.append("waybill_data")
    if problems:
        return _malformed(ref, problems)
    assert isinstance(code, int) and errmsg is not None and pairs is not None
    if code != 0:
        carrier_msg = _text(raw.get("delivery_resultmsg"))
        if carrier_msg:
            carrier_code = _text(raw.get("delivery_resultcode"))
            errmsg = f"{errmsg} (carrier {(carrier_code or '?')[:40]}: {carrier_msg})"
    if not masker.plain([errmsg, *(text for pair in pairs for text in pair)]):
        errmsg = masker.show(errmsg) if errmsg else errmsg
        pairs = tuple(
            (masker.show(key, "waybill_data key"), masker.show(value, "waybill_data"))
            for key, value in pairs
        )
    return ApiItem(
        ref=ref,
        errcode=code,
        errmsg=errmsg,
        waybill_id=wid,
        print_html=print_html or "",
        waybill_data=pairs,
        order_status=order_status,
        hint=info_for(code).hint if code != 0 else None,
        html=masker.label(print_html) if code == 0 and print_html else None,
    )


def _pairs(waybill_data: object) -> tuple[tuple[str, str], ...] | None:
    """The key/value texts of `waybill_data` as they came (masked by the caller)."""
    if waybill_data is None:
        return ()
    if not isinstance(waybill_data, list):
        return None
    pairs = []
    for entry in waybill_data:
        if not isinstance(entry, dict) or entry.get("key") is None:
            continue
        key, value = _text(entry["key"]), _text(entry.get("value"))
        if key is None or value is None:
            return None
        pairs.append((key, value))
    return tuple(pairs)


def failed_item(ref: OrderRef, exc: WeChatError) -> ApiItem:
    return ApiItem(ref=ref, errcode=exc.code, errmsg=exc.errmsg, hint=exc.hint)


def no_answer_item(ref: OrderRef) -> ApiItem:
    return ApiItem(
        ref=ref,
        errcode=NO_ANSWER,
        errmsg="WeChat did not answer for this order",
        hint=info_for(NO_ANSWER).hint,
    )


def cancelled_item(ref: OrderRef) -> ApiItem:
    return ApiItem(
        ref=ref,
        errcode=CANCELLED,
        errmsg="fetch was cancelled",
        hint=info_for(CANCELLED).hint,
    )
