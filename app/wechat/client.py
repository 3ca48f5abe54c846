"""The WeChat logistics client: batchGetOrder split into parallel calls, getOrder, getAllDelivery.

`WeChatClient.batch_get_orders` is the engine's `WaybillSource`: it always returns exactly
one `ApiItem` per input reference, in input order. A call that fails as a whole turns into
an error item for each of its orders (never an exception that loses the other calls);
only a `ConfigError` (nothing can succeed) propagates.

Per call: a token error (40001/40014/42001/41001) invalidates the token and retries once;
"busy" (-1) and "too frequent" (45011) back off `backoff × 2ⁿ` up to `max_api_retries`
times; network failures and HTTP 5xx are retried by the session (`app.wechat.http`);
45009 (quota) stops the calls that have not started yet.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import requests

from app.core.model import ApiItem, OrderRef
from app.wechat.answer import MAX_ANSWER_BYTES
from app.wechat.errors import (
    BAD_RESPONSE,
    TOKEN_ERRORS,
    Action,
    ApiError,
    ConfigError,
    WeChatError,
    info_for,
)
from app.wechat.http import errcode_of, request_json, validate_api_base
from app.wechat.items import (
    LabelCache,
    Masker,
    SecretsSource,
    cancelled_item,
    failed_item,
    item_from,
    items_for_chunk,
)
from app.wechat.tokens import TokenCache

BATCHGET_PATH = "/cgi-bin/express/business/order/batchget"
GET_ORDER_PATH = "/cgi-bin/express/business/order/get"
GET_ALL_DELIVERY_PATH = "/cgi-bin/express/business/delivery/getall"
#: WeChat answers at most this many orders per batchGetOrder call.
MAX_BATCH = 100


@dataclass(frozen=True)
class Carrier:
    """One carrier from getAllDelivery, for a picker."""

    delivery_id: str
    delivery_name: str


class _Cancelled(Exception):
    """The caller cancelled before this call was made."""


class _Aborted(Exception):
    """Another call of the same batch hit a `ConfigError`; this one was not made."""


class _Run:
    """What the calls of one `batch_get_orders` share: cancel, abort and quota state."""

    def __init__(self, cancel: threading.Event | None) -> None:
        self.cancel = cancel
        self.aborted = threading.Event()
        self.quota: WeChatError | None = None

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()


class WeChatClient:
    """Talks to the logistics endpoints through one session and one shared token cache."""

    def __init__(
        self,
        session: requests.Session,
        api_base: str,
        tokens: TokenCache,
        *,
        timeout: tuple[float, float] = (3.05, 15.0),
        concurrency: int = 4,
        batch_size: int = MAX_BATCH,
        max_api_retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        logger: logging.Logger | None = None,
        secrets: SecretsSource | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}, not {batch_size}")
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        if max_api_retries < 0:
            raise ValueError("max_api_retries must be >= 0")
        self._session = session
        self._api_base = validate_api_base(api_base)
        self._tokens = tokens
        self._timeout = timeout
        self._concurrency = concurrency
        self._batch_size = batch_size
        self._max_api_retries = max_api_retries
        self._backoff = backoff
        self._sleep = sleep
        self._log = logger or logging.getLogger(__name__)
        self._secrets = secrets
        self._max_answer_bytes = max_answer_bytes
        self._labels = LabelCache()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        return f"WeChatClient({self._api_base!r}, {self._tokens.describe()!r})"

    def __enter__(self) -> WeChatClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker threads (the session belongs to the caller)."""
        with self._executor_lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._closed:
                raise RuntimeError("the WeChat client is closed")
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self._concurrency, thread_name_prefix="wechat"
                )
            return self._executor

    # ---- batchGetOrder ---------------------------------------------------------------

    def batch_get_orders(
        self,
        refs: Sequence[OrderRef],
        *,
        on_batch: Callable[[list[ApiItem]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[ApiItem]:
        """One `ApiItem` per reference, in the order given, whatever happens to the calls.

        References are asked for once per `(order_id, delivery_id)`, in calls of at most
        `batch_size`, up to `concurrency` calls at once. `on_batch` is called from a worker
        thread with each call's items as it completes (cancelled calls included). Once
        `cancel` is set, calls not yet made answer `CANCELLED`. Raises only `ConfigError`
        (and whatever `on_batch` raises).
        """
        unique: dict[tuple[str, str], OrderRef] = {}
        for ref in refs:
            unique.setdefault(ref.key, ref)
        asked = list(unique.values())
        chunks = [asked[i : i + self._batch_size] for i in range(0, len(asked), self._batch_size)]
        run = _Run(cancel)
        pool = self._pool()
        futures = [pool.submit(self._run_chunk, chunk, run, on_batch) for chunk in chunks]
        answers: dict[tuple[str, str], ApiItem] = {}
        first_error: BaseException | None = None
        for future in futures:
            try:
                items = future.result()
            except _Aborted:
                continue
            except BaseException as exc:
                run.aborted.set()
                first_error = first_error or exc
                continue
            for item in items:
                answers[item.ref.key] = item
        if first_error is not None:
            raise first_error
        result = []
        for ref in refs:
            item = answers[ref.key]
            result.append(item if item.ref == ref else replace(item, ref=ref))
        return result

    def _run_chunk(
        self,
        chunk: list[OrderRef],
        run: _Run,
        on_batch: Callable[[list[ApiItem]], None] | None,
    ) -> list[ApiItem]:
        if run.aborted.is_set():
            raise _Aborted
        if run.cancelled():
            items = [cancelled_item(ref) for ref in chunk]
        elif run.quota is not None:
            quota = run.quota
            items = [failed_item(ref, quota) for ref in chunk]
        else:
            try:
                items = self._fetch_chunk(chunk, run)
            except BaseException:
                run.aborted.set()
                raise
        if on_batch is not None:
            on_batch(items)
        return items

    def _fetch_chunk(self, chunk: list[OrderRef], run: _Run) -> list[ApiItem]:
        body = {"order_list": [_order_body(ref) for ref in chunk]}
        try:
            data, token = self._call("POST", BATCHGET_PATH, body=body, should_stop=run.cancelled)
        except _Cancelled:
            return [cancelled_item(ref) for ref in chunk]
        except ConfigError:
            raise
        except WeChatError as exc:
            if info_for(exc.code).action is Action.QUOTA:
                run.quota = exc
            self._log.warning(
                "batchget of %d orders failed: %s (errcode %s)", len(chunk), exc.errmsg, exc.code
            )
            return [failed_item(ref, exc) for ref in chunk]
        return items_for_chunk(data, chunk, self._masker(token))

    # ---- the other calls -------------------------------------------------------------

    def get_order(self, ref: OrderRef, *, print_type: int | None = None) -> ApiItem:
        """One order via getOrder; failures become an error item (only `ConfigError` raises)."""
        body: dict[str, Any] = _order_body(ref)
        if print_type is not None:
            body["print_type"] = print_type
        try:
            data, token = self._call("POST", GET_ORDER_PATH, body=body, item_errors=True)
        except ConfigError:
            raise
        except WeChatError as exc:
            return failed_item(ref, exc)
        return item_from(data, ref, self._masker(token))

    def get_all_delivery(self) -> list[Carrier]:
        """Every carrier WeChat knows; raises `WeChatError` when the call fails."""
        data, _ = self._call("GET", GET_ALL_DELIVERY_PATH)
        entries = data.get("data")
        if not isinstance(entries, list):
            raise ApiError(BAD_RESPONSE, "getAllDelivery: the answer has no carrier list")
        carriers = []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            delivery_id = entry.get("delivery_id")
            if not isinstance(delivery_id, str) or not delivery_id:
                continue
            name = entry.get("delivery_name")
            carriers.append(Carrier(delivery_id, name if isinstance(name, str) else delivery_id))
        return carriers

    # ---- one call with its token and retry rules --------------------------------------

    def _masker(self, token: str) -> Masker:
        """Hides `token`, the AppSecret and every token handed out, in answer texts."""
        known = list(self._secrets()) if self._secrets is not None else []
        return Masker([token, *known], logger=self._log, labels=self._labels)

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        should_stop: Callable[[], bool] | None = None,
        item_errors: bool = False,
    ) -> tuple[dict[str, Any], str]:
        """The answer of one call with errcode 0 (and the token it used), or a `WeChatError`.

        With `item_errors`, a per-order code (getOrder answers one order) is returned as
        the answer rather than raised.
        """
        url = self._api_base + path
        what = path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1]
        token_retried = False
        busy_retries = 0
        while True:
            if should_stop is not None and should_stop():
                raise _Cancelled
            token = self._tokens.get()
            data = request_json(
                self._session,
                method,
                url,
                params={"access_token": token},
                json=body,
                timeout=self._timeout,
                max_bytes=self._max_answer_bytes,
                logger=self._log,
                what=what,
            )
            code = errcode_of(data, what)
            if code == 0:
                return data, token
            raw_msg = data.get("errmsg", "")
            errmsg = self._masker(token).show(raw_msg if isinstance(raw_msg, str) else "")
            action = info_for(code).action
            if code in TOKEN_ERRORS:
                self._tokens.invalidate(token)
                if not token_retried:
                    token_retried = True
                    self._log.info("%s: token rejected (errcode %s), retrying once", what, code)
                    continue
            elif action is Action.RETRY and busy_retries < self._max_api_retries:
                delay = self._backoff * 2**busy_retries
                busy_retries += 1
                self._log.info(
                    "%s: errcode %s, retry %d in %.2f s", what, code, busy_retries, delay
                )
                self._sleep(delay)
                continue
            elif action is Action.CONFIG:
                raise ConfigError(code, f"{what}: {errmsg}")
            elif item_errors and action is Action.PER_ORDER:
                return data, token
            raise ApiError(code, f"{what}: {errmsg}" if errmsg else what)


def _order_body(ref: OrderRef) -> dict[str, Any]:
    body: dict[str, Any] = {"order_id": ref.order_id, "delivery_id": ref.delivery_id}
    if ref.waybill_id:
        body["waybill_id"] = ref.waybill_id
    return body
