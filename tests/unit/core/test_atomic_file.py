"""write_atomically: the target holds the old or the whole new content, never a part."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.atomic_file import write_atomically


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
