"""CSV export of ledger history, made for Excel.

UTF-8 with a byte order mark (without it Excel reads Chinese as mojibake), CRLF line ends,
local times as ``YYYY-MM-DD HH:MM:SS``. Text cells that a spreadsheet would take for a
formula (starting with ``= + - @``, tab or CR) get a leading apostrophe, so a scanned
"order id" cannot run as a formula on the office PC.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from app.core.ledger_records import HistoryRow

CSV_COLUMNS = (
    "time",
    "order_id",
    "delivery_id",
    "waybill_id",
    "fetch_status",
    "errcode",
    "message",
    "prints",
    "last_printer",
    "last_print_time",
    "reprints",
    "last_print_outcome",
    "last_print_kind",
    "last_print_message",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def format_time(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_record(row: HistoryRow) -> list[str | int]:
    """One history row as the CSV cells, in `CSV_COLUMNS` order."""
    return [
        format_time(row.time),
        _text(row.order_id),
        _text(row.delivery_id),
        _text(row.waybill_id),
        row.fetch_status or "",
        "" if row.errcode is None else row.errcode,
        _text(row.errmsg),
        row.prints,
        _text(row.last_printer),
        format_time(row.last_print_at),
        row.reprints,
        "" if row.last_outcome is None else row.last_outcome.value,
        "" if row.last_kind is None else row.last_kind.value,
        _text(row.last_message),
    ]


def export_csv(rows: Iterable[HistoryRow], file: Path | str | IO[str]) -> int:
    """Write a header and one line per row to a path or an open text stream.

    A path is created (or replaced) with encoding ``utf-8-sig``; a stream gets the byte
    order mark written as its first character, so it must be opened with ``newline=""``
    and a UTF-8 encoding. Returns the number of rows written.
    """
    if isinstance(file, str | Path):
        with Path(file).open("w", encoding="utf-8-sig", newline="") as stream:
            return _write(rows, stream)
    file.write("\ufeff")
    return _write(rows, file)


def _write(rows: Iterable[HistoryRow], stream: IO[str]) -> int:
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(csv_record(row))
        count += 1
    return count
