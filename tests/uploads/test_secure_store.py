"""The encrypted store: what is on disk cannot be read, changed, swapped or reached by path
tricks, and the key comes from configuration (or, in development, the instance folder)."""

from __future__ import annotations

import base64
import os
import secrets
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from kiosk.uploads.secure_store import (
    EncryptedFileStore,
    InvalidStoredName,
    StoredFileMissing,
    StoredFileUnreadable,
    data_encryption_key,
    decode_data_key,
    store_for,
)

CARD = b"\xff\xd8\xff" + b"MEMBER ID XYZ123456789 GROUP 0042 " * 40
KEY = bytes(range(32))
OTHER_KEY = bytes(range(32, 64))


@pytest.fixture
def store(tmp_path: Path) -> EncryptedFileStore:
    """A store in a fresh directory with a fixed key."""
    return EncryptedFileStore(tmp_path / "protected", KEY)


def bare_app(tmp_path: Path, **config: object) -> Flask:
    """A Flask app with only what the store reads: instance folder and configuration."""
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    Path(app.instance_path).mkdir()
    app.config.update({"ENV_NAME": "production", "PROTECTED_FILES_DIR": "", **config})
    return app


def test_round_trip_returns_exactly_what_was_stored(store: EncryptedFileStore) -> None:
    name = store.put(CARD, purpose="card_front")
    assert store.get(name, purpose="card_front") == CARD
    assert len(name) == 32
    assert set(name) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_disk_holds_ciphertext_readable_by_the_service_user_only(
    store: EncryptedFileStore,
) -> None:
    name = store.put(CARD, purpose="card_front")
    path = store.root / name
    on_disk = path.read_bytes()
    assert b"MEMBER ID" not in on_disk
    assert b"XYZ123456789" not in on_disk
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert [entry.name for entry in store.root.iterdir()] == [name], "no partial files left"


def test_same_card_twice_gives_different_names_and_ciphertexts(
    store: EncryptedFileStore,
) -> None:
    first, second = store.put(CARD, purpose="card_front"), store.put(CARD, purpose="card_front")
    assert first != second
    assert (store.root / first).read_bytes() != (store.root / second).read_bytes()


@pytest.mark.parametrize(
    "offset", [0, 5, 14, 30, -1, -17], ids=["magic", "key id", "nonce", "body", "tag", "last"]
)
def test_changing_any_byte_is_detected(store: EncryptedFileStore, offset: int) -> None:
    name = store.put(CARD, purpose="card_front")
    path = store.root / name
    blob = bytearray(path.read_bytes())
    blob[offset] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(StoredFileUnreadable):
        store.get(name, purpose="card_front")


def test_swapped_files_do_not_show_the_other_patients_card(store: EncryptedFileStore) -> None:
    mine = store.put(b"card of patient A", purpose="card_front")
    theirs = store.put(b"card of patient B", purpose="card_front")
    mine_blob, theirs_blob = (store.root / mine).read_bytes(), (store.root / theirs).read_bytes()
    (store.root / mine).write_bytes(theirs_blob)
    (store.root / theirs).write_bytes(mine_blob)
    for name in (mine, theirs):
        with pytest.raises(StoredFileUnreadable):
            store.get(name, purpose="card_front")


def test_a_file_cannot_be_read_as_another_purpose(store: EncryptedFileStore) -> None:
    name = store.put(b"signature", purpose="signature")
    with pytest.raises(StoredFileUnreadable):
        store.get(name, purpose="card_front")


def test_wrong_key_cannot_read(store: EncryptedFileStore) -> None:
    name = store.put(CARD, purpose="card_front")
    with pytest.raises(StoredFileUnreadable):
        EncryptedFileStore(store.root, OTHER_KEY).get(name, purpose="card_front")


def test_after_key_rotation_old_files_open_and_new_files_use_the_new_key(
    store: EncryptedFileStore,
) -> None:
    before = store.put(b"sealed before rotation", purpose="card_back")
    rotated = EncryptedFileStore(store.root, OTHER_KEY, old_keys=[KEY])
    after = rotated.put(b"sealed after rotation", purpose="card_back")
    assert rotated.get(before, purpose="card_back") == b"sealed before rotation"
    assert rotated.get(after, purpose="card_back") == b"sealed after rotation"
    with pytest.raises(StoredFileUnreadable):
        store.get(after, purpose="card_back")


