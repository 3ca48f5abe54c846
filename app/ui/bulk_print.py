"""Big print runs made safe: ask first, then show how far along they are.

`PrintProgress` is the row under the table while labels are printing: a progress bar
(labels done of labels sent), the time left at the rate measured so far, and the Cancel
printing button. It follows `PrintController.pendingChanged`; a run starts when labels
are sent while none are pending and ends when the last one is done. The bar and the time
left are redrawn at most every `REDRAW_INTERVAL_S` (a progress bar repaints at once on
every new value: once a label, that is GUI-thread time a packer's keystrokes wait for).

`PrintProgress.confirm(ask, count)` asks before sending more than `BULK_THRESHOLD`
labels at once, naming the count and the estimated time at the printer (at the pace
measured in this session, else a label printer's usual pace).
The question is asked with the window's explicit prompt, so a scanner's Enter cannot say
yes to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

BULK_THRESHOLD = 50
"""Printing more labels than this at once asks first."""
SECONDS_PER_LABEL = 0.2
"""A label printer's pace before this session measured one (~300 labels a minute)."""
REDRAW_INTERVAL_S = 0.1
"""The progress row is redrawn at most this often while a run goes on."""


class PrintProgress(QWidget):
    """Progress of the labels sent to the printer, with time left; hidden when idle."""

    runEnded = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printProgress")
        self._clock = clock
        self._total = 0
        self._pending = 0
        self._started = 0.0
        self._measured: float | None = None
        self._drawn_at: float | None = None
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.timeout.connect(self._draw)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("printProgressBar")
        self.left = QLabel(self)
        self.left.setObjectName("printTimeLeft")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.bar, 1)
        self._layout.addWidget(self.left)
        self.hide()

    def add_widget(self, widget: QWidget) -> None:
        """Put e.g. the Cancel printing button at the end of the row."""
        self._layout.addWidget(widget)

    @property
    def seconds_per_label(self) -> float:
        """The pace measured in this session, else the usual pace of a label printer."""
        return self._measured if self._measured is not None else SECONDS_PER_LABEL

    @property
    def done(self) -> int:
        return self._total - self._pending

    def pending_changed(self, pending: int) -> None:
        now = self._clock()
        if self._pending == 0 and pending > 0:  # a new run
            self._total, self._started = 0, now
        if pending > self._pending:
            self._total += pending - self._pending
        self._pending = pending
        if self.done > 0:
            self._measured = (now - self._started) / self.done
        if pending == 0:
            self._total = 0
            self._redraw.stop()
            self._drawn_at = None
            self.hide()
            self.runEnded.emit()
            return
        waited = None if self._drawn_at is None else now - self._drawn_at
        if waited is None or waited >= REDRAW_INTERVAL_S:
            self._draw()
        elif not self._redraw.isActive():
            self._redraw.start(max(1, round((REDRAW_INTERVAL_S - waited) * 1000)))

    def _draw(self) -> None:
        if self._pending == 0:
            return
        self._drawn_at = self._clock()
        # QProgressBar repaints at once on a new value; with updates off while it changes
        # the repaint joins the window's next one instead.
        self.bar.setUpdatesEnabled(False)
        self.bar.setRange(0, self._total)
        self.bar.setValue(self.done)
        self.bar.setFormat(self.tr("%v of %m labels printed"))
        self.bar.setUpdatesEnabled(True)
        self.left.setText(self.time_left_text())
        self.show()

    def time_left_text(self) -> str:
        seconds = self._pending * (self.seconds_per_label if self.done else SECONDS_PER_LABEL)
        return self.tr("{0} left").format(self.duration_text(seconds))

    def duration_text(self, seconds: float) -> str:
        """ "about 14 min", "about 40 s" — for a packer, not a stopwatch."""
        if seconds >= 90:
            return self.tr("about %n min", "", round(seconds / 60))
        return self.tr("about %n s", "", max(1, round(seconds)))

    def confirm(self, ask: Callable[[str, str], bool], count: int) -> bool:
        """True to go ahead: at most `BULK_THRESHOLD` labels, or the packer said yes."""
        if count <= BULK_THRESHOLD:
            return True
        question = self.tr("Print %n label(s)? At the printer this takes {0}.", "", count)
        question = question.format(self.duration_text(count * self.seconds_per_label))
        return ask(self.tr("Print many labels?"), question)
