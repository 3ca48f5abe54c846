"""Benchmark `proxy`: what the label proxy (`app.printing.label_proxy`) costs a label.

Chromium's proxy flags are process-wide and fixed when Qt starts, so each side runs in a
process of its own (`--child proxy|direct`), alternately, twice each, on the same labels:
sandbox labels, each also loading a small image (a distinct URL per label, so nothing
comes from the cache) from an allowed loopback host this benchmark serves — so every
label makes a connection that, with the proxy, goes through it. Both sides render with
the program's caged profile and `LabelRenderer` and verify nothing; each reports its wall
time and the CPU of its whole process tree (the proxy's threads included).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.benchmarks.common import REPO, Row, emit_rows, isolated_env, times, tree_cpu_seconds

WARM = 3
ROUNDS = 2
#: A 1 × 1 grey PNG: the image every label loads.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c6360000000020001e221bc330000000049454e44ae426082"
)


class _Image(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, format: str, *args: object) -> None:
        return


def with_image(html: str, port: int, index: int) -> str:
    img = f'<img src="http://127.0.0.1:{port}/logo/{index}.png" style="width:5mm">'
    end = html.lower().rfind("</body>")
    return html + img if end < 0 else html[:end] + img + html[end:]


def child(mode: str, labels_file: Path, port: int) -> None:
    """Render the labels of `labels_file` with (`mode` "proxy") or without the proxy."""
    from PySide6.QtWidgets import QApplication

    from app.core.label_hosts import AllowList
    from app.core.model import PageSizeMm
    from app.printing.label_proxy import LabelProxy
    from app.printing.profile import make_label_profile
    from app.printing.render import LabelRenderer
    from app.wiring.qt_environment import add_chromium_flags

    proxy = None
    if mode == "proxy":
        proxy = LabelProxy()
        proxy.start()
        add_chromium_flags(proxy.chromium_flags())
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    allow = AllowList.from_text(f"http://127.0.0.1:{port}")
    profile = make_label_profile(allow=allow, proxy=proxy)
    renderer = LabelRenderer(profile)

    def render(label: dict[str, object]) -> None:
        size = label["size"]
        page = PageSizeMm(*size) if isinstance(size, list) else None
        result = renderer.render_blocking(str(label["html"]), page)
        if result.pdf is None or result.blocked_hosts:
            raise RuntimeError(f"{mode}: {result.error} {result.blocked_hosts}")

    for label in labels[:WARM]:
        render(label)
    cpu0, t0 = tree_cpu_seconds(os.getpid()), time.perf_counter()
    for label in labels[WARM:]:
        render(label)
    wall, cpu = time.perf_counter() - t0, tree_cpu_seconds(os.getpid()) - cpu0
    print(json.dumps({"wall": wall, "cpu": cpu}), flush=True)
    renderer.deleteLater()
    if proxy is not None:
        proxy.stop()


def run(quick: bool) -> list[Row]:
    from tests.benchmarks.labels import sandbox_waybills

    n = 10 if quick else 200
    waybills = sandbox_waybills(n + WARM, prefix="PRX")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Image)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    totals = {"proxy": [0.0, 0.0], "direct": [0.0, 0.0]}
    with tempfile.TemporaryDirectory(prefix="bench-proxy-") as tmp:
        for round_ in range(ROUNDS):
            for mode in ("direct", "proxy"):
                labels = [
                    {
                        "html": with_image(w.html or "", port, i + 1000 * round_),
                        "size": [w.page_size.width, w.page_size.height] if w.page_size else None,
                    }
                    for i, w in enumerate(waybills)
                ]
                path = Path(tmp) / f"{mode}-{round_}.json"
                path.write_text(json.dumps(labels), encoding="utf-8")
                proc = subprocess.run(
                    [
                        *(sys.executable, "-m", "tests.benchmarks.bench_proxy"),
                        *("--child", mode, "--labels", str(path), "--port", str(port)),
                    ],
                    cwd=REPO,
                    env=isolated_env(),
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=600,
                )
                lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
                if proc.returncode != 0 or not lines:
                    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                    raise RuntimeError(f"the {mode} side failed: {tail}")
                measured = json.loads(lines[-1])
                totals[mode][0] += measured["wall"]
                totals[mode][1] += measured["cpu"]
    server.shutdown()
    count = n * ROUNDS
    rate = {mode: count / wall for mode, (wall, _cpu) in totals.items()}
    cpu = {mode: c / count * 1000 for mode, (_wall, c) in totals.items()}
    return [
        Row(
            f"render {n} labels through the label proxy",
            f"{rate['proxy']:.1f} labels/s",
            f"without the proxy: {rate['direct']:.1f}/s",
            times(rate["proxy"] / rate["direct"]),
            "—",
            None,
            f"each label also loads an image from an allowed loopback host (one connection "
            f"a label, through the proxy or straight); {ROUNDS} rounds each, alternately, "
            f"each side in its own process; CPU per label (process tree, proxy threads "
            f"included): {cpu['proxy']:.1f} ms with the proxy, {cpu['direct']:.1f} ms "
            f"without ({cpu['proxy'] - cpu['direct']:+.1f} ms)",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", choices=("proxy", "direct"))
    parser.add_argument("--labels", type=Path)
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.labels, args.port)
        return
    emit_rows(run(args.quick))


if __name__ == "__main__":
    main()
