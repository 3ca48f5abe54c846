"""atomic_file: the target holds the old or the whole new content, never a part; a new
file claims a free name and never replaces one — with hard links or, on a file system
without them, an exclusive claim — even with two programs writing one folder at once."""

from __future__ import annotations

import errno
import itertools
import multiprocessing
import os
from collections.abc import Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from app.core.atomic_file import (
    Link,
    publish_new_file,
    publish_replacing,
    temp_file_for,
    write_atomically,
    write_new_file,
)


def test_writes_creates_folders_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "label.pdf"
    write_atomically(target, b"%PDF-1")
    write_atomically(target, b"%PDF-2", temp_suffix=".part")
    assert target.read_bytes() == b"%PDF-2"
    assert [p.name for p in target.parent.iterdir()] == ["label.pdf"]


def test_failed_write_keeps_the_old_file_and_removes_the_temp(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


# -- new files: a name is claimed, never replaced ---------------------------------------


def names(stem: str = "label") -> Iterator[str]:
    """label.pdf, label-2.pdf, label-3.pdf … (as `page_setup.pdf_file_names` names them)."""
    yield f"{stem}.pdf"
    for counter in itertools.count(2):
        yield f"{stem}-{counter}.pdf"


def cannot_link(source: Path, name: Path) -> None:
    """`os.link` on a file system without hard links (Linux FAT/exFAT: EPERM)."""
    raise PermissionError(errno.EPERM, "Operation not permitted", str(source), None, str(name))


def no_hidden_files(folder: Path) -> bool:
    return not [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("link", [os.link, cannot_link], ids=["hard-link", "no-hard-links"])
def test_a_new_file_takes_the_first_free_name_and_replaces_none(tmp_path: Path, link: Link) -> None:
    folder = tmp_path / "labels"
    assert write_new_file(folder, names(), b"%PDF-a", link=link) == folder / "label.pdf"
    (folder / "label-2.pdf").write_bytes(b"theirs")
    assert write_new_file(folder, names(), b"%PDF-b", link=link) == folder / "label-3.pdf"
    assert (folder / "label.pdf").read_bytes() == b"%PDF-a"
    assert (folder / "label-2.pdf").read_bytes() == b"theirs"
    assert (folder / "label-3.pdf").read_bytes() == b"%PDF-b"
    assert no_hidden_files(folder)


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL])
def test_any_link_failure_but_a_taken_name_falls_back_to_an_exclusive_claim(
    tmp_path: Path, code: int
) -> None:
    tried: list[str] = []

    def link(source: Path, name: Path) -> None:
        tried.append(name.name)
        raise OSError(code, os.strerror(code))

    (tmp_path / "label.pdf").write_bytes(b"theirs")
    assert write_new_file(tmp_path, names(), b"%PDF-new", link=link) == tmp_path / "label-2.pdf"
    assert tried == ["label.pdf", "label-2.pdf"]  # the first one's claim found it taken
    assert (tmp_path / "label.pdf").read_bytes() == b"theirs"
    assert (tmp_path / "label-2.pdf").read_bytes() == b"%PDF-new"
    assert no_hidden_files(tmp_path)


@pytest.mark.parametrize("link", [os.link, cannot_link], ids=["hard-link", "no-hard-links"])
def test_with_every_name_taken_nothing_is_written_and_no_temp_is_left(
    tmp_path: Path, link: Link
) -> None:
    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).write_bytes(name.encode())
    with pytest.raises(FileExistsError):
        write_new_file(tmp_path, ["a.pdf", "b.pdf"], b"%PDF", link=link)
    assert sorted(p.read_bytes() for p in tmp_path.iterdir()) == [b"a.pdf", b"b.pdf"]


@pytest.mark.parametrize("link", [os.link, cannot_link], ids=["hard-link", "no-hard-links"])
def test_a_finished_temp_file_is_published_under_a_free_name_and_is_gone(
    tmp_path: Path, link: Link
) -> None:
    (tmp_path / "label.pdf").write_bytes(b"theirs")
    temp = temp_file_for(tmp_path / "label.pdf", ".part")
    temp.write_bytes(b"%PDF-painted")
    assert publish_new_file(temp, names(), link=link) == tmp_path / "label-2.pdf"
    assert (tmp_path / "label-2.pdf").read_bytes() == b"%PDF-painted"
    assert (tmp_path / "label.pdf").read_bytes() == b"theirs"
    assert no_hidden_files(tmp_path)


def test_a_temp_file_published_to_a_chosen_name_replaces_it(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    temp = temp_file_for(target, ".part")
    temp.write_bytes(b"%PDF-new")
    publish_replacing(temp, target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
    assert target.read_bytes() == b"%PDF-new"


# -- two programs writing one folder at once ---------------------------------------------

WRITES = 150  # per program


def payload(writer: int, number: int) -> bytes:
    """What one write puts in its file: its own bytes, 32 KiB, so that writes overlap."""
    return f"%PDF-1.4\n% writer {writer} label {number}\n".encode() + b"%" * 32_768


def write_many(folder: str, writer: int, hard_links: bool, start: Event, out: Queue) -> None:
    """One program: `WRITES` labels of one name into `folder`, as soon as `start` is set;
    puts [(file name, label number)] on `out`."""
    link: Link = os.link if hard_links else cannot_link
    written = []
    start.wait(60)
    for number in range(WRITES):
        path = write_new_file(Path(folder), names(), payload(writer, number), link=link)
        written.append((path.name, number))
    out.put((writer, written))


@pytest.mark.parametrize(
    "hard_links",
    [(True, True), (False, False), (True, False)],
    ids=["both-link", "neither-links", "one-links-one-claims"],
)
def test_two_programs_writing_one_name_into_one_folder_lose_no_file(
    tmp_path: Path, hard_links: tuple[bool, bool]
) -> None:
    spawn = multiprocessing.get_context("spawn")  # real, separate programs
    start, out = spawn.Event(), spawn.Queue()
    programs = [
        spawn.Process(target=write_many, args=(str(tmp_path), writer, links, start, out))
        for writer, links in enumerate(hard_links)
    ]
    for program in programs:
        program.start()
    start.set()
    reports = dict(out.get(timeout=120) for _ in programs)
    for program in programs:
        program.join(timeout=60)
        assert program.exitcode == 0

    claimed = [name for writer in (0, 1) for name, _ in reports[writer]]
    assert len(claimed) == len(set(claimed)) == 2 * WRITES
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        itertools.islice(names(), 2 * WRITES)
    )  # every file is one of the writes: none replaced another, no temp is left
    for writer in (0, 1):
        for name, number in reports[writer]:
            assert (tmp_path / name).read_bytes() == payload(writer, number), name
