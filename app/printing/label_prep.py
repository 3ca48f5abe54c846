"""Getting queued labels ready to print: rendered to a vector PDF, moved by the
calibration offset and checked — ahead of their turn.

`LabelPrep` owns the print queue's renderers (`render_pages` hidden pages, each made on
first use) and keeps them busy with the next pending labels, in order; each label's check
(offset, then `LabelCheck`) starts through the queue's `offload` as soon as it is rendered,
one check at a time. It tells the queue each time a label has moved on (rendered, checked,
or its check crashed) through `ready`; when a label goes out, and what its outcome is,
stays the queue's business (`app.printing.queue`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from threading import Lock

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile

from app.printing.offload import Offload
from app.printing.pdf_shift import shifted_pdf
from app.printing.print_job import CheckFailure, LabelCheck, PrintJob
from app.printing.render import LabelRenderer, RenderResult


class RenderSlot:
    """One of the queue's renderers (made on first use) and its requests in flight."""

    def __init__(self) -> None:
        self.renderer: LabelRenderer | None = None
        self.in_flight = 0
        self.generation = 0


@dataclass(eq=False)
class QueuedLabel:
    """A job and, once rendered (possibly ahead of its turn), its PDF."""

    job: PrintJob
    rendered: RenderResult | None = None
    rendering: RenderSlot | None = None
    dropped: bool = False
    checking: bool = False
    checked: tuple[CheckFailure | None] | None = None
    """The check's verdict once known (a 1-tuple: None inside means it may go out)."""
    check_error: BaseException | None = None


class LabelPrep:
    """Renders and checks the labels of `pending` (the queue's own deque); see the module
    docstring. `skip(job)` says a job is not rendered here (the raster route without a
    check renders for itself); `ready(label)` is called whenever a label moved on."""

    def __init__(
        self,
        profile: QWebEngineProfile,
        parent: QObject,
        pending: deque[QueuedLabel],
        *,
        render_pages: int,
        load_timeout_s: float,
        check: LabelCheck,
        offload: Offload,
        skip: Callable[[PrintJob], bool],
        ready: Callable[[QueuedLabel], None],
    ) -> None:
        self._profile = profile
        self._parent = parent
        self._pending = pending
        self._load_timeout_s = load_timeout_s
        self._check = check
        self._offload = offload
        self._check_lock = Lock()
        self._skip = skip
        self._ready = ready
        # Renderers are made on first use (start-up stays light).
        self._slots = [RenderSlot() for _ in range(max(1, render_pages))]

    def shutdown(self) -> None:
        """Free every renderer; their late answers are ignored."""
        for slot in self._slots:
            self.drop_renderer(slot)

    def drop_renderer(self, slot: RenderSlot) -> None:
        """Give up `slot`'s renderer (stuck, say) with whatever it had queued."""
        if slot.renderer is not None:
            slot.renderer.deleteLater()
            slot.renderer = None
        slot.generation += 1  # its late answers are ignored
        slot.in_flight = 0
        for entry in self._pending:
            if entry.rendering is slot:
                entry.rendering = None

    def render(self, entry: QueuedLabel) -> None:
        """Render `entry` on the least busy renderer."""
        slot = min(self._slots, key=lambda s: s.in_flight)
        if slot.renderer is None:
            slot.renderer = LabelRenderer(
                self._profile, self._parent, load_timeout_s=self._load_timeout_s
            )
        slot.in_flight += 1
        entry.rendering = slot
        job = entry.job
        slot.renderer.render_pdf(
            job.html,
            job.page_size,
            partial(self._on_rendered, entry, slot, slot.generation),
        )

    def render_ahead(self) -> None:
        """Keep every renderer busy with the next pending labels (in order)."""
        idle = len(self._slots) - sum(slot.in_flight for slot in self._slots)
        for entry in islice(self._pending, len(self._slots)):
            if idle <= 0:
                return
            if entry.rendered is not None or entry.rendering is not None or entry.job.copies < 1:
                continue
            try:
                if self._skip(entry.job):
                    continue
            except ValueError:
                continue
            self.render(entry)
            idle -= 1

    def _on_rendered(
        self, entry: QueuedLabel, slot: RenderSlot, generation: int, result: RenderResult
    ) -> None:
        if generation != slot.generation:
            return  # from a renderer given up on
        slot.in_flight -= 1
        entry.rendering = None
        if not entry.dropped:
            entry.rendered = result
            self.start_check(entry)
            self._ready(entry)
        self.render_ahead()

    def start_check(self, entry: QueuedLabel) -> None:
        """Check a rendered label now, whether or not it is its turn (module docstring)."""
        result = entry.rendered
        if result is None or result.pdf is None or entry.checking or entry.checked:
            return
        if entry.check_error is not None:
            return
        job, pdf = entry.job, result.pdf

        def check() -> tuple[bytes, CheckFailure | None]:
            # The calibration offset moves the rendered label first: the check, the
            # printer and the file all get it where it will be on paper.
            moved = shifted_pdf(pdf, job.offset_mm)
            with self._check_lock:
                return moved, self._check(job, replace(result, pdf=moved))

        entry.checking = True
        self._offload(
            check, partial(self._on_checked, entry), partial(self._on_check_crashed, entry)
        )

    def _on_check_crashed(self, entry: QueuedLabel, exc: BaseException) -> None:
        entry.checking, entry.check_error = False, exc
        self._ready(entry)

    def _on_checked(self, entry: QueuedLabel, checked: tuple[bytes, CheckFailure | None]) -> None:
        moved, failure = checked
        entry.checking, entry.checked = False, (failure,)
        if entry.rendered is not None:
            entry.rendered = replace(entry.rendered, pdf=moved)
        self._ready(entry)
        # The queue spools it if it is its turn; else `_next` does, or it ended meanwhile.
