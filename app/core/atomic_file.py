"""Atomic file writes: a temp file beside the target, synced, then given the target's name.

A reader (or a program restarted after a crash) sees either the old file or the whole new
one, never half of it. Used for settings, caches, exported and printed-to-file PDFs.

Two ways to give the name:

- `write_atomically` / `publish_replacing` replace whatever file has the name (settings,
  a file the user chose).
- `write_new_file` / `publish_new_file` never replace one: they claim the first free name
  of a list, exclusively, so two programs writing one folder at once (two stations on a
  shared folder, the window and the command line) both keep their file. The complete temp
  file is hard-linked to the name (`link` fails when the name is taken: the next is
  tried), then unlinked. Where the file system has no hard links (FAT/exFAT, many SMB and
  FUSE mounts: `link` fails with EPERM, EOPNOTSUPP, ENOSYS, or EINVAL on Windows) the
  name is claimed by creating an empty file exclusively (O_CREAT|O_EXCL), then the temp
  file is renamed over that claim: a reader may see the name empty for that moment, never
  a part of the content. Both ways claim with the file system's own "create if absent",
  so writers using either never take one name twice.

A crash leaves at most the one hidden temp file (`.<name>.<pid>….tmp`) of the write under
way, as a crash during `write_atomically` does; one between the claim and the rename of
the fallback also leaves that name empty.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

Link = Callable[[Path, Path], None]
"""Makes a hard link: `os.link(source, name)`, raising FileExistsError when the name is
taken and another OSError where the file system cannot link."""


def write_atomically(path: Path, data: bytes, *, temp_suffix: str = ".tmp") -> None:
    """Write `data` to `path`; the temp file is `.<name>.<pid><temp_suffix>` beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}{temp_suffix}")
    with _removed(part, only_if_failed=True):
        _write_synced(part, data, os.O_TRUNC)
        os.replace(part, path)
    _sync_folder(path.parent)


def write_new_file(
    folder: Path,
    names: Iterable[str],
    data: bytes,
    *,
    temp_suffix: str = ".tmp",
    link: Link = os.link,
) -> Path:
    """Write `data` as a new file in `folder` (made if missing) under the first of `names`
    no file has, never replacing one (module docstring); returns its path. Raises
    FileExistsError when every name is taken."""
    folder.mkdir(parents=True, exist_ok=True)
    names = iter(names)
    first = next(names, None)
    if first is None:
        raise ValueError("no name to write the file under")
    part = temp_file_for(folder / first, temp_suffix)
    with _removed(part):
        _write_synced(part, data, os.O_EXCL)
        return _publish(part, folder, itertools.chain([first], names), link)


def publish_new_file(temp: Path, names: Iterable[str], *, link: Link = os.link) -> Path:
    """Give the complete file `temp` the first of `names` (in its folder) no file has,
    never replacing one (module docstring); returns the path. `temp` is gone afterwards,
    whether or not it was published."""
    with _removed(temp):
        _sync_file(temp)
        return _publish(temp, temp.parent, names, link)


def publish_replacing(temp: Path, path: Path) -> None:
    """Give the complete file `temp` the name `path`, replacing any file there, as
    `write_atomically` does; `temp` is gone afterwards either way."""
    with _removed(temp, only_if_failed=True):
        _sync_file(temp)
        os.replace(temp, path)
    _sync_folder(path.parent)


def temp_file_for(path: Path, temp_suffix: str = ".tmp") -> Path:
    """A hidden name beside `path` no other writer (thread or program) picks."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}{temp_suffix}")


def _publish(part: Path, folder: Path, names: Iterable[str], link: Link) -> Path:
    for name in names:
        path = folder / name
        try:
            link(part, path)
        except FileExistsError:
            continue
        except OSError as cannot_link:
            try:
                claimed = _claim_and_rename(part, path)
            except OSError as exc:
                raise exc from cannot_link
            if not claimed:
                continue
        _sync_folder(folder)
        return path
    raise FileExistsError(f"every name for the file in {folder} is taken")


def _claim_and_rename(part: Path, path: Path) -> bool:
    """The fallback without hard links: False when `path` is taken. Opened read-only, the
    claim never tells a folder watcher "a file was written" (inotify's IN_CLOSE_WRITE)."""
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        return False
    with _removed(path, only_if_failed=True):  # our own empty claim
        os.replace(part, path)
    return True


@contextlib.contextmanager
def _removed(path: Path, *, only_if_failed: bool = False) -> Iterator[None]:
    """Remove `path` (if it is there) when the block ends, or only when it fails."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    if not only_if_failed:
        with contextlib.suppress(OSError):
            path.unlink()


def _sync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _write_synced(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | mode | getattr(os, "O_BINARY", 0), 0o666)
    with open(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):  # make the new name itself durable (POSIX)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
