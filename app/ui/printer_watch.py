"""The chosen printer's state in the window, refreshed off the GUI thread.

`PrinterWatch` asks CUPS (`CupsStatus.printer`, one `ipptool` call) every `interval_ms`
through the window's one `BackgroundRunner`, at most one question at a time, and emits
`changed(status)` whenever the answer differs from the last one. Where there is nothing
to ask (no CUPS tools, labels going to a PDF folder) it stays silent and `ready` is true.

`PrinterStateLabel` is the line beside the printer in the window: the printer's name and
state, and when it is not ready, the reason and the fix in the packer's words
(`problem_text`), e.g. "out of labels — load labels, then Resume".
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.printing.cups_status import CupsStatus, PrinterStatus
from app.ui.background import BackgroundRunner

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 1000

READY_STYLE = "QLabel { color: #1b5e20; }"
PROBLEM_STYLE = "QLabel { color: white; background: #c62828; padding: 2px 6px; }"


class PrinterWatch(QObject):
    """Polls one printer's state; see the module docstring."""

    changed = Signal(object)
    """The printer's `PrinterStatus` changed (emitted on the GUI thread)."""

    def __init__(
        self,
        runner: BackgroundRunner,
        status: CupsStatus | None,
        printer_name: Callable[[], str | None],
        parent: QObject | None = None,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._status = status
        self._printer_name = printer_name
        self._asking = False
        self._last: PrinterStatus | None = None
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.refresh)

    @property
    def active(self) -> bool:
        return self._status is not None

    @property
    def status(self) -> PrinterStatus | None:
        """The last answer (None before the first, or when nothing is watched)."""
        return self._last

    @property
    def ready(self) -> bool:
        """False only when CUPS said the watched printer cannot print now."""
        return self._last is None or self._last.ready

    def start(self) -> None:
        if self._status is not None:
            self._timer.start()
            self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        """Ask CUPS now (unless a question is already out)."""
        if self._status is None or self._asking:
            return
        name = self._printer_name()
        if not name:
            if self._last is not None:
                self._last = None
                self.changed.emit(None)
            return
        self._asking = True
        self._runner.run(
            self._status.printer, name, on_done=self._on_answer, on_error=self._on_error
        )

    def _on_answer(self, status: PrinterStatus) -> None:
        self._asking = False
        if status.name != self._printer_name():
            return  # the packer chose another printer meanwhile: ask again next tick
        if status != self._last:
            self._last = status
            self.changed.emit(status)

    def _on_error(self, exc: BaseException) -> None:
        self._asking = False
        log.warning("could not read the printer's state: %s", exc)


class PrinterStateLabel(QLabel):
    """The printer's name and state beside the print buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printerState")
        self.hide()

    def show_status(self, status: PrinterStatus | None) -> None:
        if status is None:
            self.hide()
            return
        if status.ready:
            state = self.tr("printing") if status.state.value == "processing" else self.tr("ready")
            self.setText(self.tr("Printer {0}: {1}").format(status.name, state))
            self.setStyleSheet(READY_STYLE)
        else:
            self.setText(self.tr("Printer {0}: {1}").format(status.name, self.problem_text(status)))
            self.setStyleSheet(PROBLEM_STYLE)
        self.show()

    def problem_text(self, status: PrinterStatus) -> str:
        """What is wrong and what to do, e.g. "out of labels — load labels, then Resume"."""
        problems = status.problems
        reasons = [self._reason(p) for p in problems]
        if status.message:
            reasons.insert(0, status.message)
        fix = self._fix(problems, status.message)
        return self.tr("{0} — {1}").format(", ".join(dict.fromkeys(reasons)), fix)

    def _reason(self, problem: str) -> str:
        texts = {
            "missing": self.tr("not found in the print system"),
            "paused": self.tr("paused by an administrator"),
            "stopped": self.tr("stopped"),
            "not-accepting": self.tr("not accepting jobs"),
            "media-empty": self.tr("out of labels"),
            "media-needed": self.tr("needs labels"),
            "media-jam": self.tr("labels jammed"),
            "offline": self.tr("offline"),
            "door-open": self.tr("door open"),
            "cover-open": self.tr("cover open"),
        }
        return texts.get(problem, problem)

    def _fix(self, problems: tuple[str, ...], message: str) -> str:
        about_labels = any(w in message.lower() for w in ("label", "paper", "media"))
        if "missing" in problems:
            return self.tr("choose another printer in Settings")
        if about_labels or {"media-empty", "media-needed"} & set(problems):
            return self.tr("load labels, then Resume")
        if "media-jam" in problems:
            return self.tr("clear the jam, then Resume")
        if {"door-open", "cover-open"} & set(problems):
            return self.tr("close the cover, then Resume")
        if "offline" in problems:
            return self.tr("check the printer's power and cable, then Resume")
        return self.tr("fix the printer, then Resume")
