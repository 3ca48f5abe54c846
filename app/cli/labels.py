"""Label output for the command line: PDF files and printers as blocking `LabelSink`s.

Both go through the same `PrintService` as the window (`app.printing.print_service`), so a
label comes out of `fetch --pdf-dir`, `fetch --print` and the window at the same page
size, dpi, copies and offset — the station's settings and the label's own `@page` — and
ends with the same typed `PrintResult`. The ledger's print guard (`app.printing.ledger_guard`,
the window's too) is consulted around the sinks by `BatchRun`, so the service here lets
every label through.

Qt (a headless `QApplication` and the hardened label profile) is only started when the
first label goes out, or when a printer name has to be checked, so a plain `fetch --json`
stays a pure-Python command. Every command that renders labels (these sinks, the window,
`--self-test`) starts Chromium through the label proxy with `start_label_proxy`.

- `PdfSink` writes `<folder>/<pdf_name(waybill id)>` atomically (the queue's PDF-file
  route: temporary file, fsync, rename). A complete file therefore exists exactly when
  the label was written, which is what `BatchRun` relies on to settle a write interrupted
  by a crash. Temporary files of a killed run are removed when the sink starts.
- `PrinterSink` checks the printer with `resolve_printer` (a missing printer is a
  `LabelOutputError` before anything is sent) and prints one label at a time. With a
  `PaperWait` (the default of `--print`, off with `--no-wait`) it then follows each job
  CUPS accepted until it completed (`PRINTED`), failed or is `STUCK`
  (`app.printing.job_wait`); after a stuck label the next ones are not sent into the same
  stopped queue (`REFUSED`, "not sent") until CUPS says the printer can print again.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path
from typing import Any

from app.core.model import Waybill
from app.core.print_outcome import OutcomeKind, PrintResult
from app.core.print_policy import TARGET_PDF, TARGET_PRINTER
from app.core.settings import Settings
from app.printing.job_wait import PaperWait
from app.printing.label_proxy import LabelProxy
from app.wiring.qt_environment import add_chromium_flags, prepare_headless

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_TEMP_SUFFIXES = (".part", ".tmp")  # this version's atomic writes use ".tmp"


class LabelOutputError(Exception):
    """Labels cannot be put out at all (a folder that cannot be made, an unknown printer)."""


def pdf_name(waybill_id: str) -> str:
    """`<waybill_id>.pdf`, safe on any file system and the same for the same waybill.

    An id that had to be changed to be safe gets a short hash of the original, so two
    different waybills never share a file.
    """
    stem = _UNSAFE_NAME.sub("_", waybill_id).strip("._")[:150] or "waybill"
    if stem != waybill_id:
        stem += "-" + hashlib.sha256(waybill_id.encode("utf-8")).hexdigest()[:8]
    return f"{stem}.pdf"


def start_label_proxy() -> LabelProxy:
    """The running label proxy (`app.printing.label_proxy`), with Chromium told to send
    every connection through it: the one way the program's commands start it.

    Call before the QApplication exists (Chromium reads its flags once); stop it at exit.
    """
    proxy = LabelProxy()
    proxy.start()
    add_chromium_flags(proxy.chromium_flags())
    return proxy


class QtSession:
    """The application and label profile every sink of one command shares (started lazily),
    and the label proxy Chromium's connections go through (`app.printing.label_proxy`)."""

    def __init__(self) -> None:
        self.app: Any = None
        self.profile: Any = None
        self.proxy: LabelProxy | None = None

    @property
    def started(self) -> bool:
        return self.profile is not None

    def start(self) -> Any:
        if self.profile is None:
            prepare_headless()
            from PySide6.QtWidgets import QApplication

            from app.printing.profile import make_label_profile

            if QApplication.instance() is None:  # the flags count only before Qt starts
                self.proxy = start_label_proxy()
            self.app = QApplication.instance() or QApplication(["waybill-printer"])
            self.profile = make_label_profile(proxy=self.proxy)
        return self.profile

    def dispose(self, *objects: Any) -> None:
        """Delete pages before their profile, or QtWebEngine crashes on exit."""
        if self.app is None:
            return
        from PySide6.QtCore import QCoreApplication, QEvent

        for obj in objects:
            if obj is not None:
                obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def close(self) -> None:
        """Delete the profile (after every sink closed) and let go of the application."""
        profile, self.profile = self.profile, None
        self.dispose(profile)
        self.app = None
        if self.proxy is not None:
            self.proxy.stop()


