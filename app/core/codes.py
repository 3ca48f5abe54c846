"""This program's own error codes, kept apart from WeChat's: one number per meaning.

Negative and below -1000, so they never collide with WeChat's codes (WeChat's only
negative code is -1, "system busy"), and a waybill's `errcode` always tells where an error
came from. The engine and the WeChat client both speak them, so they live here, at the
bottom, and neither has to import the other.

- `LABEL_MISSING` (-1001): the order was answered but its `print_html` is empty.
- `LABEL_CORRUPT` (-1002): `print_html` is not Base64 of a UTF-8 HTML document.
- `NO_ANSWER` (-1003): the source returned no item for this order.
- `NOT_FETCHED` (-1004): the fetch was cancelled before this order was answered.
- `TRANSPORT` (-1005): the call never got an answer (DNS, refused, timeout, proxy, TLS).
- `BAD_RESPONSE` (-1006): the answer was not the JSON the API documents.
- `HTTP_ERROR` (-1007): the server answered with an HTTP error status (after retries).
- `NOT_CONFIGURED` (-1008): this station cannot get a token.
- `WAYBILL_REUSED` (-1104): the answer's waybill id was already answered for another order
  (`app.core.waybill_owners`); nothing is put out for it.
"""

from __future__ import annotations

LABEL_MISSING = -1001
LABEL_CORRUPT = -1002
NO_ANSWER = -1003
NOT_FETCHED = -1004
TRANSPORT = -1005
BAD_RESPONSE = -1006
HTTP_ERROR = -1007
NOT_CONFIGURED = -1008
WAYBILL_REUSED = -1104
