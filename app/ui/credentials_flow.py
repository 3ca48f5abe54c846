"""The window's account and credentials: first run, the Settings dialog, the waybill source.

`CredentialsFlow` is what the window is handed for everything that touches the AppID,
the AppSecret and the token mode:

- `edit(parent, current)` opens the `SettingsDialog` with `wiring.check_connection` as
  its connection tester, run on the window's `BackgroundRunner`; accepted settings are
  saved to the settings file (never the secret: the dialog puts that in the keyring).
  The dialog is kept alive until a connection test it started has delivered its result.
- `needs_setup()` says whether anything usable is configured; `first_run(window)` asks
  it in the keyring lane and opens the dialog when not.
- `request_source(call)` builds the WeChat client for the window's fetch from the settings
  in force and `credentials_from_env(env, settings, store.get_secret)` in the keyring
  lane, answering `call` on the GUI thread (`app.ui.source_request`). When the keyring
  cannot be used it says so and offers, on the GUI thread, to keep the AppSecret in
  memory for this session only — there is no plaintext fallback. `make_source()` builds
  the same client in the calling thread, for worker threads (the carrier refresh): there
  it never asks, it raises `CredentialsUnavailable` instead.

User questions go through `Prompts` (message boxes by default; tests hand in their own).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, cast

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from app.core.credentials import CredentialStore, KeyringUnavailable
from app.core.model import Hint
from app.core.secret_registry import SecretRegistry
from app.core.settings import Settings, TokenMode
from app.core.settings_store import SettingsStore
from app.ui.background import BackgroundRunner
from app.ui.dialog_tasks import DialogTasks
from app.ui.settings_dialog import SettingsDialog
from app.ui.source_request import SourceCall, close_source

if TYPE_CHECKING:
    from collections.abc import Mapping

    from app.core.engine import WaybillSource
    from app.wiring.client import Credentials

log = logging.getLogger(__name__)

Ask = Callable[[str, str], bool]


class SetupHost(Protocol):
    """What `first_run` needs of the window: to say something and to open the settings."""

    def tell(self, text: str) -> None: ...

    def open_settings(self) -> None: ...


"""`ask(title, text) -> True for yes`."""
Inform = Callable[[str, str], None]
"""`inform(title, text)`: show a message the user acknowledges."""
AskSecret = Callable[[str, str], "str | None"]
"""`ask_secret(title, label) -> the typed secret, or None when cancelled`."""


@dataclass
class Prompts:
    """How the flow asks and tells the user things."""

    ask: Ask
    inform: Inform
    ask_secret: AskSecret


def message_box_prompts(parent: Callable[[], QWidget | None]) -> Prompts:
    """Prompts as message boxes and a password input box over `parent()`."""

    def ask(title: str, text: str) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        answer = QMessageBox.question(parent(), title, text, buttons)
        return answer == QMessageBox.StandardButton.Yes

    def inform(title: str, text: str) -> None:
        QMessageBox.warning(parent(), title, text)

    def ask_secret(title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(parent(), title, label, QLineEdit.EchoMode.Password)
        return text.strip() if ok and text.strip() else None

    return Prompts(ask, inform, ask_secret)


class SettingsSlot(Protocol):
    """Where the settings in force live (e.g. `app_main.SettingsHolder`)."""

    settings: Settings


class CredentialsUnavailable(KeyringUnavailable):
    """No AppSecret could be had: the keyring failed and the user chose not to type one."""

    def __init__(self, reason: Hint) -> None:
        super().__init__(reason)
        self.hint = reason


def is_configured(settings: Settings, env: Mapping[str, str], store: CredentialStore) -> bool:
    """Whether a fetch could authenticate: a ready token, a token command, or AppID + secret.

    A keyring that cannot be read counts as "no secret".
    """
    from app.wiring.client import ENV_ACCESS_TOKEN, ENV_APPID, ENV_APPSECRET

    if env.get(ENV_ACCESS_TOKEN, "").strip():
        return True
    if settings.token_mode is TokenMode.THIRD_PARTY:
        return bool(settings.token_command.strip())
    appid = env.get(ENV_APPID, "").strip() or settings.appid.strip()
    if not appid:
        return False
    if env.get(ENV_APPSECRET, ""):
        return True
    try:
        return bool(store.get_secret(appid))
    except KeyringUnavailable:
        return False


def _on_gui_thread() -> bool:
    """The QApplication lives in the main thread; only there may a dialog open."""
    return threading.current_thread() is threading.main_thread()


class CredentialsFlow(QObject):
    """Settings dialog, first run and the lazily built waybill source of one window."""

    dialogOpened = Signal(object)
    """Emitted with the `SettingsDialog` just before it is shown (modal)."""
    setupChecked = Signal(bool)
    """Emitted by `first_run` with whether setup is needed, once the keyring has answered."""

    def __init__(
        self,
        slot: SettingsSlot,
        store: CredentialStore,
        runner: BackgroundRunner,
        *,
        env: Mapping[str, str],
        settings_store: SettingsStore | None,
        secrets: SecretRegistry | None = None,
        prompts: Prompts | None = None,
        language: str = "en",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._slot = slot
        self._store = store
        self._runner = runner
        self._env = dict(env)
        self._settings_store = settings_store
        self._saves = runner.lane()  # settings files written in the order saved
        self._keyring = runner.lane()  # the dialog's keyring reads and writes, in order
        self._secrets = secrets
        self._language = language
        self._custom_prompts = prompts is not None
        self.prompts = prompts or message_box_prompts(self._parent_widget)
        self.dialog_tasks: DialogTasks | None = None
        self._editing = False  # a settings dialog is open

    def _parent_widget(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    @property
    def store(self) -> CredentialStore:
        return self._store

    # --- the settings dialog -------------------------------------------------------------

    def connection_tester(self) -> Callable[[Settings, str], object]:
        """`wiring.check_connection`, registering what it learns with the log filter."""
        from app.wiring.client import check_connection

        return functools.partial(check_connection, secrets=self._secrets)

    def edit(self, parent: QWidget, current: Settings) -> Settings | None:
        """Open the settings dialog (modal); save and return the accepted settings."""
        tasks = DialogTasks(self._runner, self._keyring)
        self.dialog_tasks = tasks
        dialog = SettingsDialog(
            current,
            self._store,
            connection_tester=self.connection_tester(),  # type: ignore[arg-type]
            run_in_background=tasks.run,
            keyring_run=tasks.run_in_lane,
            ask=self.prompts.ask if self._custom_prompts else None,
            parent=parent,
        )
        self.dialogOpened.emit(dialog)
        self._editing = True
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            new = dialog.result_settings()
        finally:
            self._editing = False
            tasks.release(dialog)
        if not accepted:
            return None
        self._remember_secret(new.appid)
        self.save(new)
        return new

    def save(self, new: Settings) -> None:
        """Store `new` (not in the demo, which has no settings file) and make it current.

        The one save path of the window: the dialog and the window's own changes (the
        printer picker, print on scan) both come here; a failed write is told, not hidden.
        The file is written in the background helper's lane (the GUI thread never waits on
        the disk), one save after another; the window's closing finishes what is left.
        """
        store = self._settings_store
        if store is not None:
            self._saves.run(store.save, new, on_error=functools.partial(self._not_saved, store))
        self._slot.settings = new

    def _not_saved(self, store: SettingsStore, exc: BaseException) -> None:
        log.warning("could not save the settings to %s: %s", store.path, exc)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else None
        self.prompts.inform(
            self.tr("Settings not saved"),
            self.tr("The settings could not be written to {0}: {1}").format(
                store.path, reason or type(exc).__name__
            ),
        )

    def _remember_secret(self, appid: str) -> None:
        """Register the saved AppSecret with the log filter, read in the keyring lane (a
        keyring that cannot be read has nothing to register)."""
        secrets = self._secrets
        if secrets is None or not appid:
            return
        self._keyring.run(
            self._store.get_secret, appid, on_done=secrets.add, on_error=lambda _exc: None
        )

    # --- first run -------------------------------------------------------------------------

    def needs_setup(self) -> bool:
        """True when no fetch could authenticate with what is configured now."""
        return not is_configured(self._slot.settings, self._env, self._store)

    def first_run(self, window: SetupHost) -> None:
        """Open the settings dialog over `window` if nothing is configured. Whether it is
        (a keyring read) is asked in the keyring lane; the dialog opens on the answer,
        unless the window is gone or a settings dialog is open by then."""
        self._keyring.run(self.needs_setup, on_done=functools.partial(self._set_up, window))

    def _set_up(self, window: SetupHost, needed: bool) -> None:
        if not shiboken6.isValid(self):
            return  # closed with its window meanwhile
        self.setupChecked.emit(needed)
        if not needed or self._editing:
            return
        if isinstance(window, QObject) and not shiboken6.isValid(window):
            return
        log.info("no credentials configured: opening the settings")
        window.tell(self.tr("Set up the account first: AppID and AppSecret."))
        window.open_settings()

    # --- the waybill source --------------------------------------------------------------

    def make_source(self) -> WaybillSource:
        """A WeChat client for the settings in force, built here and now (raises what is
        missing, with a hint). It reads the keyring in the calling thread: for worker
        threads (the carrier refresh); the window's fetch uses `request_source`."""
        from app.wiring.client import credentials_from_env

        settings = self._slot.settings
        try:
            creds = credentials_from_env(self._env, settings, self._store.get_secret)
        except KeyringUnavailable as exc:
            creds = self._session_credentials(settings, exc)
        return self._build(settings, creds)

    def request_source(self, call: SourceCall) -> None:
        """Build a WeChat client for the settings in force without the GUI thread waiting.

        The keyring is read (and the client built) in the keyring lane; `call` is
        answered on the GUI thread. When the keyring cannot be used, the lane says so and
        the packer is asked here, on the GUI thread, for a session-only AppSecret — unless
        the call was cancelled meanwhile. A cancelled call reads nothing and gets no answer.
        """
        settings = self._slot.settings
        self._keyring.run(
            self._read_and_build,
            settings,
            call.cancel,
            on_done=functools.partial(self._built, call),
            on_error=functools.partial(self._not_built, settings, call),
            on_dropped=close_source,
        )

    def _read_and_build(self, settings: Settings, cancel: threading.Event) -> object:
        """In the keyring lane: the client, or None when nobody waits any more."""
        from app.wiring.client import credentials_from_env

        if cancel.is_set():
            return None
        creds = credentials_from_env(self._env, settings, self._store.get_secret)
        return self._build(settings, creds)

    def _built(self, call: SourceCall, source: object) -> None:
        if source is not None:
            call.ready(cast("WaybillSource", source))

    def _not_built(self, settings: Settings, call: SourceCall, exc: BaseException) -> None:
        if not isinstance(exc, KeyringUnavailable):
            call.failed(exc)
            return
        if not call.wanted or not shiboken6.isValid(self):
            return  # cancelled, or closed with its window: nobody to ask for
        try:
            source = self._build(settings, self._session_credentials(settings, exc))
        except Exception as error:  # declined, or what is still missing
            call.failed(error)
        else:
            call.ready(source)

    def _build(self, settings: Settings, creds: Credentials) -> WaybillSource:
        from app.wiring.client import build_client

        return build_client(settings, creds, secrets=self._secrets)

    def _session_credentials(self, settings: Settings, exc: KeyringUnavailable) -> Credentials:
        """Without a keyring: ask for the AppSecret and keep it in memory for the session."""
        from app.wiring.client import credentials_from_env

        creds = credentials_from_env(self._env, settings)
        if creds.access_token or settings.token_mode is TokenMode.THIRD_PARTY:
            return creds
        if not _on_gui_thread():
            raise CredentialsUnavailable(exc.reason) from None
        reason = exc.reason.text(self._language)
        log.warning("system keyring unavailable: %s", exc.reason.en)
        question = self.tr(
            "{0}\n\nType the AppSecret for {1} now and keep it in memory for this session "
            "only? It is not saved anywhere and is forgotten when the program closes."
        ).format(reason, creds.appid)
        title = self.tr("System keyring unavailable")
        if not self.prompts.ask(title, question):
            raise CredentialsUnavailable(exc.reason) from None
        secret = self.prompts.ask_secret(title, self.tr("AppSecret for {0}:").format(creds.appid))
        if not secret:
            raise CredentialsUnavailable(exc.reason) from None
        if self._secrets is not None:
            self._secrets.add(secret)
        self._store.keep_for_session(creds.appid, secret)
        return replace(creds, secret=secret)


__all__ = [
    "CredentialsFlow",
    "CredentialsUnavailable",
    "Prompts",
    "is_configured",
    "message_box_prompts",
]
