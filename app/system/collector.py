"""The cyclic garbage collector's settings for one long command-line run.

A `fetch` of a million lines keeps its memory flat (a window of 800 orders at a time),
but it makes and drops millions of container objects. With the interpreter's defaults the
collector runs its young generation every 700 new containers (about every 50 orders) and
walks every object start-up made (the imported modules, some 30,000 of them) at each of
its full collections: ~5 µs of CPU per order, 4 % of the run. `long_run_collector`
freezes what exists when the run starts (start-up's objects live as long as the process;
`gc.freeze`) and lets the young generation grow to `young` containers before a
collection, so the same garbage is found with a fraction of the walking. Cycles are still
collected; at most `young` more container objects wait for it. Everything is restored on
exit, so a caller in a longer-lived process (the tests) gets its collector back as it was;
objects somebody else froze before are left to them (then nothing more is frozen).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Containers allocated (net) before the young generation is collected during a long run.
LONG_RUN_YOUNG = 20_000


@contextmanager
def long_run_collector(young: int = LONG_RUN_YOUNG) -> Iterator[None]:
    """Freeze the objects that exist now and collect the young generation every `young`
    new containers, until the block ends."""
    thresholds = gc.get_threshold()
    ours = gc.get_freeze_count() == 0  # somebody else's freeze is theirs to undo
    if ours:
        gc.freeze()
    gc.set_threshold(young, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if ours:
            gc.unfreeze()
