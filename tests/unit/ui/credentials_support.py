"""Driving the window's credentials flow in tests: recorded prompts and the modal dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit

from app.core.credentials import CredentialStore
from app.core.paths import AppPaths
from app.core.secret_registry import SecretRegistry
from app.core.settings import Settings
from app.ui.app_main import window_session
from app.ui.credentials_flow import CredentialsFlow, Prompts
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import SettingsDialog


@dataclass
class RecordedPrompts:
    """Answers the flow's questions as told and remembers every one."""

    answer: bool = True
    secret: str | None = None
    questions: list[tuple[str, str]] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    secret_requests: list[tuple[str, str]] = field(default_factory=list)

    def ask(self, title: str, text: str) -> bool:
        self.questions.append((title, text))
        return self.answer

    def inform(self, title: str, text: str) -> None:
        self.messages.append((title, text))

    def ask_secret(self, title: str, label: str) -> str | None:
        self.secret_requests.append((title, label))
        return self.secret

    def prompts(self) -> Prompts:
        return Prompts(self.ask, self.inform, self.ask_secret)

    def all_text(self) -> str:
        return "\n".join(
            f"{a}\n{b}" for a, b in self.questions + self.messages + self.secret_requests
        )


def flow_of(window: MainWindow) -> CredentialsFlow:
    flow = window.findChild(CredentialsFlow)
    assert isinstance(flow, CredentialsFlow)
    return flow


def on_next_dialog(window: MainWindow, handle: Callable[[SettingsDialog], None]) -> list[str]:
    """Run `handle(dialog)` once the next Settings dialog is showing (it is modal).

    Returns a list that gets the dialog's title once it was handled.
    """
    seen: list[str] = []
    flow = flow_of(window)

    def opened(dialog: object) -> None:
        flow.dialogOpened.disconnect(opened)
        assert isinstance(dialog, SettingsDialog)

        def act() -> None:
            seen.append(dialog.windowTitle())
            handle(dialog)

        QTimer.singleShot(0, act)

    flow.dialogOpened.connect(opened)
    return seen


def fill_account(
    dialog: SettingsDialog,
    *,
    appid: str | None = None,
    secret: str | None = None,
    api_base: str | None = None,
    token_mode: str | None = None,
    token_command: str | None = None,
) -> None:
    """Type into the Account tab as a user would."""
    texts = {"appid": appid, "api_base": api_base, "token_command": token_command}
    for name, value in texts.items():
        if value is not None:
            editor = dialog.editors[name]
            assert isinstance(editor, QLineEdit)
            editor.setText(value)
    if token_mode is not None:
        combo = dialog.editors["token_mode"]
        assert isinstance(combo, QComboBox)
        index = combo.findData(token_mode)
        assert index >= 0
        combo.setCurrentIndex(index)
    if secret is not None:
        dialog.secret_edit.setText(secret)


def click_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def click_cancel(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()


@contextmanager
def credentials_window(
    tmp_path: Path,
    store: CredentialStore,
    *,
    settings: Settings | None = None,
    prompts: RecordedPrompts | None = None,
    secrets: SecretRegistry | None = None,
    env: dict[str, str] | None = None,
    first_run: bool = False,
    pdf_dir: Path | None = None,
    **extra: Any,
) -> Iterator[MainWindow]:
    """A real (not demo) window session under `tmp_path` with the given credential store."""
    paths = AppPaths.under(tmp_path).ensure()
    with window_session(
        paths,
        settings or Settings(),
        demo=False,
        env={} if env is None else env,
        store=store,
        secrets=secrets,
        prompts=(prompts or RecordedPrompts()).prompts(),
        first_run=first_run,
        pdf_dir=pdf_dir,
        **extra,
    ) as window:
        window.show()
        yield window
