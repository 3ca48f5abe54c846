"""The warehouse ledger going away in the middle of a session: the packer decides.

`FallbackPrintGuard` is the window's print guard on a warehouse ledger (PostgreSQL). Every
print goes through the warehouse ledger's guard (`LedgerPrintGuard`) as long as it
answers. Claims run off the GUI thread (`claim_write`, in the print service's serial
lane); when one finds the warehouse ledger unreachable, the print request brings the
refusal back to the GUI thread and `retry_claim` asks the packer at once (`ChooseOutage`,
by default the question of `app.ui.ledger_outage_prompt`):

- **Retry** — the claim is tried again (and the packer asked again if it still fails);
- **Print with this station's guard only** — this and every next print is claimed on the
  station's own SQLite ledger (the local guard the window also falls back to at start-up;
  opened by the first such claim, in the lane) until the warehouse ledger is back;
- **Cancel** — nothing is printed (nor asked again for the other labels of the same
  request).

While prints go to the local guard, `look_for_warehouse` (called by a timer, see
`app.ui.ledger_fallback_bar.attach_fallback`) asks the warehouse ledger in the background
whether it answers again; when it does, and no local print is still on its way, the local
prints are written to it (`app.core.ledger_sync`, the same copy the start-up uses), the
guard goes back to the warehouse ledger, and `returned` carries the `SyncReport`: any
waybill printed here and at another station meanwhile is listed for the packer.

The local ledger only knows what was printed *here*: a waybill another station printed
before or during the outage is not refused by it. That is the trade the packer chooses;
the sync names every such waybill afterwards.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from app.core.ledger import Ledger
from app.core.ledger_records import LedgerError
from app.core.ledger_sync import SyncReport, sync_local_prints
from app.core.model import OrderRef, Waybill
from app.core.print_outcome import PrintResult
from app.core.print_policy import Claim
from app.printing.guard import PrintRefused, check_dropped
from app.printing.ledger_guard import LEDGER_ORDER_EXTRA, LedgerAway, LedgerPrintGuard, LedgerRows
from app.ui.ledger_outage_prompt import LOCAL, RETRY, ChooseOutage, ask_outage

if TYPE_CHECKING:
    from app.ui.background import BackgroundRunner

log = logging.getLogger(__name__)


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
        self._local_mode = False  # the packer chose the station's own guard
        self._local: LedgerPrintGuard | None = None  # opened by the first local claim
        self._count_lock = threading.Lock()
        self._in_flight = 0  # local prints claimed (or being claimed) and not ended yet
        self._made_locally = 0  # local claims since the last sync began
        self._out_here: list[int] = []  # warehouse order rows whose label came out locally
        self._report = SyncReport()  # what the syncs since going local found
        self._looking = False
        self.failed_looks = 0
        """Looks for the warehouse ledger that found it still away (since the last return)."""

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
        return self._local_mode

    # -- PrintGuard -------------------------------------------------------------------------

    def claim_write(
        self,
        waybill: Waybill,
        *,
        printer: str,
        copies: int,
        target: str,
        reprint: bool,
        source: str,
        dropped: threading.Event | None = None,
    ) -> Callable[[], object]:
        """The claim, for any thread (`app.printing.guard.ClaimsOffThread`): on the
        warehouse ledger, or on the station's own once the packer chose it. Raises
        `LedgerAway` when the warehouse ledger cannot be reached (`retry_claim` asks)."""
        if not self._local_mode:
            shared = self.shared

            def claim_shared() -> object:
                check_dropped(dropped)
                token = shared.before_print(
                    waybill,
                    printer=printer,
                    copies=copies,
                    target=target,
                    reprint=reprint,
                    source=source,
                )
                return _Token(False, token)

            return claim_shared
        self._count_local(1, made=True)  # on its way from now: no sync before it ends

        def claim_local() -> object:
            try:
                check_dropped(dropped)
                return self._claim_locally(
                    waybill,
                    printer=printer,
                    copies=copies,
                    target=target,
                    reprint=reprint,
                    source=source,
                )
            except BaseException:
                self._count_local(-1)
                raise

        return claim_local

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
        return self.claim_write(
            waybill, printer=printer, copies=copies, target=target, reprint=reprint, source=source
        )()

    def retry_claim(self, refusal: PrintRefused) -> bool | None:
        """On the GUI thread, a claim was refused: if the warehouse ledger is away, ask the
        packer (`app.printing.guard.RetriesClaims`). Retry → True; print with the local
        guard → True, and this and the next claims go to the station's own ledger;
        anything else → False."""
        if not isinstance(refusal, LedgerAway):
            return None
        answer = self.choose(refusal.problem)
        if answer == RETRY:
            return True
        if answer != LOCAL:
            return False
        self._go_local(refusal.problem)
        return True

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
        self._count_local(-1)
        shared_row = self.shared.rows.get(token.key)
        if result.ok and shared_row is not None:
            self._out_here.append(shared_row)

    # -- the station's own guard ------------------------------------------------------------

    def _local_guard(self) -> LedgerPrintGuard:
        if self._local is None:
            ledger = Ledger(self.local_path, station=self._station, session_id=self._session_id)
            self._local = LedgerPrintGuard(ledger, LedgerRows(), session_id=self._session_id)
        return self._local

    def _count_local(self, step: int, *, made: bool = False) -> None:
        with self._count_lock:  # a refused local claim counts down in the lane
            self._in_flight += step
            self._made_locally += int(made)

    def _go_local(self, problem: str) -> None:
        self._local_mode = True
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
        try:
            guard = self._local_guard()
        except LedgerError as exc:
            raise PrintRefused(
                QCoreApplication.translate(
                    "FallbackPrintGuard", "this station's own ledger cannot be used either ({0})"
                ).format(exc)
            ) from exc
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
        return _Token(True, token, local.ref.key)

    # -- back to the warehouse ledger -------------------------------------------------------

    def look_for_warehouse(self, runner: BackgroundRunner) -> bool:
        """While printing locally, ask (in the background) whether the warehouse ledger
        answers; if so, write the local prints to it and go back to it. False when there
        is nothing to do now (not local, a look running, or a local print on its way)."""
        if not self._local_mode or self._looking or self._in_flight:
            return False
        self._looking = True
        with self._count_lock:
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
        self._local_mode = False
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
        self._local_mode = False
        local, self._local = self._local, None
        if local is not None:
            local.ledger.close()


def _sync(local_path: Path, shared: Ledger, out_here: list[int]) -> SyncReport:
    """Write the local prints to the warehouse ledger and close the warehouse's rows of
    the orders printed here (their prints are on their copied rows now, so recovery must
    not bring them back as unfinished)."""
    shared.ping()  # raises LedgerUnavailable while it is still away
    if not local_path.exists():  # no local claim was made (dropped, or refused): nothing
        return SyncReport()
    report = sync_local_prints(local_path, shared)
    for row in out_here:
        try:
            shared.mark_done(row)
        except LedgerError as exc:  # the prints are copied; only the order stays open
            log.warning("order #%d could not be closed on the warehouse ledger: %s", row, exc)
    return report
