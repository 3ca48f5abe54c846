"""The package list's format, dpkg's dependency graph, and the install script reading the
same list."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from app.system.debian_packages import (
    ListedPackage,
    closure,
    parse_dpkg_depends,
    parse_package_list,
    read_package_list,
    uncovered,
)

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "install-system-deps.sh"


def test_list_lines_comments_and_test_only_packages() -> None:
    text = "# heading\n\nxvfb\nlibpulse0   # sounds\ncups test  # the print tests\n"
    assert parse_package_list(text) == [
        ListedPackage("xvfb"),
        ListedPackage("libpulse0"),
        ListedPackage("cups", test_only=True),
    ]


def test_the_committed_list_has_the_libraries_that_were_missing() -> None:
    listed = {p.name: p for p in read_package_list(REPO / "scripts" / "system-packages.txt")}
    assert not listed["libpulse0"].test_only
    assert not listed["libxcb-cursor0"].test_only
    assert listed["printer-driver-cups-pdf"].test_only


DPKG = (
    "app\tinstall ok installed\t\tlibc6 (>= 2.34), libx (>= 1) | liby, mail-transport-agent\n"
    "libx\tinstall ok installed\t\t, libz:any\n"
    "libz\tinstall ok installed\t\t, \n"
    "liby\tdeinstall ok config-files\t\t, libgone\n"
    "libc6\tinstall ok installed\t\t, \n"
    "exim\tinstall ok installed\tmail-transport-agent\t, \n"
    "lonely\tinstall ok installed\t\t, \n"
)


def test_dependency_closure_follows_alternatives_versions_arch_and_virtuals() -> None:
    depends = parse_dpkg_depends(DPKG)
    assert "liby" not in depends  # not installed
    assert closure(["app"], depends) == {
        "app",
        "libc6",
        "libx",
        "libz",
        "mail-transport-agent",
        "exim",
    }
    assert uncovered({"libz.so": "libz", "lonely.so": "lonely"}, ["app"], depends) == {
        "lonely.so": "lonely"
    }


def _script(listing: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    packages = tmp_path / "packages.txt"
    packages.write_text(listing, encoding="utf-8")
    env = dict(os.environ, WAYBILL_SYSTEM_PACKAGES=str(packages))
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_install_script_names_the_missing_run_packages_in_one_line(tmp_path: Path) -> None:
    done = _script(
        "libc6\nno-such-package-x1 # why\nno-such-package-t2 test\n", tmp_path, "--print", "--run"
    )
    assert done.returncode == 1
    assert done.stdout == (
        "Missing Debian packages; install them with: "
        "sudo apt-get install --no-install-recommends no-such-package-x1\n"
    )
    everything = _script("no-such-package-x1\nno-such-package-t2 test\n", tmp_path, "--print")
    assert "no-such-package-x1 no-such-package-t2" in everything.stdout


def test_the_install_script_is_silent_when_all_is_installed(tmp_path: Path) -> None:
    done = _script("# only what every Debian has\nlibc6\nbash test\n", tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_without_root_or_sudo_the_script_prints_the_one_line_to_run() -> None:
    """As an ordinary user on a machine without sudo: nothing installed, one line, status 1."""
    with tempfile.TemporaryDirectory(prefix="waybill-nosudo-") as folder:
        tmp_path = Path(folder)
        tmp_path.chmod(0o755)  # the ordinary user reads the list and the tools here
        _run_without_sudo(tmp_path)


def _run_without_sudo(tmp_path: Path) -> None:
    tools = tmp_path / "bin"  # a PATH with what the script uses, and no sudo
    tools.mkdir()
    for tool in ("bash", "dpkg-query", "grep", "sed", "id", "dirname"):
        found = shutil.which(tool)
        assert found, tool
        (tools / tool).symlink_to(found)
    packages = tmp_path / "packages.txt"
    packages.write_text("libc6\nno-such-package-x1\nno-such-package-t2 test\n", "utf-8")
    as_user = [
        shutil.which("setpriv") or "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ]
    done = subprocess.run(
        [*(as_user if os.geteuid() == 0 else []), str(tools / "bash"), str(SCRIPT), "--run"],
        env={"PATH": str(tools), "WAYBILL_SYSTEM_PACKAGES": str(packages)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "Missing Debian packages and no sudo; as root run: "
        "apt-get install --no-install-recommends no-such-package-x1\n"
    )
