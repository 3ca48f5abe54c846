"""The project's list of Debian packages (`scripts/system-packages.txt`) and what it covers.

The list names the packages to install; their dependencies come along. A library is
covered when the package providing it is on the list or is a dependency (direct or not)
of one on it — the closure is read from dpkg's database of installed packages, so the
check answers for this machine's Debian release.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

LIST_FILE = Path("scripts") / "system-packages.txt"

_DEPENDS_FORMAT = "${Package}\\t${Status}\\t${Provides}\\t${Pre-Depends}, ${Depends}\\n"


@dataclass(frozen=True)
class ListedPackage:
    """One line of the list: the package, and whether only the tests need it."""

    name: str
    test_only: bool = False


def parse_package_list(text: str) -> list[ListedPackage]:
    """Lines of `name [test]`; `#` starts a comment; blank lines are skipped."""
    listed = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            listed.append(ListedPackage(words[0], test_only=words[1:2] == ["test"]))
    return listed


def read_package_list(path: Path) -> list[ListedPackage]:
    return parse_package_list(path.read_text(encoding="utf-8"))


def _names(field: str) -> list[list[str]]:
    """`a (>= 1) | b:any, c` -> [["a", "b"], ["c"]]: each dependency's alternatives."""
    groups = []
    for group in field.split(","):
        names = [re.split(r"[\s(:\[]", alt.strip(), maxsplit=1)[0] for alt in group.split("|")]
        names = [n for n in names if n]
        if names:
            groups.append(names)
    return groups


def parse_dpkg_depends(output: str) -> dict[str, list[list[str]]]:
    """The output of `dpkg-query -W -f=<_DEPENDS_FORMAT>` as installed package -> its
    dependency groups; a virtual package name maps to the installed packages providing it.
    """
    depends: dict[str, list[list[str]]] = {}
    provides: dict[str, list[str]] = {}
    for line in output.splitlines():
        fields = line.split("\t")
        if len(fields) < 4 or not fields[1].endswith(" installed"):
            continue
        name = fields[0]
        depends[name] = _names(fields[3])
        for provided in _names(fields[2]):
            provides.setdefault(provided[0], []).append(name)
    for virtual, providers in provides.items():
        depends.setdefault(virtual, [providers])
    return depends


def installed_depends() -> dict[str, list[list[str]]]:
    """The dependency graph of the installed packages, from `dpkg-query`."""
    output = subprocess.run(
        ["dpkg-query", "-W", f"-f={_DEPENDS_FORMAT}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return parse_dpkg_depends(output)


def closure(roots: Iterable[str], depends: Mapping[str, list[list[str]]]) -> set[str]:
    """`roots` and every installed package they depend on, directly or not.

    Of alternatives (`a | b`), every installed one is followed: either may be what
    satisfied the dependency here.
    """
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for group in depends.get(name, []):
            todo.extend(alt for alt in group if alt in depends)
    return seen


def uncovered(
    needed: Mapping[str, str], listed: Iterable[str], depends: Mapping[str, list[list[str]]]
) -> dict[str, str]:
    """Of `needed` (library -> its package), the ones whose package the list does not bring."""
    brought = closure(listed, depends)
    return {lib: package for lib, package in needed.items() if package not in brought}
