"""Printing into a PDF folder: the folder is made and each file named (a free name claimed,
`atomic_file.write_new_file`) where the queue writes the file, off the GUI thread; two
labels of one waybill still get two files, and the row and the guard see the file written.

The labels really render (QtWebEngine) and are written through the window's background
helper; `sys.monitoring` records the thread of every call of the naming and writing step
and of every `Path.mkdir` on the folder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, FrameType

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.atomic_file import write_new_file
from app.core.print_outcome import PrintResult
from app.core.settings import Settings
from app.printing.pdf_files import write_job_file
from app.printing.queue import PrintQueue
from app.ui.background import BackgroundRunner
from app.ui.print_controller import PrintController
from app.ui.queue_model import OrderQueueModel, RowState
from tests.fixtures.calls import watching
from tests.fixtures.qt import dispose
from tests.unit.ui.test_print_controller import Asker, RecordingGuard, waybill

#: The functions whose calls are the naming and folder step, and the disk calls in them.
WATCHED = (write_job_file, write_new_file, Path.mkdir)


class DiskCalls:
    """The thread and subject of every call of a `WATCHED` function under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder)
        self.calls: list[tuple[str, int, str]] = []
        self._lock = threading.Lock()

    def __call__(self, code: CodeType, frame: FrameType) -> None:
        subject = next(iter(frame.f_locals.values()), None)  # self / job / folder
        text = str(getattr(subject, "pdf_path", subject))
        if text.startswith(self.folder):
            with self._lock:
                self.calls.append((code.co_name, threading.get_ident(), text))


class FileRecordingGuard(RecordingGuard):
    """Remembers the file each print's end names: what the ledger records."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[str | None] = []

    def after_print(self, token: object, result: PrintResult) -> None:
        self.written.append(result.pdf_path)
        super().after_print(token, result)


@pytest.fixture
def disk_calls(tmp_path: Path) -> Iterator[DiskCalls]:
    recorder = DiskCalls(tmp_path / "labels")
    with watching(WATCHED, recorder):
        yield recorder


def test_the_pdf_folder_is_made_and_files_named_off_the_gui_thread(
    label_profile: QWebEngineProfile, tmp_path: Path, qtbot: QtBot, disk_calls: DiskCalls
) -> None:
    folder = tmp_path / "labels"  # not there yet: it is made where the first file is written
    runner = BackgroundRunner()
    queue = PrintQueue(label_profile, offload=runner.offload)
    model = OrderQueueModel()
    guard = FileRecordingGuard()
    controller = PrintController(
        model, queue, Settings(), pdf_dir=folder, guard=guard, ask=Asker(True)
    )
    label = waybill(7)
    model.add_refs([label.ref])
    model.set_fetching([label.ref.key])
    model.apply_waybills([label])
    try:
        # Two labels of one waybill: the second is named beside the first.
        for _ in range(2):
            assert controller.print_waybills([label], reprint=True, source="scan").submitted
            qtbot.waitUntil(lambda: controller.pending == 0, timeout=60_000)
        calls = list(disk_calls.calls)  # before this test looks at the folder itself
        assert {name for name, _, _ in calls} >= {"write_job_file", "write_new_file", "mkdir"}
        main = threading.main_thread().ident
        assert [call for call in calls if call[1] == main] == []
        assert sorted(p.name for p in folder.iterdir()) == [
            "SF00000000007-2.pdf",
            "SF00000000007.pdf",
        ]
        assert all(p.read_bytes().startswith(b"%PDF") for p in folder.iterdir())
        # The row and the guard see the file written, not the folder.
        assert model.rows()[0].state is RowState.PRINTED
        assert controller.jobs.last_output == str(folder / "SF00000000007-2.pdf")
        assert guard.written == [
            str(folder / "SF00000000007.pdf"),
            str(folder / "SF00000000007-2.pdf"),
        ]
    finally:
        dispose(controller)
        queue.shutdown()
        runner.shutdown()
        dispose(queue)
        runner.deleteLater()
