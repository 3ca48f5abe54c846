"""Tests for app.core.paths."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from app.core.paths import APP_NAME, HOME_ENV, AppPaths


def test_root_puts_every_folder_under_it(tmp_path: Path) -> None:
    paths = AppPaths.default(tmp_path)
    assert paths == AppPaths(
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        log_dir=tmp_path / "log",
    )
    assert paths.settings_file == tmp_path / "config" / "settings.json"


def test_nothing_is_created_until_ensure(tmp_path: Path) -> None:
    paths = AppPaths.default(tmp_path / "home")
    assert not (tmp_path / "home").exists()
    assert paths.ensure() is paths
    for folder in (paths.config_dir, paths.data_dir, paths.cache_dir, paths.log_dir):
        assert folder.is_dir()
    paths.ensure()  # idempotent


def test_env_var_overrides_platform_dirs(tmp_path: Path) -> None:
    paths = AppPaths.default(env={HOME_ENV: str(tmp_path)})
    assert paths.log_dir == tmp_path / "log"


def test_env_var_from_process_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    assert AppPaths.default().data_dir == tmp_path / "data"


def test_explicit_root_beats_env_var(tmp_path: Path) -> None:
    paths = AppPaths.default(tmp_path / "a", env={HOME_ENV: str(tmp_path / "b")})
    assert paths.cache_dir == tmp_path / "a" / "cache"


def test_platform_dirs_use_the_app_name() -> None:
    paths = AppPaths.default(env={HOME_ENV: "  "})
    for folder in (paths.config_dir, paths.data_dir, paths.cache_dir):
        assert APP_NAME in folder.parts
    # tests/conftest.py points the XDG folders at a temp dir; platformdirs must honour it.
    assert paths.config_dir == Path(os.environ["XDG_CONFIG_HOME"]) / APP_NAME
    assert paths.cache_dir == Path(os.environ["XDG_CACHE_HOME"]) / APP_NAME


def test_paths_are_frozen(tmp_path: Path) -> None:
    paths = AppPaths.default(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        paths.config_dir = tmp_path  # type: ignore[misc]
