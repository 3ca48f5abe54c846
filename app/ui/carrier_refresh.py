"""Keeping the carrier picker's list fresh: from the disk cache at once, from the API daily.

`CarrierRefresher` asks the API for its carrier list (getAllDelivery) on the
`BackgroundRunner` when the cached list (`app.core.carrier_cache`) is missing or older
than a day — at start and then on an hourly check — stores the answer in the cache and
emits `updated` with the new `(delivery_id, name)` list. The check reads the cache file:
it runs on the `BackgroundRunner` too, with the refresh it may lead to. A failed
refresh (offline, no credentials yet) keeps whatever the picker shows: the cached list or
the built-in one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.carrier_cache import Carrier, CarrierCache
from app.core.engine import WaybillSource
from app.ui.background import BackgroundRunner, TaskHandle
from app.ui.carrier_box import CarrierBox
from app.ui.services import WindowServices

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 3600 * 1000


def fetch_carriers(make_source: Callable[[], WaybillSource], cache: CarrierCache) -> list[Carrier]:
    """Ask the API for its carriers and store them (runs in a worker thread)."""
    source = make_source()
    try:
        answer = source.get_all_delivery()
    finally:
        source.close()
    carriers = [(c.delivery_id, c.delivery_name) for c in answer]
    if not carriers:
        raise ValueError("the API listed no carriers")
    return cache.save(carriers).carriers


def fetch_carriers_if_stale(
    make_source: Callable[[], WaybillSource], cache: CarrierCache
) -> list[Carrier] | None:
    """`fetch_carriers` when the cached list is missing or old, else None (worker thread)."""
    if not cache.needs_refresh():
        return None
    return fetch_carriers(make_source, cache)


class CarrierRefresher(QObject):
    """Refreshes the cached carrier list in the background when it is a day old."""

    updated = Signal(list)
    """The new carrier list, `[(delivery_id, name), ...]`."""
    failed = Signal(str)
    """A refresh failed (the reason, for the log); the old list stays."""

    def __init__(
        self,
        cache: CarrierCache,
        runner: BackgroundRunner,
        make_source: Callable[[], WaybillSource],
        parent: QObject | None = None,
        *,
        check_interval_ms: int = CHECK_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.cache = cache
        self._runner = runner
        self._make_source = make_source
        self._handle: TaskHandle | None = None
        self._timer = QTimer(self, interval=check_interval_ms)
        self._timer.timeout.connect(self.refresh_if_stale)

    @property
    def running(self) -> bool:
        return self._handle is not None

    def start(self) -> None:
        """Refresh now if needed, then check every hour."""
        self.refresh_if_stale()
        self._timer.start()

    def refresh_if_stale(self) -> bool:
        """Look (in the background) whether the cached list is missing or old, and refresh
        it then; False when a check or refresh is running already."""
        return self._start(fetch_carriers_if_stale)

    def refresh(self) -> None:
        """Refresh now, whatever the cache's age."""
        self._start(fetch_carriers)

    def _start(self, work: Callable[..., list[Carrier] | None]) -> bool:
        if self.running:
            return False
        self._handle = self._runner.run(
            work, self._make_source, self.cache, on_done=self._on_done, on_error=self._on_error
        )
        return True

    def _on_done(self, carriers: object) -> None:
        self._handle = None
        if isinstance(carriers, list) and carriers:
            self.updated.emit(carriers)

    def _on_error(self, exc: BaseException) -> None:
        self._handle = None
        log.warning("could not refresh the carrier list: %s", exc)
        self.failed.emit(str(exc))


def start_carrier_refresh(
    box: CarrierBox,
    services: WindowServices,
    default_carrier: Callable[[], str],
    parent: QObject,
) -> CarrierRefresher | None:
    """Fill the picker from the cache and keep it fresh (None without a cache).

    It uses only what it is handed: the picker, the window's services (cache, runner,
    source factory, carrier list) and the carrier to keep selected.
    """
    cache = services.carrier_cache
    if cache is None:
        return None
    services.carriers[:] = cache.carriers_or(services.carriers)
    box.set_carriers(services.carriers, default_carrier())
    refresher = CarrierRefresher(cache, services.runner, services.make_source, parent)

    def show(carriers: list[Carrier]) -> None:
        services.carriers[:] = carriers
        box.set_carriers(carriers, default_carrier())

    refresher.updated.connect(show)
    refresher.start()
    return refresher
