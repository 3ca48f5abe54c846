"""The printers Qt can see, and turning a printer name into a validated `QPrinterInfo`.

`QPrinter.setPrinterName("missing")` silently falls back to the default printer, so every
print goes through `resolve_printer`, which refuses a name that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtPrintSupport import QPrinterInfo


class PrinterNotFound(LookupError):
    """The named printer does not exist (the message lists the ones that do)."""

    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = available
        listing = ", ".join(available) if available else "none"
        super().__init__(f"printer {name!r} not found; available printers: {listing}")


@dataclass(frozen=True)
class PrinterDescription:
    """What the settings dialog and the CLI show about one printer."""

    name: str
    is_default: bool
    description: str
    location: str
    make_and_model: str
    is_remote: bool


def list_printers() -> list[PrinterDescription]:
    """Every printer the system offers now (asks again each call)."""
    return [
        PrinterDescription(
            name=info.printerName(),
            is_default=info.isDefault(),
            description=info.description(),
            location=info.location(),
            make_and_model=info.makeAndModel(),
            is_remote=info.isRemote(),
        )
        for info in QPrinterInfo.availablePrinters()
    ]


def default_printer_name() -> str | None:
    """The system's default printer, or None if there is none."""
    name = QPrinterInfo.defaultPrinterName()
    return name or None


@dataclass(frozen=True)
class PrinterNames:
    """The printers there are and the system's default one, as seen at one moment."""

    names: tuple[str, ...]
    default: str | None
    details: tuple[PrinterDescription, ...] = field(default=())
    """What the picker shows of each (empty when only the names were asked for)."""

    def described(self) -> list[PrinterDescription]:
        """Each printer's description: `details`, else one made of its name."""
        if self.details:
            return list(self.details)
        return [
            PrinterDescription(name, name == self.default, "", "", "", False) for name in self.names
        ]


def printer_names() -> PrinterNames:
    """Ask the print system now which printers exist (talks to CUPS: never call it on the
    GUI thread of the window)."""
    return PrinterNames(tuple(QPrinterInfo.availablePrinterNames()), default_printer_name())


def described_printers() -> PrinterNames:
    """`printer_names` with each printer's description (slower: every printer is asked)."""
    described = list_printers()
    default = next((p.name for p in described if p.is_default), None)
    return PrinterNames(tuple(p.name for p in described), default, tuple(described))


def resolve_printer(name: str) -> QPrinterInfo:
    """The printer called exactly `name`; raises `PrinterNotFound` otherwise."""
    if name:
        info = QPrinterInfo.printerInfo(name)
        if not info.isNull() and info.printerName() == name:
            return info
    raise PrinterNotFound(name, QPrinterInfo.availablePrinterNames())
