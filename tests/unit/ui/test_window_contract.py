"""The window's helpers depend on the narrow protocol they use, not on `MainWindow`.

Only `app.ui.app_main` (which builds the window) imports `app.ui.main_window`; a helper
typed against `MainWindow` — even under `TYPE_CHECKING` — would import it back and close
a circle. And no modules of the window (`app.ui`) import each other in a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[3] / "app"


def _imports() -> dict[str, set[str]]:
    """Module → the `app` modules it imports (`TYPE_CHECKING` imports included)."""
    modules: dict[str, set[str]] = {}
    for path in APP.rglob("*.py"):
        name = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("app"))
        modules[name] = found
    return {name: {d for d in deps if d in modules and d != name} for name, deps in modules.items()}


def test_only_the_application_start_imports_the_main_window() -> None:
    importers = {name for name, deps in _imports().items() if "app.ui.main_window" in deps}
    assert importers == {"app.ui.app_main"}


def test_the_window_helpers_import_no_circle() -> None:
    graph = _imports()
    circles: list[list[str]] = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for dep in sorted(graph[node]):
            if dep == start:
                circles.append(path)
            elif dep > start and dep not in path:
                walk(start, dep, [*path, dep])

    for name in sorted(n for n in graph if n.startswith("app.ui")):
        walk(name, name, [name])
    assert circles == []
