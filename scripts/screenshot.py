"""Screenshot of the demo window: sample orders fetched, a ready label in the preview.

Run under a virtual X server (the offscreen platform renders no window frame but works too):

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshot.py \
        [--language zh_CN|en] [--out docs/screenshot-<language>.png]

Everything runs against the built-in sandbox in a temporary home folder; nothing is sent
to WeChat and no settings are touched. `--language` sets the program's language setting
(the window's texts, Qt's dialogs and the hints); the translations are built first
(scripts/build-translations.sh). Without `--out` the picture is written to
docs/screenshot-<language>.png (docs/screenshot-demo.png for the system language).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")


def wait_until(app: object, condition: object, timeout: float, what: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshot: timed out waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def settle(seconds: float) -> None:
    """Keep the event loop running for a while (Chromium paints asynchronously)."""
    end = time.monotonic() + seconds
    wait_until(None, lambda: time.monotonic() > end, seconds + 5, "the paint")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="")
    parser.add_argument("--language", default="", help='"en", "zh_CN" or "" (system)')
    parser.add_argument("--width", type=int, default=1360)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="waybill-screenshot-"))
    import subprocess

    from app.core.paths import AppPaths
    from app.core.settings import Settings
    from app.ui.app_main import install_language, setup_application, window_session
    from app.ui.queue_model import RowState

    venv = Path(sys.executable).parent.parent
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-translations.sh")],
        check=True,
        env={**os.environ, "VENV": str(venv)},
    )
    app = setup_application([sys.argv[0]])
    paths = AppPaths.under(home).ensure()
    settings = Settings(language=args.language)
    install_language(app, settings)
    name = f"screenshot-{args.language}.png" if args.language else "screenshot-demo.png"
    out = Path(args.out) if args.out else ROOT / "docs" / name
    with window_session(paths, settings, demo=True) as window:
        window.resize(args.width, args.height)
        window.show()
        window.activateWindow()
        window.load_samples()
        window.fetch()
        wait_until(app, lambda: not window.fetcher.running, 30, "the fetch")
        model = window.model
        ready = [i for i, row in enumerate(model.rows()) if row.state is RowState.READY]
        if not ready:
            raise SystemExit("screenshot: no ready row after the fetch")
        loaded: list[bool] = []
        window.preview.labelLoaded.connect(loaded.append)
        window.table.selectRow(ready[0])
        wait_until(app, lambda: bool(loaded), 30, "the label")
        # Let Chromium paint the loaded page into the widget.
        settle(1.5)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out)):
            raise SystemExit(f"screenshot: could not write {out}")
        print(f"screenshot: wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
