"""The warehouse ledger going away in the middle of a session: the packer decides.

`FallbackPrintGuard` is the window's print guard on a warehouse ledger (PostgreSQL). Every
print goes through the warehouse ledger's guard (`LedgerPrintGuard`) as long as it
answers. When a claim finds it unreachable, the packer is asked at once (`ChooseOutage`,
by default the question of `app.ui.ledger_outage_prompt`):

- **Retry** — the claim is tried again (and the packer asked again if it still fails);
- **Print with this station's guard only** — this and every next print is claimed on the
  station's own SQLite ledger (the local guard the window also falls back to at start-up)
  until the warehouse ledger is back;
- **Cancel** — nothing is printed (nor asked again for the other labels of the same
  request).

While prints go to the local guard, `look_for_warehouse` (called by a timer, see
`attach_fallback`) asks the warehouse ledger in the background whether it answers again;
when it does, and no local print is still on its way, the local prints are written to it
(`app.core.ledger_sync`, the same copy the start-up uses), the guard goes back to the
warehouse ledger, and `returned` carries the `SyncReport`: any waybill printed here and at
another station meanwhile is listed for the packer.

The local ledger only knows what was printed *here*: a waybill another station printed
before or during the outage is not refused by it. That is the trade the packer chooses;
the sync names every such waybill afterwards.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from app.core.ledger import Ledger
from app.core.ledger_records import LedgerError
from app.core.ledger_sync import SyncReport, sync_local_prints
from app.core.model import OrderRef, Waybill
from app.core.print_outcome import PrintResult
from app.core.print_policy import Claim
from app.printing.guard import PrintRefused
from app.printing.ledger_guard import LEDGER_ORDER_EXTRA, LedgerAway, LedgerPrintGuard, LedgerRows
from app.ui.ledger_outage_prompt import LOCAL, RETRY, ChooseOutage, ask_outage
from app.ui.ledger_watch import WATCH_EVERY_MS, watch_heartbeat

if TYPE_CHECKING:
    from app.ui.background import BackgroundRunner

log = logging.getLogger(__name__)

LOOK_EVERY_MS = 5_000
"""How often the window looks whether the warehouse ledger is back."""
_BANNER_STYLE = "QLabel { background: #ffd600; color: #222; font-weight: bold; padding: 2px 6px; }"


@dataclass(frozen=True)
class _Token:
    local: bool
    inner: object
    key: tuple[str, str] = ("", "")


class FallbackPrintGuard(QObject):
    """The warehouse ledger's guard, or the station's own when the packer chose it."""

    wentLocal = Signal(str)
    """Prints go to the station's own guard from now on; the reason."""
    returned = Signal(object)
    """The warehouse ledger is back and has the local prints: the `SyncReport`."""

    def __init__(
        self,
        shared: LedgerPrintGuard,
        local_path: Path,
        *,
        station: str | None = None,
        session_id: str | None = None,
        choose: ChooseOutage | None = None,
    ) -> None:
        super().__init__()
        self.shared = shared
        self.local_path = local_path
        self.choose: ChooseOutage = choose or (lambda problem: ask_outage(None, problem))
        self._station = station
        self._session_id = session_id
        self._local: LedgerPrintGuard | None = None
        self._in_flight = 0  # local prints not ended yet
        self._made_locally = 0  # local claims since the last sync began
        self._out_here: list[int] = []  # warehouse order rows whose label came out locally
        self._report = SyncReport()  # what the syncs since going local found
        self._looking = False
        self._declined = False
        self.failed_looks = 0
        """Looks for the warehouse ledger that found it still away (since the last return)."""

    def _ask_again(self) -> None:
        self._declined = False

    # -- what the rest of the window uses of the warehouse guard --------------------------

    @property
    def ledger(self) -> Ledger:
        return self.shared.ledger

    @property
    def rows(self) -> LedgerRows:
        return self.shared.rows

    @property
    def unrecorded(self) -> list[tuple[Claim, PrintResult]]:
        """Outcomes the warehouse ledger could not take yet (see `LedgerPrintGuard`)."""
        return self.shared.unrecorded

    @property
    def local(self) -> bool:
        """True while prints are claimed on the station's own ledger."""
        return self._local is not None

    # -- PrintGuard -------------------------------------------------------------------------

    def before_print(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
    ) -> object:
        while self._local is None:
            try:
                token = self.shared.before_print(
                    waybill,
                    printer=printer,
                    copies=copies,
                    target=target,
                    reprint=reprint,
                    source=source,
                )
                return _Token(False, token)
            except LedgerAway as exc:
                if self._declined:  # the packer cancelled for this request already
                    raise
                answer = self.choose(exc.problem)
                if answer == RETRY:
                    continue
                if answer != LOCAL:
                    self._declined = True  # the rest of this Print all: not asked again
                    QTimer.singleShot(0, self._ask_again)
                    raise
                self._go_local(exc.problem)
        return self._claim_locally(
            waybill, printer=printer, copies=copies, target=target, reprint=reprint, source=source
        )

    def after_print(self, token: object, result: PrintResult) -> None:
        self.settle_write(token, result)()
        self.settled(token, result)

    def settle_write(self, token: object, result: PrintResult) -> Callable[[], None]:
        """The write of the end, for any thread (`app.printing.guard.SettlesOffThread`)."""
        if not isinstance(token, _Token):
            raise ValueError(f"unknown print token {token!r}")
        guard = self._local_guard() if token.local else self.shared
        return guard.settle_write(token.inner, result)

    def settled(self, token: object, result: PrintResult) -> None:
        """After the write, on the GUI thread: a local print is no longer on its way (the
        look for the warehouse ledger waits for those)."""
        if not isinstance(token, _Token) or not token.local:
            return
        self._in_flight -= 1
        shared_row = self.shared.rows.get(token.key)
        if result.ok and shared_row is not None:
            self._out_here.append(shared_row)

    # -- the station's own guard ------------------------------------------------------------

    def _local_guard(self) -> LedgerPrintGuard:
        if self._local is None:
            ledger = Ledger(self.local_path, station=self._station, session_id=self._session_id)
            self._local = LedgerPrintGuard(ledger, LedgerRows(), session_id=self._session_id)
        return self._local

    def _go_local(self, problem: str) -> None:
        try:
            self._local_guard()
        except LedgerError as exc:
            raise PrintRefused(
                QCoreApplication.translate(
                    "FallbackPrintGuard", "this station's own ledger cannot be used either ({0})"
                ).format(exc)
            ) from exc
        log.warning("the warehouse ledger is away (%s): printing with the local guard", problem)
        self.wentLocal.emit(problem)

    def _claim_locally(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
    ) -> object:
        guard = self._local_guard()
        extra = {k: v for k, v in waybill.extra.items() if k != LEDGER_ORDER_EXTRA}
        local = dataclasses.replace(waybill, extra=extra)  # its order id is the warehouse's
        if guard.rows.get(local.ref.key) is None:
            try:  # the order and its label, so the sync can copy them with the print
                ref = OrderRef(local.ref.order_id, local.ref.delivery_id, local.waybill_id)
                (row,) = guard.ledger.record_queued([ref], session_id=self._session_id)
                guard.ledger.record_fetch_results([(row, local)])
            except LedgerError as exc:
                raise PrintRefused(
                    QCoreApplication.translate(
                        "FallbackPrintGuard", "this station's own ledger could not record it ({0})"
                    ).format(exc)
                ) from exc
            guard.rows.bind([(local.ref.key, row)])
        token = guard.before_print(
            local, printer=printer, copies=copies, target=target, reprint=reprint, source=source
        )
        self._in_flight += 1
        self._made_locally += 1
        return _Token(True, token, local.ref.key)

    # -- back to the warehouse ledger -------------------------------------------------------

    def look_for_warehouse(self, runner: BackgroundRunner) -> bool:
        """While printing locally, ask (in the background) whether the warehouse ledger
        answers; if so, write the local prints to it and go back to it. False when there
        is nothing to do now (not local, a look running, or a local print on its way)."""
        if self._local is None or self._looking or self._in_flight:
            return False
        self._looking = True
        self._made_locally = 0
        rows, self._out_here = self._out_here, []
        runner.run(
            _sync,
            self.local_path,
            self.shared.ledger,
            rows,
            on_done=self._synced,
            on_error=lambda exc: self._away(exc, rows),
        )
        return True

    def _synced(self, report: object) -> None:
        self._looking = False
        assert isinstance(report, SyncReport)
        self._report.copied += report.copied
        self._report.elsewhere += report.elsewhere
        if self._made_locally or self._in_flight:
            return  # printed here meanwhile: the next look copies those too
        report, self._report = self._report, SyncReport()
        local, self._local = self._local, None
        if local is not None:
            local.ledger.close()
        self.shared.record_late_outcomes()
        self.failed_looks = 0
        log.info("the warehouse ledger is back; %d local prints written to it", report.copied)
        self.returned.emit(report)

    def _away(self, exc: BaseException, rows: list[int]) -> None:
        self._looking = False
        self._out_here[:0] = rows  # closed on the next look
        self.failed_looks += 1
        log.info("the warehouse ledger is still away: %s", exc)

    def close(self) -> None:
        local, self._local = self._local, None
        if local is not None:
            local.ledger.close()


