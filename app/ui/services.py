"""What the main window is built from: its collaborators, handed in by the caller.

`WindowServices` keeps the window free of construction logic: the settings, how to build
the waybill source (lazily, on the first fetch, off the GUI thread), the background
runner, the hardened label profile, the print queue, the carriers for the picker, and
the demo switches. Tests build one from real local parts (a loopback sandbox, a PDF
folder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QWidget

from app.core.carrier_cache import CarrierCache
from app.core.engine import WaybillSource
from app.core.model import Waybill
from app.core.settings import Settings
from app.printing.cups_printers import lookup_for
from app.printing.cups_status import CupsStatus
from app.printing.guard import PrintGuard
from app.printing.printers import PrinterNames
from app.printing.queue import PrintQueue
from app.ui.background import BackgroundRunner
from app.ui.feedback import SoundPlayer
from app.ui.source_request import RequestSource

#: Carriers offered when the API's list (getAllDelivery) is not at hand.
DEFAULT_CARRIERS: list[tuple[str, str]] = [
    ("SF", "顺丰速运"),
    ("ZTO", "中通快递"),
    ("YTO", "圆通速递"),
    ("STO", "申通快递"),
    ("YUNDA", "韵达快递"),
    ("JTSD", "极兔速递"),
    ("EMS", "中国邮政速递物流"),
    ("JD", "京东物流"),
    ("DB", "德邦快递"),
    ("TEST", "测试快递公司"),
]

SettingsEditor = Callable[[QWidget, Settings], "Settings | None"]
"""Opens the settings dialog over the window; returns the new settings or None."""


@dataclass
class WindowServices:
    """Everything `MainWindow` needs from outside."""

    settings: Settings
    make_source: Callable[[], WaybillSource]
    runner: BackgroundRunner
    label_profile: QWebEngineProfile
    print_queue: PrintQueue
    carriers: list[tuple[str, str]] = field(default_factory=lambda: list(DEFAULT_CARRIERS))
    demo: bool = False
    sample_orders: list[str] = field(default_factory=list)
    pdf_dir: Path | None = None
    """When set, labels are written as PDF files here instead of going to a printer."""
    language: str = "en"
    """Language of the hints that come with errors ("en" or "zh…")."""
    edit_settings: SettingsEditor | None = None
    """Opens the settings dialog; None hides the Settings command."""
    request_source: RequestSource | None = None
    """Builds the fetch's source off the GUI thread (the credentials flow reads the
    keyring in its lane); None: `make_source` run on the background helper."""
    sound_player: SoundPlayer | None = None
    """Plays the ok/error sounds; None: the system beep."""
    carrier_cache: CarrierCache | None = None
    """The carrier list on disk, refreshed daily; None: `carriers` as given."""
    window_state_file: Path | None = None
    """Where window size, splitters and columns are remembered; None: not remembered."""
    save_settings: Callable[[Settings], None] | None = None
    """Remembers settings changed in the window (printer picker, print on scan), as the
    Settings dialog does; None: such changes last until the window closes."""
    print_guard: PrintGuard | None = None
    """Consulted before and told after every print; None: a `SessionPrintGuard`."""
    scan_clock: Callable[[], float] | None = None
    """The clock telling a scanner's burst of keys from typing; None: `time.monotonic`."""
    printer_status: CupsStatus | None = None
    """Reads the printer's state from CUPS for the window; None: the state is not shown."""
    printer_poll_ms: int = 1000
    """How often the printer's state is read (off the GUI thread)."""
    printer_lookup: Callable[[], PrinterNames] = field(default_factory=lookup_for)
    """Lists the printers; the window calls it only in the background helper (default:
    CUPS asked over IPP, `app.printing.cups_printers`)."""
    ask: Callable[[str, str], bool] | None = None
    """Asks the packer yes/no (title, question), e.g. before printing a label again;
    None: a message box."""
    confirm_unverified: Callable[[Waybill, str], bool] | None = None
    """Shows an unverified label and why, True for "Print anyway"; None: the dialog
    (`app.ui.unverified_dialog`)."""
