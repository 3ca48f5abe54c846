"""The window's Fetch command and what the packer reads while and after it runs.

`FetchCommands` starts the `FetchController` on the queue's fetchable orders (saying why
it cannot when the source cannot be built: that answer comes later, the source being
built off the GUI thread), and when a fetch starts and ends it updates
the station panel, the Fetch / Cancel actions and the message line; at the end it lets
print on scan go first, then refreshes the preview.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.core.credentials import KeyringUnavailable
from app.ui.actions import WindowActions
from app.ui.fetch_controller import FetchController, FetchSummary, describe_error
from app.ui.queue_model import OrderQueueModel
from app.ui.scan_bar import Feedback
from app.ui.scan_to_print import ScanToPrint
from app.ui.station_panel import StationPanel
from app.wechat.errors import WeChatError

Tell = Callable[[str, Feedback], None]


class FetchCommands(QObject):
    """Fetch and its feedback (see the module docstring)."""

    def __init__(
        self,
        model: OrderQueueModel,
        fetcher: FetchController,
        panel: StationPanel,
        actions: WindowActions,
        scan_print: ScanToPrint,
        *,
        tell: Tell,
        language: str,
        update_counts: Callable[[], None],
        show_current: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._fetcher = fetcher
        self._panel = panel
        self._actions = actions
        self._scan_print = scan_print
        self._tell = tell
        self._language = language
        self._update_counts = update_counts
        self._show_current = show_current

    def follow_fetcher(self) -> None:
        """Follow the fetcher's start and end."""
        self._fetcher.started.connect(self._on_started)
        self._fetcher.progressed.connect(self._panel.fetch_progressed)
        self._fetcher.finished.connect(self._on_finished)
        self._fetcher.refused.connect(self._on_refused)

    def fetch(self) -> None:
        if self._fetcher.running:
            return
        refs = self._model.fetchable_refs()
        if not refs:
            self._tell(self.tr("Nothing to fetch: scan or paste order ids first."), Feedback.INFO)
            return
        self._fetcher.start(refs)

    def _on_started(self, total: int) -> None:
        self._panel.fetch_started(total)
        self._actions.cancel.setEnabled(True)
        self._actions.fetch.setEnabled(False)
        self._tell(self.tr("Fetching %n order(s)…", "", total), Feedback.INFO)

    def _on_refused(self, exc: BaseException) -> None:
        """No source: the rows are back in the queue; say why (print on scan's waiting
        scans wait for the next scan or Fetch, as after an outage)."""
        self._panel.fetch_ended()
        self._actions.cancel.setEnabled(False)
        self._update_counts()
        if not isinstance(exc, (WeChatError, KeyringUnavailable, ValueError, OSError)):
            # missing credentials or keyring, a bad address are; a bug in the program
            # is not one of these and is not dressed up as a fetch error
            raise exc
        self._tell(
            self.tr("Cannot fetch: {0}").format(describe_error(exc, self._language)),
            Feedback.ERROR,
        )

    def _on_finished(self, summary: FetchSummary) -> None:
        self._panel.fetch_ended()
        self._actions.cancel.setEnabled(False)
        self._update_counts()
        if summary.outage is not None:
            banner = summary.outage.banner(self._language, summary.stopped)
            self._tell(banner, Feedback.ERROR)
        elif summary.failure:
            self._tell(self.tr("Fetch failed: {0}").format(summary.failure), Feedback.ERROR)
        else:
            text = self.tr("Fetched: {0} ready, {1} cancelled, {2} with errors.").format(
                summary.ready, summary.cancelled, summary.errors
            )
            if summary.stopped:
                text += " " + self.tr("%n not fetched (stopped).", "", summary.stopped)
            bad = summary.errors or summary.cancelled or summary.stopped
            self._tell(text, Feedback.WARNING if bad else Feedback.OK)
        # Print on scan first: the label reaches the printer before the preview takes the
        # GUI thread to load the same label.
        self._scan_print.fetch_finished(outage=summary.outage is not None)
        self._show_current()
