"""The AppSecret: kept in the OS keyring, or in memory for one session — never on disk.

`CredentialStore` wraps one `keyring` backend (handed in, or the platform's default at
construction time). Every keyring failure becomes `KeyringUnavailable` carrying a `Hint`
that says what is wrong and that a session-only secret is possible. There is deliberately
no plaintext fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail

from app.core.model import Hint

SERVICE = "waybill-printer"
SECRET_ENV = "WAYBILL_APPSECRET"

_SESSION_OFFER = Hint(
    " You can keep the secret for this session only; it will be forgotten when the program closes.",
    "可以仅在本次运行中保存密钥，程序关闭后即被遗忘。",
)


def _with_offer(en: str, zh: str) -> Hint:
    return Hint(en + _SESSION_OFFER.en, zh + _SESSION_OFFER.zh)


NO_KEYRING = _with_offer(
    "No system keyring is available (no Secret Service running).",
    "没有可用的系统密钥环（未运行 Secret Service）。",
)


class KeyringUnavailable(Exception):
    """The OS keyring cannot be used; `reason` says why and what the user can do."""

    def __init__(self, reason: Hint) -> None:
        super().__init__(reason.en)
        self.reason = reason


def _detail(exc: BaseException) -> str:
    text = str(exc).strip()
    return f" ({text})" if text else ""


def _translate(exc: Exception) -> KeyringUnavailable:
    """The user-facing form of a keyring backend failure."""
    if isinstance(exc, keyring.errors.NoKeyringError):
        return KeyringUnavailable(NO_KEYRING)
    if isinstance(exc, keyring.errors.KeyringLocked):
        return KeyringUnavailable(
            _with_offer(
                "The system keyring is locked. Unlock it (for example by logging in to the "
                "desktop) and try again.",
                "系统密钥环已锁定。请先解锁（例如登录桌面会话）后重试。",
            )
        )
    if isinstance(exc, keyring.errors.InitError):
        return KeyringUnavailable(
            _with_offer(
                f"The system keyring could not be opened{_detail(exc)}.",
                f"无法打开系统密钥环{_detail(exc)}。",
            )
        )
    if isinstance(exc, keyring.errors.PasswordSetError):
        return KeyringUnavailable(
            _with_offer(
                f"The system keyring refused to store the secret{_detail(exc)}.",
                f"系统密钥环拒绝保存密钥{_detail(exc)}。",
            )
        )
    if isinstance(exc, keyring.errors.PasswordDeleteError):
        return KeyringUnavailable(
            Hint(
                f"The system keyring refused to delete the secret{_detail(exc)}.",
                f"系统密钥环拒绝删除密钥{_detail(exc)}。",
            )
        )
    return KeyringUnavailable(
        _with_offer(
            f"The system keyring failed: {type(exc).__name__}{_detail(exc)}.",
            f"系统密钥环出错：{type(exc).__name__}{_detail(exc)}。",
        )
    )


class CredentialStore:
    """AppSecrets by AppID: the OS keyring, plus secrets kept in memory for this session."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend if backend is not None else keyring.get_keyring()
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()
        self._keyring_lock = threading.Lock()
        """One keyring call at a time: a locked keyring asks for its password once, not
        once for every thread that reads it (the fetch's lane, the carrier refresh), and
        a save's read-back sees its own write."""

    @property
    def backend(self) -> KeyringBackend:
        return self._backend

    def backend_name(self) -> str:
        """A readable name of the keyring backend in use (e.g. "SecretService Keyring")."""
        backend = self._backend
        if isinstance(backend, chainer.ChainerBackend):
            inner = ", ".join(type(b).name for b in backend.backends)
            return f"{type(backend).name} [{inner}]"
        return str(type(backend).name)

    def _check_usable(self) -> None:
        backend = self._backend
        if isinstance(backend, fail.Keyring) or (
            isinstance(backend, chainer.ChainerBackend) and not backend.backends
        ):
            raise KeyringUnavailable(NO_KEYRING)

    def probe(self) -> None:
        """Raise `KeyringUnavailable` unless the keyring answers a read."""
        self._check_usable()
        try:
            with self._keyring_lock:
                self._backend.get_password(SERVICE, "probe")
        except Exception as exc:
            raise _translate(exc) from None

    def get_secret(self, appid: str) -> str | None:
        """The session secret if one is kept, else the keyring's entry, else None."""
        if not appid:
            return None
        with self._lock:
            if appid in self._session:
                return self._session[appid]
        self._check_usable()
        try:
            with self._keyring_lock:
                return self._backend.get_password(SERVICE, appid)
        except Exception as exc:
            raise _translate(exc) from None

    def save_secret(self, appid: str, secret: str) -> None:
        """Store the secret in the keyring (replacing any session-only secret)."""
        if not appid:
            raise ValueError("an AppID is needed to store a secret")
        self._check_usable()
        try:
            with self._keyring_lock:
                self._backend.set_password(SERVICE, appid, secret)
                stored = self._backend.get_password(SERVICE, appid)
        except Exception as exc:
            raise _translate(exc) from None
        if stored != secret:
            raise KeyringUnavailable(
                _with_offer(
                    "The system keyring did not keep the secret.",
                    "系统密钥环未能保存密钥。",
                )
            )
        with self._lock:
            self._session.pop(appid, None)

    def keep_for_session(self, appid: str, secret: str) -> None:
        """Hold the secret in memory only; it is gone when the program exits."""
        if not appid:
            raise ValueError("an AppID is needed to keep a secret")
        with self._lock:
            self._session[appid] = secret

    def is_session_only(self, appid: str) -> bool:
        """Whether the secret for `appid` is held in memory for this session."""
        with self._lock:
            return appid in self._session

    def forget(self, appid: str) -> None:
        """Remove the secret from memory and the keyring; a missing entry is fine."""
        with self._lock:
            self._session.pop(appid, None)
        if not appid:
            return
        self._check_usable()
        with self._keyring_lock:
            try:
                self._backend.delete_password(SERVICE, appid)
            except keyring.errors.PasswordDeleteError as exc:
                try:
                    still_there = self._backend.get_password(SERVICE, appid) is not None
                except Exception as inner:
                    raise _translate(inner) from None
                if still_there:
                    raise _translate(exc) from None
            except Exception as exc:
                raise _translate(exc) from None


def resolve_secret(appid: str, env: Mapping[str, str], store: CredentialStore) -> str | None:
    """`$WAYBILL_APPSECRET` if set, else the store's secret (may raise `KeyringUnavailable`)."""
    from_env = env.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env
    return store.get_secret(appid)
