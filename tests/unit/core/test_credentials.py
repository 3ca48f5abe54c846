"""Tests for app.core.credentials with in-memory and failing keyring backends."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from app.core.credentials import (
    SECRET_ENV,
    SERVICE,
    CredentialStore,
    KeyringUnavailable,
    resolve_secret,
)
from tests.unit.core.memory_keyring import MemoryKeyring
from tests.unit.ui.held_keyring import HeldKeyring

APPID = "wx1234567890abcdef"
SECRET = "s3cr3t-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_save_read_change_forget(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore(memory_keyring)
    assert store.get_secret(APPID) is None
    store.save_secret(APPID, SECRET)
    assert memory_keyring.passwords == {(SERVICE, APPID): SECRET}
    assert store.get_secret(APPID) == SECRET
    assert not store.is_session_only(APPID)
    store.save_secret(APPID, "changed")
    assert store.get_secret(APPID) == "changed"
    store.forget(APPID)
    assert store.get_secret(APPID) is None
    assert memory_keyring.passwords == {}


def test_a_second_store_on_the_same_keyring_sees_the_secret(memory_keyring: MemoryKeyring) -> None:
    CredentialStore(memory_keyring).save_secret(APPID, SECRET)
    assert CredentialStore(memory_keyring).get_secret(APPID) == SECRET
    assert CredentialStore(memory_keyring).get_secret("wxother") is None


def test_forgetting_a_missing_entry_is_fine(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore(memory_keyring)
    store.forget(APPID)
    store.forget("")
    assert memory_keyring.passwords == {}


def test_session_secret_comes_first_and_is_not_stored(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore(memory_keyring)
    memory_keyring.set_password(SERVICE, APPID, "from-keyring")
    store.keep_for_session(APPID, SECRET)
    assert store.is_session_only(APPID)
    assert store.get_secret(APPID) == SECRET
    assert memory_keyring.passwords == {(SERVICE, APPID): "from-keyring"}
    store.save_secret(APPID, "saved")  # a stored secret replaces the session one
    assert not store.is_session_only(APPID)
    assert store.get_secret(APPID) == "saved"


def test_empty_appid(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore(memory_keyring)
    assert store.get_secret("") is None
    with pytest.raises(ValueError):
        store.save_secret("", SECRET)
    with pytest.raises(ValueError):
        store.keep_for_session("", SECRET)


def test_default_backend_is_taken_at_construction(memory_keyring: MemoryKeyring) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring)
    try:
        store = CredentialStore()
    finally:
        keyring.set_keyring(previous)
    assert store.backend is memory_keyring
    assert "MemoryKeyring" in store.backend_name()


def files_containing(roots: list[Path], needle: str) -> set[Path]:
    found: set[Path] = set()
    data = needle.encode()
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            try:
                if path.is_file() and data in path.read_bytes():
                    found.add(path)
            except OSError:
                continue
    return found


@pytest.fixture
def scanned_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    monkeypatch.chdir(tmp_path)
    roots = [tmp_path, Path.home() / ".local" / "share" / "python_keyring"]
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        roots.append(Path(os.environ[var]))
    yield roots


def test_no_keyring_offers_session_only_and_writes_nothing(
    default_keyring_fail: fail.Keyring, scanned_dirs: list[Path]
) -> None:
    before = files_containing(scanned_dirs, SECRET)
    store = CredentialStore()  # the platform default is the failing backend here
    assert "fail" in store.backend_name().lower()
    with pytest.raises(KeyringUnavailable) as caught:
        store.save_secret(APPID, SECRET)
    reason = caught.value.reason
    assert reason.en.startswith("No system keyring is available (no Secret Service running).")
    assert "for this session only" in reason.en
    assert "密钥环" in reason.zh
    assert SECRET not in str(caught.value)
    with pytest.raises(KeyringUnavailable):
        store.get_secret(APPID)
    with pytest.raises(KeyringUnavailable):
        store.probe()

    store.keep_for_session(APPID, SECRET)
    assert store.is_session_only(APPID)
    assert store.get_secret(APPID) == SECRET
    assert files_containing(scanned_dirs, SECRET) == before == set()

    with pytest.raises(KeyringUnavailable):
        store.forget(APPID)  # the keyring part fails...
    assert not store.is_session_only(APPID)  # ...but the memory copy is gone


class BrokenKeyring(MemoryKeyring):
    """Raises a chosen keyring error on every call."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "phrase"),
    [
        (keyring.errors.NoKeyringError("none"), "No system keyring is available"),
        (keyring.errors.KeyringLocked("locked"), "keyring is locked"),
        (keyring.errors.InitError("no bus"), "could not be opened (no bus)"),
        (keyring.errors.PasswordSetError("denied"), "refused to store the secret (denied)"),
        (ConnectionError("dbus went away"), "ConnectionError (dbus went away)"),
    ],
)
def test_keyring_errors_become_keyring_unavailable(error: Exception, phrase: str) -> None:
    store = CredentialStore(BrokenKeyring(error))
    with pytest.raises(KeyringUnavailable) as caught:
        store.save_secret(APPID, SECRET)
    assert phrase in caught.value.reason.en
    assert caught.value.reason.zh
    assert caught.value.__suppress_context__


