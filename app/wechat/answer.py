"""Reading one answer body safely: bounded in size (after decompression), UTF-8 JSON only.

`read_body` streams the raw body and inflates gzip/deflate itself with a bounded output
per step, so a small compressed answer that would inflate to gigabytes never occupies
more than the cap: over `max_bytes` it raises `AnswerProblem`. `parse_json` decodes the
bytes as UTF-8 whatever the Content-Type says (WeChat's answers are UTF-8 JSON; a
`text/plain` label must not become ISO-8859-1 mojibake) and turns every way a body can
fail to be a JSON object — invalid text, nesting deep enough to exhaust the parser,
numbers with thousands of digits, NaN — into `AnswerProblem` with a short reason.

A full batch answer is ~0.5 MB (a Base64 label per order): `parse_json` reads it with
orjson, four times faster than the standard library's parser, and keeps the standard
library's result exactly: whatever orjson refuses (a BOM, a lone surrogate, a number
beyond a double, deep nesting, invalid text) and every answer holding a float (orjson
turns integers beyond 64 bits into floats; WeChat answers hold none) is parsed again by
the standard library, which decides.
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Protocol

import orjson

#: The largest answer accepted, after decompression (a full batch of 100 labels is ~5 MB).
MAX_ANSWER_BYTES = 64 * 1024 * 1024
#: How much of the raw body is read (or inflated) at a time.
CHUNK_BYTES = 256 * 1024


class AnswerProblem(Exception):
    """The body cannot be used; the text is a short reason (never the body itself)."""


class _Raw(Protocol):
    def stream(self, amt: int, decode_content: bool | None = None) -> Any: ...


class _Decoder(Protocol):
    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...

    @property
    def unconsumed_tail(self) -> bytes: ...


def _decoder(encoding: str) -> _Decoder | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _Deflate()
    raise AnswerProblem(f"the answer uses an unsupported encoding ({encoding[:40]})")


class _Deflate:
    """HTTP "deflate": zlib-wrapped as the standard says, or raw as some servers send it."""

    def __init__(self) -> None:
        self._inner: Any = None

    @property
    def unconsumed_tail(self) -> bytes:
        tail: bytes = self._inner.unconsumed_tail if self._inner is not None else b""
        return tail

    def decompress(self, data: bytes, max_length: int = 0, /) -> bytes:
        if self._inner is None:
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0
            self._inner = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        out: bytes = self._inner.decompress(data, max_length)
        return out


def too_large(max_bytes: int) -> AnswerProblem:
    return AnswerProblem(f"the answer is larger than {max_bytes // (1024 * 1024) or 1} MB")


def read_body(raw: _Raw, content_encoding: str, *, max_bytes: int = MAX_ANSWER_BYTES) -> bytes:
    """The whole decoded body of `raw` (a urllib3 response), at most `max_bytes` of it.

    Raises `AnswerProblem` for an unsupported encoding, corrupt compressed data or an
    answer over the cap (stopping as soon as the cap is passed).
    """
    decoder = _decoder(content_encoding)
    # The pieces are joined once at the end: growing one buffer chunk by chunk cost four
    # times as much CPU as reading a 0.5 MB answer itself.
    pieces: list[bytes] = []
    size = 0
    try:
        for chunk in raw.stream(CHUNK_BYTES, decode_content=False):
            if decoder is None:
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                pieces.append(chunk)
                continue
            data = chunk
            while data:
                piece = decoder.decompress(data, max_bytes + 1 - size)
                size += len(piece)
                if size > max_bytes:
                    raise too_large(max_bytes)
                pieces.append(piece)
                data = decoder.unconsumed_tail
    except zlib.error:
        raise AnswerProblem("the compressed answer is corrupt") from None
    return b"".join(pieces)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _has_float(value: Any) -> bool:
    """True when a parsed JSON value holds a float anywhere."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            return True
    return False


def parse_json(body: bytes) -> Any:
    """`body` as UTF-8 JSON (a leading BOM is tolerated); `AnswerProblem` if it is not.

    The result is always the standard library's (see the module docstring).
    """
    try:
        fast = orjson.loads(body)
    except orjson.JSONDecodeError:
        pass  # the standard library decides, and says why
    else:
        if not _has_float(fast):
            return fast
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswerProblem("the answer is not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise AnswerProblem("the answer is nested too deeply") from None
    except ValueError:  # JSONDecodeError, and ints with more digits than Python converts
        raise AnswerProblem("the answer is not JSON") from None
