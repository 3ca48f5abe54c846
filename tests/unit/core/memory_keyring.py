"""An in-memory keyring backend for tests (never picked by keyring on its own)."""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend
from keyring.compat import properties


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict; never chosen by keyring on its own."""

    @properties.classproperty
    def priority(cls) -> float:
        # Raising makes keyring treat the class as not viable, so it is never picked
        # automatically; tests hand an instance in explicitly.
        raise RuntimeError("test-only backend")

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("Password not found") from None