def test_delete_refused_while_entry_remains() -> None:
    class Stubborn(MemoryKeyring):
        def delete_password(self, service: str, username: str) -> None:
            raise keyring.errors.PasswordDeleteError("not allowed")

    backend = Stubborn()
    backend.set_password(SERVICE, APPID, SECRET)
    with pytest.raises(KeyringUnavailable) as caught:
        CredentialStore(backend).forget(APPID)
    assert "refused to delete" in caught.value.reason.en


def test_a_keyring_that_silently_drops_the_secret_is_reported() -> None:
    class Forgetful(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            return None

    with pytest.raises(KeyringUnavailable) as caught:
        CredentialStore(Forgetful()).save_secret(APPID, SECRET)
    assert "did not keep" in caught.value.reason.en


def test_probe_asks_a_working_keyring_and_changes_nothing() -> None:
    class Reading(MemoryKeyring):
        def __init__(self) -> None:
            super().__init__()
            self.reads: list[tuple[str, str]] = []

        def get_password(self, service: str, username: str) -> str | None:
            self.reads.append((service, username))
            return super().get_password(service, username)

    backend = Reading()
    backend.set_password(SERVICE, APPID, SECRET)
    CredentialStore(backend).probe()
    assert backend.reads and all(service == SERVICE for service, _user in backend.reads)
    assert backend.passwords == {(SERVICE, APPID): SECRET}  # nothing written or removed


def test_resolve_secret_env_wins(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore(memory_keyring)
    store.save_secret(APPID, SECRET)
    assert resolve_secret(APPID, {SECRET_ENV: "from-env"}, store) == "from-env"
    assert resolve_secret(APPID, {SECRET_ENV: ""}, store) == SECRET
    assert resolve_secret(APPID, {}, store) == SECRET
    assert resolve_secret("wxother", {}, store) is None


def test_resolve_secret_without_keyring(default_keyring_fail: fail.Keyring) -> None:
    store = CredentialStore()
    assert resolve_secret(APPID, {SECRET_ENV: "from-env"}, store) == "from-env"
    with pytest.raises(KeyringUnavailable):
        resolve_secret(APPID, {}, store)


def test_one_keyring_call_at_a_time_a_second_reader_waits_for_the_first() -> None:
    """A locked keyring asks for its password on the first read; a second thread's read
    (the carrier refresh beside the fetch) waits for it instead of asking again."""
    backend = HeldKeyring(SERVICE)
    backend.passwords[(SERVICE, "wx1")] = "s3cret"
    store = CredentialStore(backend)
    answers: list[str | None] = []
    readers = [
        threading.Thread(target=lambda: answers.append(store.get_secret("wx1"))) for _ in range(2)
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 5
    while not backend.threads and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(backend.threads) == 1  # the first call is in the keyring, held
    readers[0].join(0.2)
    readers[1].join(0.2)
    assert len(backend.threads) == 1 and answers == []  # the second waits outside it
    backend.release.set()
    for reader in readers:
        reader.join(5)
    assert len(backend.threads) == 2 and answers == ["s3cret", "s3cret"]