def _sync(local_path: Path, shared: Ledger, out_here: list[int]) -> SyncReport:
    """Write the local prints to the warehouse ledger and close the warehouse's rows of
    the orders printed here (their prints are on their copied rows now, so recovery must
    not bring them back as unfinished)."""
    shared.ping()  # raises LedgerUnavailable while it is still away
    report = sync_local_prints(local_path, shared)
    for row in out_here:
        try:
            shared.mark_done(row)
        except LedgerError as exc:  # the prints are copied; only the order stays open
            log.warning("order #%d could not be closed on the warehouse ledger: %s", row, exc)
    return report


@dataclass
class FallbackParts:
    """What `attach_fallback` added to the window."""

    timer: QTimer
    """Looks for the warehouse ledger while prints go to the local guard."""
    banner: QLabel
    """Stays in the status bar while prints go to the local guard."""
    watch: QTimer
    """Reads the heartbeat's state (no waiting): says so when the warehouse ledger stops
    or starts answering while the window is idle."""


def attach_fallback(
    guard: FallbackPrintGuard,
    runner: BackgroundRunner,
    window: QMainWindow,
    tell: Callable[[str, bool], None],
    *,
    look_every_ms: int = LOOK_EVERY_MS,
    watch_every_ms: int = WATCH_EVERY_MS,
) -> FallbackParts:
    """Hook the guard into a window: its question over `window`, `tell(text, warning)`
    for what the packer must know, a banner in the status bar while printing on the local
    guard, and the timer that looks for the warehouse ledger."""
    guard.choose = lambda problem: ask_outage(window, problem)
    timer = QTimer(window)
    timer.setInterval(look_every_ms)
    timer.timeout.connect(lambda: guard.look_for_warehouse(runner))
    banner = QLabel(
        QCoreApplication.translate(
            "FallbackPrintGuard", "Warehouse ledger away: printing with this station's guard only"
        )
    )
    banner.setObjectName("ledgerAwayBanner")
    banner.setStyleSheet(_BANNER_STYLE)
    window.statusBar().addPermanentWidget(banner)
    banner.hide()

    def went_local(problem: str) -> None:
        tell(
            QCoreApplication.translate(
                "FallbackPrintGuard",
                "The warehouse ledger cannot be reached ({0}): printing with this station's "
                "own guard only. The prints are written to the warehouse ledger when it is back.",
            ).format(problem),
            True,
        )
        banner.show()
        timer.start()

    def returned(report: SyncReport) -> None:
        timer.stop()
        banner.hide()
        if report.elsewhere:
            text = QCoreApplication.translate(
                "FallbackPrintGuard",
                "The warehouse ledger is back. While it was away, these waybills were printed "
                "here and at another station too: {0}",
            ).format(", ".join(report.elsewhere))
            tell(text, True)
        else:
            tell(
                QCoreApplication.translate(
                    "FallbackPrintGuard",
                    "The warehouse ledger is back; the {0} prints made meanwhile are recorded "
                    "in it.",
                ).format(report.copied),
                False,
            )

    guard.wentLocal.connect(went_local)
    guard.returned.connect(returned)
    watch = watch_heartbeat(guard.ledger, lambda: guard.local, window, tell, watch_every_ms)
    return FallbackParts(timer, banner, watch)
