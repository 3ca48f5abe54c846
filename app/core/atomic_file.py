"""Atomic file writes: a temp file beside the target, synced, then renamed into place.

A reader (or a program restarted after a crash) sees either the old file or the whole new
one, never half of it. Used for settings, caches, exported and printed-to-file PDFs.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, temp_suffix: str = ".tmp") -> None:
    """Write `data` to `path`; the temp file is `.<name>.<pid><temp_suffix>` beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}{temp_suffix}")
    try:
        with open(part, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
