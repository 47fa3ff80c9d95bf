"""Encrypted files at rest for card images and signatures (AES-256-GCM).

Each file is `MAGIC | key id (8 bytes) | nonce (12 bytes) | ciphertext and tag`. The nonce is
random per file. The file's name and its purpose ("card_front", "signature" ...) are bound as
associated data, so a file copied over another one, or read as something it is not, fails to
decrypt instead of showing staff the wrong patient's card.

Names are random (24 bytes, 32 URL-safe characters) and carry no patient data; files live under
`<instance>/protected/`, outside `static/`, readable by the service user only.

Key rotation: the key id records which key sealed a file, so after a new `DATA_ENCRYPTION_KEY`
is configured the old one, listed in `DATA_ENCRYPTION_OLD_KEYS`, still opens older files. Files
are never re-encrypted: the retention purge removes them within `CARD_IMAGE_RETENTION_DAYS`, after
which the old key can be dropped.

Retention uses file modification times. A file is written once and never changed, so its mtime
is when it was stored; no sidecar or database has to be kept consistent with the directory. A
copy that resets mtimes only makes files live longer, never removes one early.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask

from kiosk.config import instance_secret

MAGIC = b"LBE1"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES
KEY_BYTES = 32
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
# A crash between writing and renaming leaves one of these; it holds ciphertext of patient
# data too, so the purge removes it like any stored file.
PARTIAL_PATTERN = re.compile(r"\.([A-Za-z0-9_-]{32})\.partial")
PURPOSE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "test"})
DEVELOPMENT_KEY_FILE = "data_encryption_key"


class SecureStoreError(Exception):
    """Base class of everything the store refuses."""


class InvalidStoredName(SecureStoreError, ValueError):
    """A name the store never hands out: empty, a path, or anything but 32 URL-safe chars."""


class StoredFileMissing(SecureStoreError, LookupError):
    """No file by that name (never stored, deleted, or purged)."""


class StoredFileUnreadable(SecureStoreError):
    """The file fails authentication: changed on disk, swapped with another file, asked for
    under the wrong purpose, or sealed with a key this server does not have."""


def key_id(key: bytes) -> bytes:
    """A short identifier of `key` that reveals nothing about it (a keyed hash)."""
    return hmac.digest(key, b"lobby data encryption key id", "sha256")[:KEY_ID_BYTES]


class EncryptedFileStore:
    """A directory of AES-GCM sealed files; `key` seals new files, `old_keys` still open
    files sealed before a rotation."""

    def __init__(self, root: Path, key: bytes, *, old_keys: Iterable[bytes] = ()) -> None:
        self.root = Path(root)
        self._current_key_id = key_id(_checked_key(key))
        self._ciphers = {key_id(old): AESGCM(_checked_key(old)) for old in old_keys}
        self._ciphers[self._current_key_id] = AESGCM(key)

    def put(self, data: bytes, *, purpose: str) -> str:
        """Encrypt and store `data`; return the new file's random name.

        The file appears under its name only once complete and flushed to disk (write, fsync,
        rename), so a check-in that committed a reference to it survives a power cut.
        """
        _check_purpose(purpose)
        name = secrets.token_urlsafe(24)
        nonce = os.urandom(NONCE_BYTES)
        key_ref = self._current_key_id
        sealed = self._ciphers[key_ref].encrypt(
            nonce, data, _associated_data(key_ref, name, purpose)
        )
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = self.root / f".{name}.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(MAGIC + key_ref + nonce + sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, self.root / name)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        _fsync_directory(self.root)
        return name

    def get(self, name: str, *, purpose: str) -> bytes:
        """Decrypt the file `name`, stored for `purpose`."""
        _check_purpose(purpose)
        try:
            blob = self._path(name).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(f"no protected file named {name}") from None
        if len(blob) < HEADER_BYTES + TAG_BYTES or not blob.startswith(MAGIC):
            raise StoredFileUnreadable(f"protected file {name} is not in the store's format")
        key_ref = blob[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]
        nonce = blob[len(MAGIC) + KEY_ID_BYTES : HEADER_BYTES]
        cipher = self._ciphers.get(key_ref)
        if cipher is None:
            raise StoredFileUnreadable(f"protected file {name} was sealed with an unknown key")
        try:
            return cipher.decrypt(
                nonce, blob[HEADER_BYTES:], _associated_data(key_ref, name, purpose)
            )
        except InvalidTag:
            raise StoredFileUnreadable(
                f"protected file {name} failed authentication (changed, swapped, wrong purpose)"
            ) from None

    def delete(self, name: str) -> None:
        """Remove the file `name`; removing a file that is already gone is not an error, so
        a purge and a staff deletion may race."""
        self._path(name).unlink(missing_ok=True)

    def purge(self, older_than: datetime) -> int:
        """Remove every stored (or half-written) file last written before `older_than`, a
        timezone-aware time; return how many were removed. Other files are left alone."""
        if older_than.tzinfo is None:
            raise ValueError("purge needs a timezone-aware time")
        cutoff = older_than.timestamp()
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return 0
        removed = 0
        for entry in entries:
            if not (NAME_PATTERN.fullmatch(entry.name) or PARTIAL_PATTERN.fullmatch(entry.name)):
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                continue
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                continue
            removed += 1
        return removed

    def _path(self, name: str) -> Path:
        """The file for `name`; anything but a name the store hands out is refused, which
        rules out `../`, absolute paths and hidden files."""
        if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
            raise InvalidStoredName("not a protected file name")
        return self.root / name


def decode_data_key(text: str) -> bytes:
    """Read a 256-bit key written as 64 hex digits or as base64 (standard or URL-safe).

    The message on failure never repeats the value: it is a secret.
    """
    text = text.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text)
    standard = text.replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError("a data encryption key must be 64 hex digits or base64 of 32 bytes")
    return key


def data_encryption_key(app: Flask) -> bytes:
    """The key that seals new files: `DATA_ENCRYPTION_KEY` (`LOBBY_DATA_ENCRYPTION_KEY` in
    deployments); in development and tests, a random key kept in the instance folder.

    Production refuses to invent one: a key beside the files it protects would protect
    nothing in a stolen backup of the instance folder.
    """
    configured = app.config.get("DATA_ENCRYPTION_KEY")
    if configured:
        return decode_data_key(str(configured))
    if app.config.get("ENV_NAME") in DEVELOPMENT_ENVIRONMENTS:
        return bytes.fromhex(instance_secret(app.instance_path, DEVELOPMENT_KEY_FILE))
    raise RuntimeError(
        "Card images and signatures need an encryption key: set LOBBY_DATA_ENCRYPTION_KEY "
        "(e.g. the output of `python -c 'import secrets; print(secrets.token_hex(32))'`)."
    )


def old_data_encryption_keys(app: Flask) -> list[bytes]:
    """Keys from before a rotation (`DATA_ENCRYPTION_OLD_KEYS`), a list or comma-separated
    text; they open older files but never seal new ones."""
    configured = app.config.get("DATA_ENCRYPTION_OLD_KEYS") or []
    if isinstance(configured, str):
        configured = configured.split(",")
    return [decode_data_key(str(text)) for text in configured if str(text).strip()]


def protected_files_root(app: Flask) -> Path:
    """Where sealed files live: `PROTECTED_FILES_DIR`, by default `<instance>/protected`."""
    return Path(app.config.get("PROTECTED_FILES_DIR") or Path(app.instance_path) / "protected")


def store_for(app: Flask) -> EncryptedFileStore:
    """The application's store, built from its configuration."""
    return EncryptedFileStore(
        protected_files_root(app),
        data_encryption_key(app),
        old_keys=old_data_encryption_keys(app),
    )


def _checked_key(key: bytes) -> bytes:
    """Refuse keys of the wrong size before AES-GCM silently accepts a 128-bit one."""
    if len(key) != KEY_BYTES:
        raise ValueError("a data encryption key must be 32 bytes")
    return key


def _check_purpose(purpose: str) -> None:
    """Purposes are short identifiers, so the associated data cannot be ambiguous."""
    if not PURPOSE_PATTERN.fullmatch(purpose):
        raise ValueError("purpose must be a lowercase identifier such as 'card_front'")


def _associated_data(key_ref: bytes, name: str, purpose: str) -> bytes:
    """What the tag authenticates besides the ciphertext: format, key, name and purpose."""
    return MAGIC + key_ref + name.encode("ascii") + b"\x00" + purpose.encode("ascii")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
