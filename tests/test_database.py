"""The one-box installation keeps patient data readable by the service user only.

The SQLite database and its WAL and shared-memory files hold check-ins; the instance folder
also holds the keys. Other accounts on the kiosk server must not read any of them.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk import create_app
from kiosk.extensions import db
from tests.conftest import migrate_from_empty
from tests.helpers import app_config


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An instance folder that does not exist yet, under the usual umask."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("LOBBY_INSTANCE_PATH", str(instance))
    return instance


def test_first_start_creates_a_private_instance_folder(fresh_instance: Path) -> None:
    create_app(app_config("sqlite://"))
    assert mode_of(fresh_instance) == 0o700


def test_an_existing_readable_instance_folder_is_made_private(fresh_instance: Path) -> None:
    fresh_instance.mkdir(mode=0o755)
    fresh_instance.chmod(0o755)
    create_app(app_config("sqlite://"))
    assert mode_of(fresh_instance) == 0o700


def test_database_and_its_wal_and_shm_files_are_private(fresh_instance: Path) -> None:
    database = fresh_instance / "lobby.sqlite"
    url = f"sqlite:///{database}"
    migrate_from_empty(url)
    app = create_app(app_config(url))
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE visit_note (body TEXT)"))
            connection.execute(text("INSERT INTO visit_note VALUES ('synthetic')"))
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: mode_of(path) for path in files} == {path.name: 0o600 for path in files}
        db.engine.dispose()


def test_a_readable_database_from_an_earlier_version_is_made_private(
    fresh_instance: Path,
) -> None:
    fresh_instance.mkdir()
    database = fresh_instance / "lobby.sqlite"
    database.touch(mode=0o644)
    database.chmod(0o644)
    app = create_app(app_config(f"sqlite:///{database}"))
    with app.app_context():
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert mode_of(database) == 0o600
        db.engine.dispose()
