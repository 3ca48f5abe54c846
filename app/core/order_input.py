"""Order files and piped input as text: the one reader of both faces (CLI `-i`, window import).

Spreadsheets on Chinese Windows save CSV/TXT as UTF-8 (with or without a BOM), GB18030
(GBK) or UTF-16 ("Unicode text", always with a BOM). `detect_encoding` picks one from the
first bytes: a BOM decides; otherwise UTF-8 if the sample is valid UTF-8, else GB18030.
`decode_order_bytes` decodes a whole (small) file, as the window does; `iter_lines`
streams a file or stdin line by line in constant memory, as `fetch -i` does with a
million lines. Line ends may be LF, CRLF or CR.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

#: How much of a stream is looked at to choose its encoding.
SNIFF_BYTES = 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class OrderInputError(Exception):
    """The input cannot be read as order text; the message says why."""


def detect_encoding(sample: bytes, *, complete: bool = True) -> str:
    """The codec for a stream starting with `sample` (`complete`: the sample is all of it)."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _describe(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(encoding, encoding.upper())


def decode_order_bytes(data: bytes) -> str:
    """The text of a whole order file in UTF-8, UTF-16 (BOM) or GB18030."""
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise OrderInputError("the file is neither UTF-8, UTF-16 nor GBK/GB18030 text") from None


def iter_lines(stream: BinaryIO) -> Iterator[str]:
    """The lines of `stream` (without line ends), decoded as `detect_encoding` says.

    Raises `OrderInputError` naming the line where the text stops being valid in the
    chosen encoding.
    """
    # A buffered stream (stdin, an open file) is peeked as it is: wrapping it in a bigger
    # buffer would block a pipe until that buffer is full.
    own = not hasattr(stream, "peek")
    buffered: Any = io.BufferedReader(cast(Any, stream), SNIFF_BYTES) if own else stream
    # A sample cut in the middle of a character is still UTF-8: `complete=False`.
    encoding = detect_encoding(buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES], complete=False)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline=None)
    line_no = 0
    try:
        for line in text:
            line_no += 1
            yield line[:-1] if line.endswith("\n") else line
    except UnicodeDecodeError:
        raise OrderInputError(
            f"the text is not valid {_describe(encoding)} after line {line_no}"
        ) from None
    finally:
        text.detach()  # leave `stream` open: it belongs to the caller (stdin, say)
        if own:
            buffered.detach()