class _ServiceSink:
    """What both sinks share: one `PrintService` on the shared Qt session, made lazily."""

    def __init__(
        self, settings: Settings, qt: QtSession | None, *, allow_unverified: bool = False
    ) -> None:
        self._settings = settings
        self._qt = qt or QtSession()
        self._service: Any = None
        self._allow_unverified = allow_unverified

    def _print(self, waybill: Waybill, copies: int, **where: Any) -> PrintResult:
        if waybill.html is None:
            return PrintResult(OutcomeKind.RENDER_FAILED, "no label")
        from app.printing.print_service import PassThroughGuard, PrintService
        from app.printing.queue import PrintQueue

        settings = self._settings.replace(copies=copies)
        if self._service is None:
            profile = self._qt.start()
            profile.apply_settings(settings)  # label scripts, allowed hosts
            self._service = PrintService(PrintQueue(profile), settings, PassThroughGuard())
        self._service.set_settings(settings)
        result: PrintResult = self._service.print_now(
            waybill, allow_unverified=self._allow_unverified, **where
        )
        return result

    def follows(self, result: PrintResult) -> bool:
        return False

    def follow(self, result: PrintResult) -> PrintResult:
        return result

    def close(self) -> None:
        service, self._service = self._service, None
        if service is not None:
            service.queue.shutdown()
            self._qt.dispose(service.queue, service)


class PdfSink(_ServiceSink):
    """Writes each label as one PDF file, as configured (see the module docstring)."""

    target = TARGET_PDF

    def __init__(
        self,
        directory: Path,
        qt: QtSession | None = None,
        settings: Settings | None = None,
        *,
        allow_unverified: bool = False,
    ) -> None:
        super().__init__(settings or Settings(), qt, allow_unverified=allow_unverified)
        self._directory = Path(directory).resolve()

    @property
    def name(self) -> str:
        return str(self._directory)

    @property
    def directory(self) -> Path:
        return self._directory

    def prepare(self) -> None:
        """Create the folder and remove temporary files a killed run left behind."""
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LabelOutputError(f"cannot create {self._directory}: {exc.strerror}") from exc
        for suffix in _TEMP_SUFFIXES:
            for stale in self._directory.glob(f".*.pdf*{suffix}"):
                with contextlib.suppress(OSError):
                    stale.unlink()

    def path_for(self, waybill: Waybill) -> Path:
        return self._directory / pdf_name(waybill.waybill_id or waybill.ref.order_id)

    def finished_file(self, waybill: Waybill) -> str | None:
        path = self.path_for(waybill)
        return str(path) if path.is_file() else None

    def output(self, waybill: Waybill, *, copies: int = 1) -> PrintResult:
        return self._print(waybill, copies, pdf_path=self.path_for(waybill))


class PrinterSink(_ServiceSink):
    """Prints each label on one checked printer, as configured."""

    target = TARGET_PRINTER

    def __init__(
        self,
        printer: str,
        *,
        settings: Settings | None = None,
        qt: QtSession | None = None,
        allow_unverified: bool = False,
        wait: PaperWait | None = None,
    ) -> None:
        super().__init__(settings or Settings(), qt, allow_unverified=allow_unverified)
        self._printer = printer
        self._wait = wait

    @property
    def name(self) -> str:
        return self._printer

    def prepare(self) -> None:
        """Check that the printer exists; raises `LabelOutputError` (listing those that do)."""
        self._qt.start()
        from app.printing.printers import PrinterNotFound, resolve_printer

        try:
            resolve_printer(self._printer)
        except PrinterNotFound as exc:
            raise LabelOutputError(str(exc)) from exc

    def finished_file(self, waybill: Waybill) -> str | None:
        return None

    def output(self, waybill: Waybill, *, copies: int = 1) -> PrintResult:
        if self._wait is not None and (why := self._wait.blocked(self._printer)):
            return PrintResult(OutcomeKind.REFUSED, f"not sent: {why}")
        return self._print(waybill, copies, printer=self._printer)

    def follows(self, result: PrintResult) -> bool:
        return (
            self._wait is not None
            and result.kind is OutcomeKind.SPOOLED
            and result.cups_job is not None
        )

    def follow(self, result: PrintResult) -> PrintResult:
        return result if self._wait is None else self._wait.wait(result, self._printer)
