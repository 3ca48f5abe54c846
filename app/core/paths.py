"""Where the program keeps its files: configuration, data, cache and logs.

`AppPaths.default()` asks `platformdirs` for the user's folders, or — for tests and
portable installs — puts everything under one root (an argument or `WAYBILL_HOME`).
Nothing is created until `ensure()` is called.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "waybill-printer"
HOME_ENV = "WAYBILL_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The four folders the program writes to."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """Everything in subfolders of one root folder (portable install, tests)."""
        root = Path(root)
        return cls(
            config_dir=root / "config",
            data_dir=root / "data",
            cache_dir=root / "cache",
            log_dir=root / "log",
        )

    @classmethod
    def default(cls, root: Path | None = None, *, env: Mapping[str, str] | None = None) -> AppPaths:
        """`root` if given, else `$WAYBILL_HOME` if set, else the platform's user folders."""
        if root is not None:
            return cls.under(root)
        environ = os.environ if env is None else env
        home = environ.get(HOME_ENV, "").strip()
        if home:
            return cls.under(Path(home).expanduser())
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            config_dir=Path(dirs.user_config_dir),
            data_dir=Path(dirs.user_data_dir),
            cache_dir=Path(dirs.user_cache_dir),
            log_dir=Path(dirs.user_log_dir),
        )

    @property
    def settings_file(self) -> Path:
        """The JSON settings file."""
        return self.config_dir / "settings.json"

    def ensure(self) -> AppPaths:
        """Create all four folders (and parents) if missing; returns self for chaining."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self
