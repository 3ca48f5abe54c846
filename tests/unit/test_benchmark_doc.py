"""A partial benchmark run (`run.py --only …`) merges its rows into docs/PERFORMANCE.md's
table instead of replacing the table with only its own rows."""

from __future__ import annotations

from tests.benchmarks.common import Row
from tests.benchmarks.run import merge_doc

OLD = """**Machine:** 2026-11-29 09:28 UTC · 2 cores · full run, 875 s in all

| metric | this program | alternative | ratio | target | result |
|---|---|---|---|---|---|
| fetch 1000 orders | 406 ms | ideal 300 ms | 1.35× | ≤ 1.3× | MISS |
| spool 200 labels with label verification ² | 13.6 labels/s | off: 15.0/s | 0.91× | ≥ 20 | MISS |
| startup | 1.15 s | bare 644 ms | 1.78× | ≤ 1.5 s | PASS |

² Added by hand.

Notes:
- **fetch 1000 orders**: median of 5 runs
- **spool 200 labels with label verification**: the old note
"""


def _row(metric: str, ours: str, note: str) -> Row:
    return Row(metric, ours, "alt", "1.00×", "≥ 20 labels/s", True, note)


def test_rows_of_a_partial_run_replace_theirs_and_keep_the_others() -> None:
    rows = [
        _row("spool 200 labels with label verification", "21.0 labels/s", "the new note"),
        _row("verify 200 labels: CPU per label", "6.0 ms", "quick look"),
    ]
    measured = "**Rows re-measured by `--only spool,verify`:** 2026-11-30 01:30 UTC · load 1.0"
    merged = merge_doc(OLD, rows, measured)
    lines = merged.split("\n")
    assert lines[0].startswith("**Machine:** 2026-11-29")
    assert lines[2] == measured
    table = [line for line in lines if line.startswith("| ") and "| metric |" not in line]
    assert [line.split("|")[1].strip() for line in table] == [
        "fetch 1000 orders",
        "spool 200 labels with label verification",
        "startup",
        "verify 200 labels: CPU per label",
    ]
    assert "| 21.0 labels/s |" in table[1] and "13.6" not in merged
    assert "| 406 ms |" in table[0] and "| 1.15 s |" in table[2]
    assert "² Added by hand." in lines
    assert "- **spool 200 labels with label verification**: the new note" in lines
    assert "- **verify 200 labels: CPU per label**: quick look" in lines
    assert "- **fetch 1000 orders**: median of 5 runs" in lines
    # the same partial run again: its rows and its line replaced, not doubled
    again = merge_doc(merged, rows, measured.replace("01:30", "01:45"))
    assert again.count("Rows re-measured by `--only spool,verify`") == 1
    assert "01:45" in again and again.count("| verify 200 labels: CPU per label |") == 1