def test_a_file_cut_short_is_unreadable(store: EncryptedFileStore) -> None:
    name = store.put(CARD, purpose="card_front")
    (store.root / name).write_bytes(b"LBE1")
    with pytest.raises(StoredFileUnreadable):
        store.get(name, purpose="card_front")


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "/etc/passwd",
        "",
        ".",
        "..",
        "A" * 31 + "/",
        "../" + "A" * 29,
        "A" * 33,
        "." + "A" * 31,
        "A" * 31 + "\x00",
    ],
)
def test_names_the_store_never_hands_out_are_refused(store: EncryptedFileStore, name: str) -> None:
    for use in (lambda: store.get(name, purpose="card_front"), lambda: store.delete(name)):
        with pytest.raises(InvalidStoredName):
            use()


def test_unknown_purpose_formats_are_refused(store: EncryptedFileStore) -> None:
    with pytest.raises(ValueError, match="purpose"):
        store.put(CARD, purpose="card/front\x00")


def test_missing_and_deleted_files(store: EncryptedFileStore) -> None:
    name = store.put(CARD, purpose="card_front")
    store.delete(name)
    store.delete(name)  # a purge and a staff deletion may race
    with pytest.raises(StoredFileMissing):
        store.get(name, purpose="card_front")


def age(path: Path, days: float) -> None:
    """Pretend `path` was written `days` ago."""
    then = (datetime.now(UTC) - timedelta(days=days)).timestamp()
    os.utime(path, (then, then))


def test_purge_removes_only_files_older_than_the_cutoff(store: EncryptedFileStore) -> None:
    old = [store.put(b"old %d" % number, purpose="card_front") for number in range(2)]
    recent = store.put(b"recent", purpose="card_front")
    for name in old:
        age(store.root / name, 40)
    crash_leftover = store.root / f".{secrets.token_urlsafe(24)}.partial"
    crash_leftover.write_bytes(b"ciphertext from an interrupted write")
    age(crash_leftover, 40)
    unrelated = store.root / "README"
    unrelated.write_text("left by an administrator")
    age(unrelated, 400)

    removed = store.purge(datetime.now(UTC) - timedelta(days=30))

    assert removed == 3
    assert store.get(recent, purpose="card_front") == b"recent"
    for name in old:
        with pytest.raises(StoredFileMissing):
            store.get(name, purpose="card_front")
    assert not crash_leftover.exists()
    assert unrelated.exists()
    assert store.purge(datetime.now(UTC) - timedelta(days=30)) == 0


def test_purge_of_a_store_never_written_to_removes_nothing(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "never-created", KEY)
    assert store.purge(datetime.now(UTC)) == 0


def test_purge_needs_a_timezone_aware_cutoff(store: EncryptedFileStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        store.purge(datetime.now())


def test_key_must_be_256_bits(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        EncryptedFileStore(tmp_path, KEY[:16])


@pytest.mark.parametrize(
    "text",
    [
        KEY.hex(),
        KEY.hex().upper(),
        base64.b64encode(KEY).decode(),
        base64.urlsafe_b64encode(KEY).decode().rstrip("="),
        f"  {KEY.hex()}\n",
    ],
    ids=["hex", "HEX", "base64", "url-safe unpadded", "whitespace"],
)
def test_configured_keys_are_read_as_hex_or_base64(text: str) -> None:
    assert decode_data_key(text) == KEY


@pytest.mark.parametrize(
    "text", ["", "not a key", KEY.hex()[:-2], base64.b64encode(KEY[:16]).decode(), "zz" * 32]
)
def test_malformed_keys_are_refused_without_echoing_them(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        decode_data_key(text)
    assert not text.strip() or text.strip() not in str(refused.value)


def test_configured_key_is_used_and_old_keys_still_open_files(tmp_path: Path) -> None:
    app = bare_app(tmp_path, DATA_ENCRYPTION_KEY=KEY.hex())
    name = store_for(app).put(CARD, purpose="card_front")
    assert store_for(app).root == Path(app.instance_path) / "protected"
    app.config.update(
        DATA_ENCRYPTION_KEY=base64.b64encode(OTHER_KEY).decode(),
        DATA_ENCRYPTION_OLD_KEYS=f"{KEY.hex()}",
    )
    assert store_for(app).get(name, purpose="card_front") == CARD
    app.config["DATA_ENCRYPTION_OLD_KEYS"] = []
    with pytest.raises(StoredFileUnreadable):
        store_for(app).get(name, purpose="card_front")


def test_development_key_is_created_once_in_the_instance_folder(tmp_path: Path) -> None:
    app = bare_app(tmp_path, ENV_NAME="development")
    key = data_encryption_key(app)
    key_file = Path(app.instance_path) / "data_encryption_key"
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert data_encryption_key(app) == key


def test_production_without_a_key_refuses_to_store(tmp_path: Path) -> None:
    app = bare_app(tmp_path)
    with pytest.raises(RuntimeError, match="LOBBY_DATA_ENCRYPTION_KEY"):
        store_for(app)
    assert not (Path(app.instance_path) / "data_encryption_key").exists()
