"""CUPS's own IPP client, `ipptool`, run as a short process: finding it, running one
test against a printer or job URI and reading its report.

`cups_status` (a printer's and a job's state, cancelling a job) and `cups_printers`
(which printers CUPS has) write their IPP requests as `ipptool` test files and ask
through `run_test`; `parse_report` turns `ipptool -t`'s report into one dict of
attributes per object. Anything that keeps CUPS from answering is a `CupsStatusError`.

Why `ipptool` (CUPS's own IPP client, Debian's cups-ipp-utils): it speaks the same IPP
the scheduler does, so states are the exact IPP keywords whatever the locale (`lpstat`
prints translated sentences and cannot tell a cancelled job from an aborted or completed
one), and it needs nothing built (pycups has no wheel: it needs libcups2-dev and a C
compiler wherever the program is installed or bundled). The program already spools with
the system's `lp`, so CUPS's command-line tools are there wherever this route is used.
Each call runs one short `ipptool` process (a few ms): call it off the GUI thread.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence

_ATTR_RE = re.compile(r"^\s+([a-z][a-z0-9-]*) \(([^)]*)\) = ?(.*)$")
_STATUS_RE = re.compile(r"^\s+status-code = (\S+)")


class CupsStatusError(RuntimeError):
    """CUPS could not be asked (no `ipptool`, scheduler not answering, garbled reply)."""


def find_ipptool() -> str | None:
    """The `ipptool` command if this system has CUPS's IPP tools (never on Windows)."""
    if sys.platform == "win32":
        return None
    return shutil.which("ipptool")


def default_server() -> str:
    """The CUPS host:port to ask: $CUPS_SERVER when it names a host, else localhost."""
    server = os.environ.get("CUPS_SERVER", "")
    if server and not server.startswith("/"):
        return server
    return "localhost"


Runner = Callable[[Sequence[str], str, float], "tuple[int, str, str]"]


def run_process(args: Sequence[str], stdin: str, timeout_s: float) -> tuple[int, str, str]:
    """Run `args` with `stdin`; (exit status, stdout, stderr). Timeout -> CupsStatusError."""
    try:
        done = subprocess.run(
            list(args),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    except subprocess.TimeoutExpired as exc:
        raise CupsStatusError(f"CUPS did not answer within {timeout_s:g} s") from exc
    except OSError as exc:
        raise CupsStatusError(f"could not run {args[0]}: {exc}") from exc
    return done.returncode, done.stdout, done.stderr


def parse_report(stdout: str) -> tuple[str | None, list[dict[str, str]]]:
    """An `ipptool -t` report: (status code if the test failed, one dict per object).

    A new object starts each time an attribute already seen comes again (`Get-Jobs`
    lists its jobs one after another, each starting with its `job-id`).
    """
    status: str | None = None
    objects: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in stdout.splitlines():
        match = _STATUS_RE.match(line)
        if match:
            status = match.group(1)
            continue
        match = _ATTR_RE.match(line)
        if not match:
            continue
        name, value = match.group(1), match.group(3).rstrip()
        if name in current:
            objects.append(current)
            current = {}
        current[name] = value
    if current:
        objects.append(current)
    return status, objects


def run_test(
    run: Runner, ipptool: str, uri: str, test: str, timeout_s: float
) -> tuple[int, str | None, list[dict[str, str]], str]:
    """One `ipptool` test to `uri`: (exit status, failed status or None, objects, stderr)."""
    args = [ipptool, "-t", "-T", f"{timeout_s:g}", uri, "/dev/stdin"]
    code, out, err = run(args, test, timeout_s + 2)
    status, objects = parse_report(out)
    return code, status, objects, err
