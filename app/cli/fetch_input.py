"""The input side of `fetch`: order lines from arguments, a file or stdin, parsed as a stream.

Lines are read one at a time (`app.core.order_input` chooses UTF-8, UTF-16 or GB18030),
parsed one at a time (`OrderParser`, remembering seen references in a disk-backed
`RunIndex`) and handed out in windows of a few API calls' worth of references, so a
million-line file is never held in memory and the first results appear within seconds.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from app.core.order_input import SNIFF_BYTES, iter_lines
from app.core.orders import LineKind, OrderParser, ParsedLine

#: References per window: four calls of 100 at once, twice over.
WINDOW_REFS = 800
#: A window also ends after this many lines (a long run of invalid or repeated lines).
WINDOW_LINES = 4 * WINDOW_REFS

_LINE_END_RE = re.compile(r"\r\n|\r|\n")


def input_lines(args: argparse.Namespace, stdin: TextIO) -> Iterator[str]:
    """The order lines of the command: arguments first, then `-i FILE` or `-i -`."""
    for order in args.orders:
        yield from _LINE_END_RE.split(order)
    if args.input == "-":
        binary: BinaryIO | None = getattr(stdin, "buffer", None)
        if binary is not None:
            yield from iter_lines(binary)
        else:  # an in-memory text stream (tests, embedding)
            yield from _LINE_END_RE.split(stdin.read())
    elif args.input:
        with Path(args.input).open("rb", buffering=SNIFF_BYTES) as file:
            yield from iter_lines(file)


def parsed_lines(lines: Iterable[str], parser: OrderParser) -> Iterator[ParsedLine]:
    """Every content line of `lines`, parsed (blank lines, comments and a header skipped)."""
    for line_no, raw in enumerate(lines, start=1):
        parsed = parser.feed(line_no, raw)
        if parsed is not None:
            yield parsed


def windows(
    lines: Iterable[ParsedLine], *, refs: int = WINDOW_REFS, max_lines: int = WINDOW_LINES
) -> Iterator[list[ParsedLine]]:
    """`lines` in consecutive groups of at most `refs` references and `max_lines` lines."""
    window: list[ParsedLine] = []
    count = 0
    for line in lines:
        window.append(line)
        count += line.kind is LineKind.REF
        if count >= refs or len(window) >= max_lines:
            yield window
            window, count = [], 0
    if window:
        yield window
