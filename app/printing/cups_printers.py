"""Which printers CUPS has, asked over IPP with `ipptool`: the list the window takes in
the background helper (`app.ui.printer_list`), never through Qt on a worker thread.

Why not `QPrinterInfo` on the background helper's thread: Qt does not say its printer
classes may be used outside the GUI thread (its thread notes cover only painting on a
`QPrinter`, doc.qt.io "Thread-Support in Qt Modules"), and on Linux they are not made
for it: the CUPS print-support plugin behind them is a lazily created global without a
lock (`QPlatformPrinterSupportPlugin::get()`, qtbase
src/printsupport/kernel/qplatformprintplugin.cpp), and when it is created it installs a
CUPS password callback that builds and `exec()`s a `QDialog` on whichever thread CUPS
asks from (qtbase src/plugins/printsupport/cups/qcupsprintersupport.cpp,
`getPasswordCB`) — widgets on a worker thread. So the window asks CUPS itself, as it
already does for a printer's state and a job's (`cups_status`; both through `ipptool`,
which runs the tool and reads its report): one `CUPS-Get-Printers` for every queue of
the scheduler (name, description, location, make and model, remote or not) and one
`CUPS-Get-Default`.

The default printer is the one `lp` would use, when CUPS has it: `$LPDEST`, else
`$PRINTER`, else the `Default` line of the user's `~/.cups/lpoptions`, else of the
system's `/etc/cups/lpoptions` (as `lpoptions -d` writes them; an instance `name/inst`
counts as its printer), else the scheduler's default. (`lpoptions` instances are not
listed as printers of their own; Qt's list has them. The window names its printer in its
settings, so only the "system default" entry of the picker could differ.)
Where there is no `ipptool` (no CUPS: Windows) `lookup_for` gives Qt's list.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from app.printing.ipptool import (
    CupsStatusError,
    Runner,
    default_server,
    find_ipptool,
    run_process,
    run_test,
)
from app.printing.printers import PrinterDescription, PrinterNames, described_printers

_ATTRIBUTES = "printer-name,printer-info,printer-location,printer-make-and-model,printer-type"

_PRINTERS_TEST = f"""{{
  OPERATION CUPS-Get-Printers
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR keyword requested-attributes {_ATTRIBUTES}
  STATUS successful-ok
  STATUS client-error-not-found
  DISPLAY printer-name
  DISPLAY printer-info
  DISPLAY printer-location
  DISPLAY printer-make-and-model
  DISPLAY printer-type
}}
"""

_DEFAULT_TEST = """{
  OPERATION CUPS-Get-Default
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR keyword requested-attributes printer-name
  STATUS successful-ok
  STATUS client-error-not-found
  DISPLAY printer-name
}
"""

#: `printer-type` bit of a printer shared by another machine (CUPS_PRINTER_REMOTE).
_REMOTE = 0x0002


class CupsPrinters:
    """Lists the printers of one CUPS scheduler; each call runs `ipptool` twice (a few
    ms, off the GUI thread). `runner` runs a command (default: `run_process`)."""

    def __init__(
        self,
        ipptool: str,
        *,
        server: str | None = None,
        timeout_s: float = 5.0,
        runner: Runner = run_process,
        environ: dict[str, str] | None = None,
        lpoptions: Sequence[Path] | None = None,
    ) -> None:
        self._ipptool = ipptool
        self._server = server or default_server()
        self._timeout_s = timeout_s
        self._run = runner
        self._environ = os.environ if environ is None else environ
        self._lpoptions = lpoptions_files(self._environ) if lpoptions is None else lpoptions

    def _ask(self, test: str) -> list[dict[str, str]]:
        uri = f"ipp://{self._server}/"
        code, status, objects, err = run_test(self._run, self._ipptool, uri, test, self._timeout_s)
        if code != 0:
            detail = (err.strip().splitlines() or [status or f"ipptool exited with {code}"])[-1]
            raise CupsStatusError(f"could not list the printers at {self._server}: {detail}")
        return [o for o in objects if o.get("printer-name")]

    def __call__(self) -> PrinterNames:
        """The printers now; raises `CupsStatusError` when CUPS cannot be asked."""
        found = self._ask(_PRINTERS_TEST)
        names = tuple(o["printer-name"] for o in found)
        default = self._default(names)
        details = tuple(_description(o, default) for o in found)
        return PrinterNames(names, default, details)

    def _default(self, names: tuple[str, ...]) -> str | None:
        for variable in ("LPDEST", "PRINTER"):
            wanted = self._environ.get(variable, "")
            if wanted and wanted != "lp" and wanted in names:
                return wanted
        for path in self._lpoptions:
            chosen = lpoptions_default(path)
            if chosen is not None and chosen in names:
                return chosen
        answer = self._ask(_DEFAULT_TEST)
        default = answer[0]["printer-name"] if answer else None
        return default if default in names else None


def lpoptions_files(environ: dict[str, str] | os._Environ[str]) -> tuple[Path, ...]:
    """The `lpoptions` files `lp` reads for its default, the user's first."""
    home = environ.get("HOME", "")
    own = (Path(home) / ".cups" / "lpoptions",) if home else ()
    return (*own, Path("/etc/cups/lpoptions"))


def lpoptions_default(path: Path) -> str | None:
    """The printer of the last `Default name[/instance] [options]` line of an `lpoptions`
    file (None: no such line, or no readable file)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = None
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0].lower() == "default":
            found = words[1].split("/", 1)[0]
    return found or None


def _description(attrs: dict[str, str], default: str | None) -> PrinterDescription:
    try:
        kind = int(attrs.get("printer-type", "0"))
    except ValueError:
        kind = 0
    return PrinterDescription(
        name=attrs["printer-name"],
        is_default=attrs["printer-name"] == default,
        description=attrs.get("printer-info", ""),
        location=attrs.get("printer-location", ""),
        make_and_model=attrs.get("printer-make-and-model", ""),
        is_remote=bool(kind & _REMOTE),
    )


def lookup_for(ipptool: str | None = None) -> Callable[[], PrinterNames]:
    """How the window lists printers off the GUI thread: over IPP where CUPS's `ipptool`
    is (`ipptool` None: looked up), else Qt's list (no CUPS, no CUPS plugin)."""
    tool = ipptool if ipptool is not None else find_ipptool()
    return CupsPrinters(tool) if tool else described_printers
