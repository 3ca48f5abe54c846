"""The shared-library check: every library of the Qt parts resolves here, each is brought
by the project's package list, and a hidden library is named with its Debian package."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.system import debian_packages
from app.system.shared_libraries import (
    PARTS,
    SONAME_PACKAGES,
    Part,
    Resolution,
    parse_ldd,
    pyside_dir,
    resolve,
    run_ldd,
)

REPO = Path(__file__).resolve().parents[3]
PACKAGE_LIST = REPO / debian_packages.LIST_FILE


@pytest.fixture(scope="module")
def resolution() -> Resolution:
    return resolve()


@pytest.fixture(scope="module")
def depends() -> dict[str, list[list[str]]]:
    return debian_packages.installed_depends()


def run_packages(drop: str = "") -> list[str]:
    listed = debian_packages.read_package_list(PACKAGE_LIST)
    return [p.name for p in listed if not p.test_only and p.name != drop]


def hiding(*sonames: str):  # type: ignore[no-untyped-def]
    """A real `ldd` whose output says "not found" for `sonames`, as on a machine without them."""

    def ldd(files: Sequence[Path]) -> str:
        output = run_ldd(files)
        for soname in sonames:
            output = re.sub(
                rf"^(\s+{re.escape(soname)}) => .*$", r"\1 => not found", output, flags=re.M
            )
        return output

    return ldd


def test_every_library_of_every_qt_part_resolves_here(resolution: Resolution) -> None:
    assert resolution.ok, "\n".join(resolution.problems())
    assert sorted(resolution.checked) == sorted(part.name for part in PARTS)
    assert "libxcb-cursor.so.0" in resolution.resolved  # xcb platform plugin
    assert "libpulse.so.0" in resolution.resolved  # QtMultimedia
    assert "libnss3.so" in resolution.resolved  # QtWebEngine


def test_the_package_list_brings_every_library(
    resolution: Resolution, depends: dict[str, list[list[str]]]
) -> None:
    needed = {soname: SONAME_PACKAGES.get(soname, "?") for soname in resolution.resolved}
    unknown = sorted(s for s, p in needed.items() if p == "?")
    assert not unknown, f"add these to SONAME_PACKAGES: {unknown}"
    missing = debian_packages.uncovered(needed, run_packages(), depends)
    assert not missing, (
        f"{PACKAGE_LIST.name} brings neither these packages nor a package depending on them: "
        + ", ".join(f"{lib} ({pkg})" for lib, pkg in sorted(missing.items()))
    )


@pytest.mark.parametrize(
    ("package", "library"),
    [
        ("libpulse0", "libpulse.so.0"),
        ("libxcb-cursor0", "libxcb-cursor.so.0"),
        ("libnss3", "libnss3.so"),
        ("libglib2.0-0", "libglib-2.0.so.0"),
    ],
)
def test_taking_a_package_off_the_list_is_caught(
    resolution: Resolution, depends: dict[str, list[list[str]]], package: str, library: str
) -> None:
    needed = {soname: SONAME_PACKAGES[soname] for soname in resolution.resolved}
    missing = debian_packages.uncovered(needed, run_packages(drop=package), depends)
    assert missing.get(library) == package


def test_the_table_names_the_package_dpkg_says_owns_each_library(
    resolution: Resolution,
) -> None:
    wrong = {}
    for soname, path in resolution.resolved.items():
        real = os.path.realpath(path)
        # Merged /usr: dpkg may know the file under /lib while ldd finds it in /usr/lib.
        candidates = [real, path, real.removeprefix("/usr")]
        owner = subprocess.run(
            ["dpkg", "-S", *dict.fromkeys(candidates)], capture_output=True, text=True
        ).stdout.split(":", 1)[0]
        if owner != SONAME_PACKAGES.get(soname):
            wrong[soname] = (SONAME_PACKAGES.get(soname), owner)
    assert not wrong, f"soname: (table, dpkg -S): {wrong}"


def test_a_hidden_library_is_named_with_its_package_and_who_needs_it() -> None:
    result = resolve(ldd=hiding("libxcb-cursor.so.0", "libpulse.so.0"))
    assert not result.ok
    assert "xcb platform plugin" in result.missing["libxcb-cursor.so.0"]
    assert "QtWebEngineCore" not in result.missing["libxcb-cursor.so.0"]
    assert "QtMultimedia" in result.missing["libpulse.so.0"]
    assert "multimedia plugin (FFmpeg)" in result.missing["libpulse.so.0"]
    assert result.packages() == ["libpulse0", "libxcb-cursor0"]
    summary = result.summary()
    assert "libxcb-cursor.so.0 (Debian package libxcb-cursor0) needed by xcb platform plugin" in (
        summary
    )
    assert summary.endswith(
        "install with: sudo apt-get install --no-install-recommends libpulse0 libxcb-cursor0"
    )


def test_a_part_that_is_not_installed_fails_the_check() -> None:
    root = pyside_dir()
    assert root is not None
    result = resolve([PARTS[0], Part("gone", "Qt/plugins/platforms/libqgone.so")], root=root)
    assert not result.ok
    assert result.checked == [PARTS[0].name]
    assert result.absent == [f"gone ({root / 'Qt/plugins/platforms/libqgone.so'})"]
    assert "gone" in result.summary()


def test_an_unknown_library_says_how_to_find_its_package() -> None:
    result = Resolution(checked=["x"], missing={"libfoo.so.9": ["x"]})
    assert "apt-file search libfoo.so.9" in result.summary()


def test_ldd_output_of_one_file_and_of_several() -> None:
    one = Path("/a/libone.so")
    single = (
        "\tlinux-vdso.so.1 (0x00007ffd)\n"
        "\tlibfoo.so.1 => /usr/lib/libfoo.so.1 (0x00007f00)\n"
        "\tlibbar.so.2 => not found\n"
        "\t/lib64/ld-linux-x86-64.so.2 (0x00007f01)\n"
    )
    assert parse_ldd(single, [one]) == {
        one: {"libfoo.so.1": "/usr/lib/libfoo.so.1", "libbar.so.2": None}
    }
    two = Path("/b/libtwo.so")
    several = (
        f"{one}:\n\tlibfoo.so.1 => /usr/lib/libfoo.so.1 (0x1)\n{two}:\n\tlibbaz.so => not found\n"
    )
    assert parse_ldd(several, [one, two]) == {
        one: {"libfoo.so.1": "/usr/lib/libfoo.so.1"},
        two: {"libbaz.so": None},
    }
