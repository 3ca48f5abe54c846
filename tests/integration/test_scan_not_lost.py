"""No scan is lost to a dialog: a scanner's burst typed while Help, Settings, the
"Print again?" prompt or the bulk-print question has the focus is queued exactly once, and the
dialog is not answered by it. A person typing into a dialog still types into it.

The burst timing follows a clock the test moves by hand, so nothing depends on the
speed of the machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.core.credentials import CredentialStore
from app.core.settings import Settings
from app.printing.queue import PrintQueue
from app.sandbox.server import SandboxServer
from app.ui.bulk_print import BULK_THRESHOLD
from app.ui.main_window import MainWindow
from app.ui.prompts import ExplicitQuestion
from app.ui.settings_dialog import SettingsDialog
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.support import open_window, row_states, sandbox_settings

CODE_A = "42000019010000012345"
CODE_B = "42000019010000067890"
SUFFIXES = [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab]


class HandClock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class SettingsEditor:
    """Opens the real Settings dialog modally, as the program does; remembers outcomes."""

    def __init__(self) -> None:
        self.results: list[Settings | None] = []
        self.store = CredentialStore(MemoryKeyring())

    def __call__(self, parent: QWidget, current: Settings) -> Settings | None:
        dialog = SettingsDialog(current, self.store, language="en", parent=parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        result = dialog.result_settings() if accepted else None
        dialog.deleteLater()
        self.results.append(result)
        return result


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def editor() -> SettingsEditor:
    return SettingsEditor()


@pytest.fixture
def window(
    sandbox: SandboxServer,
    label_profile: QWebEngineProfile,
    print_queue: PrintQueue,
    tmp_path: Path,
    qtbot: QtBot,
    clock: HandClock,
    editor: SettingsEditor,
) -> Iterator[MainWindow]:
    with open_window(
        sandbox,
        label_profile,
        print_queue,
        tmp_path,
        settings=sandbox_settings(sandbox, scan_to_print=False),
        scan_clock=clock,
        edit_settings=editor,
    ) as win:
        qtbot.waitUntil(win.isActiveWindow, timeout=5000)
        qtbot.waitUntil(win.scan_bar.field.hasFocus, timeout=5000)
        yield win


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def burst(qtbot: QtBot, clock: HandClock, code: str, suffix: Qt.Key = Qt.Key.Key_Return) -> None:
    """A scanner: one key a millisecond into whatever has the focus, then its suffix."""
    for char in code:
        clock.now += 0.001
        qtbot.keyClick(focused(), char)
    clock.now += 0.001
    qtbot.keyClick(focused(), suffix)
    clock.now += 1.0  # the packer reaches for the next parcel


def order_ids(window: MainWindow) -> list[str]:
    return [row.ref.order_id for row in window.model.rows()]


def while_modal(
    qtbot: QtBot, action: Callable[[], None], inside: Callable[[QWidget], None]
) -> dict[str, Any]:
    """Run `action` (which opens a modal dialog and waits for it); once the dialog has
    the focus, run `inside(dialog)`, note whether the dialog was still open, close it."""
    seen: dict[str, Any] = {}

    def step() -> None:
        dialog: QWidget | None = None
        try:
            qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=5000)
            dialog = QApplication.activeModalWidget()
            assert dialog is not None
            qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()), timeout=5000)
            seen["dialog"] = dialog.objectName() or type(dialog).__name__
            inside(dialog)
            seen["open_after"] = dialog.isVisible()
        except BaseException as exc:  # reported by the test, not lost in the event loop
            seen["error"] = exc
        finally:
            if dialog is not None and dialog.isVisible():
                if isinstance(dialog, QDialog):
                    dialog.reject()
                else:
                    dialog.close()

    QTimer.singleShot(0, step)
    action()
    if "error" in seen:
        raise seen["error"]
    return seen


@pytest.mark.parametrize("suffix", SUFFIXES, ids=lambda k: k.name)
def test_a_scan_over_the_help_dialog_is_queued_and_the_dialog_stays(
    window: MainWindow, qtbot: QtBot, clock: HandClock, suffix: Qt.Key
) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.objectName() == "shortcutsDialog"
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()), timeout=5000)
    burst(qtbot, clock, CODE_A, suffix)
    burst(qtbot, clock, CODE_B, suffix)
    assert order_ids(window) == [CODE_A, CODE_B]
    assert dialog.isVisible()  # the scanner's suffix did not close it
    assert CODE_B in window.scan_bar.message_text()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)  # a person closes it as usual
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    assert order_ids(window) == [CODE_A, CODE_B]


def test_a_scan_over_settings_does_not_press_ok(
    window: MainWindow, qtbot: QtBot, clock: HandClock, editor: SettingsEditor
) -> None:
    seen = while_modal(
        qtbot,
        window.actions_.settings.trigger,
        lambda _dialog: (burst(qtbot, clock, CODE_A), burst(qtbot, clock, CODE_B)),
    )
    assert seen["dialog"] == SettingsDialog.__name__ or "settings" in seen["dialog"].lower()
    assert seen["open_after"] is True
    assert editor.results == [None]  # closed by the test's Cancel, never accepted
    assert order_ids(window) == [CODE_A, CODE_B]


def test_typing_into_settings_still_types_and_enter_still_saves(
    window: MainWindow, qtbot: QtBot, clock: HandClock, editor: SettingsEditor
) -> None:
    def type_like_a_person(dialog: QWidget) -> None:
        assert isinstance(dialog, SettingsDialog)
        edit = dialog.editors["appid"]
        assert isinstance(edit, QLineEdit)
        edit.setFocus()
        edit.clear()
        qtbot.waitUntil(edit.hasFocus, timeout=3000)
        for char in "wx42":
            clock.now += 0.2
            qtbot.keyClick(focused(), char)
        clock.now += 0.2
        qtbot.waitUntil(lambda: edit.text() == "wx42", timeout=3000)
        qtbot.keyClick(focused(), Qt.Key.Key_Return)  # a person's Enter: OK
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)

    while_modal(qtbot, window.actions_.settings.trigger, type_like_a_person)
    assert len(editor.results) == 1 and editor.results[0] is not None
    assert editor.results[0].appid == "wx42"
    assert order_ids(window) == []


def test_a_scan_over_the_reprint_prompt_is_queued_and_the_prompt_waits(
    window: MainWindow, qtbot: QtBot, clock: HandClock
) -> None:
    window.print_commands.scan_to_print.setChecked(True)
    burst(qtbot, clock, CODE_A)
    qtbot.waitUntil(lambda: row_states(window).get(CODE_A) == "printed", timeout=30_000)
    # Without a window manager the off-screen label renderer can take the X focus.
    window.activateWindow()
    qtbot.waitUntil(window.scan_bar.field.hasFocus, timeout=5000)

    def scan_next_parcel(dialog: QWidget) -> None:
        assert isinstance(dialog, ExplicitQuestion)
        burst(qtbot, clock, CODE_B)
        # the next parcel's order is fetched meanwhile, but waits to print
        qtbot.waitUntil(lambda: row_states(window).get(CODE_B) == "ready", timeout=30_000)
        assert window.scan_print.deferred == 1
        qtbot.keyClick(focused(), Qt.Key.Key_Return)  # a bare Enter answers nothing
        assert dialog.isVisible()

    # The same parcel scanned again raises "Print again?" (a prompt raised by a scan).
    seen = while_modal(qtbot, lambda: burst(qtbot, clock, CODE_A), scan_next_parcel)
    assert seen["dialog"] == "explicitQuestion"
    assert seen["open_after"] is True
    assert order_ids(window) == [CODE_A, CODE_B]
    # Once the prompt is closed (No), the waiting label prints; A is not printed again.
    qtbot.waitUntil(lambda: row_states(window).get(CODE_B) == "printed", timeout=30_000)
    assert row_states(window)[CODE_A] == "printed"
    pdfs = sorted(p.name for p in window.services.pdf_dir.glob("*.pdf"))  # type: ignore[union-attr]
    assert len(pdfs) == 2


def test_a_refused_scan_over_a_dialog_says_why(
    window: MainWindow, qtbot: QtBot, clock: HandClock
) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()), timeout=5000)
    burst(qtbot, clock, "A1,S-F")
    assert order_ids(window) == []
    assert "invalid carrier id" in window.scan_bar.message_text()
    assert window.scan_bar.message.property("tone") == "error"
    assert dialog.isVisible()
    dialog.close()


def test_a_scan_over_the_bulk_print_question_is_queued_and_nothing_prints(
    window: MainWindow, qtbot: QtBot, clock: HandClock
) -> None:
    many = [f"BULK{n:03d}" for n in range(BULK_THRESHOLD + 1)]
    window.add_text("\n".join(many))
    window.fetch()
    qtbot.waitUntil(lambda: len(window.model.ready_keys()) == len(many), timeout=60_000)
    # the window enables Print all when it next counts its rows (a timer after the change)
    qtbot.waitUntil(window.actions_.print_all.isEnabled, timeout=10_000)

    def scan_while_asked(dialog: QWidget) -> None:
        assert isinstance(dialog, ExplicitQuestion)
        assert f"{len(many)}" in dialog.text()  # the count, and the time it takes
        assert "min" in dialog.text() or " s." in dialog.text()
        burst(qtbot, clock, CODE_A)
        burst(qtbot, clock, CODE_B, Qt.Key.Key_Enter)

    seen = while_modal(qtbot, window.actions_.print_all.trigger, scan_while_asked)
    assert seen["dialog"] == "explicitQuestion" and seen["open_after"] is True
    assert order_ids(window) == [*many, CODE_A, CODE_B]
    assert window.printer.pending == 0  # the question was not answered yes
    assert list(window.services.pdf_dir.glob("*.pdf")) == []  # type: ignore[union-attr]
    assert len(window.model.ready_keys()) == len(many)
