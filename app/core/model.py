"""The value types every layer shares: order references, raw API items and decoded waybills.

Plain frozen dataclasses, no behaviour beyond small derived properties, so that the
parser, the WeChat client, the engine, the ledger, the CLI and the GUI all speak the
same language without importing each other. The ones made for every order are
`@cheap_init` (`app.core.frozen`): the same dataclasses, three times cheaper to make.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field

from app.core.frozen import cheap_init


@cheap_init
@dataclass(frozen=True)
class OrderRef:
    """One order to fetch: the merchant's order id and its carrier, optionally a waybill id."""

    order_id: str
    delivery_id: str
    waybill_id: str | None = None

    @functools.cached_property
    def key(self) -> tuple[str, str]:
        """What the API matches answers by: `(order_id, delivery_id)` (made once per ref)."""
        return (self.order_id, self.delivery_id)


@dataclass(frozen=True)
class Hint:
    """What to do about an error, in both UI languages."""

    en: str
    zh: str

    def text(self, language: str = "en") -> str:
        return self.zh if language.startswith("zh") else self.en


@cheap_init
@dataclass(frozen=True)
class ApiItem:
    """One order's answer as the WeChat client got it (or made it up for a failed call).

    `errcode` 0 means the order was answered; anything else is this order's error, whether
    the server said so per item or the whole call failed. `print_html` is still Base64;
    `html` is the label the client already decoded from it (secrets the server echoed in
    it masked), or None when the engine has to decode `print_html` itself.
    """

    ref: OrderRef
    errcode: int
    errmsg: str
    waybill_id: str | None = None
    print_html: str = ""
    waybill_data: tuple[tuple[str, str], ...] = ()
    order_status: int | None = None
    hint: Hint | None = None
    html: str | None = None


class WaybillStatus(enum.Enum):
    """The final state of one fetched order."""

    OK = "ok"
    CANCELLED = "cancelled"
    ERROR = "error"


@dataclass(frozen=True)
class PageSizeMm:
    """A label's page size in millimetres (width, height)."""

    width: float
    height: float


@cheap_init
@dataclass(frozen=True)
class Waybill:
    """One order after fetching and decoding: printable (`OK`), cancelled, or an error."""

    ref: OrderRef
    status: WaybillStatus
    errcode: int
    errmsg: str
    waybill_id: str | None = None
    html: str | None = None
    page_size: PageSizeMm | None = None
    waybill_data: tuple[tuple[str, str], ...] = ()
    hint: Hint | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def printable(self) -> bool:
        """Only a normal waybill with a decoded label may ever be printed."""
        return self.status is WaybillStatus.OK and bool(self.html)
