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
from tests.helpers import app_config, migrate_from_empty


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


POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/lobby_pool_settings"


def test_postgresql_pool_keeps_a_connection_per_thread_and_request() -> None:
    app = create_app(app_config(POSTGRES_URL))
    with app.app_context():
        pool = db.engine.pool
        # Two connections per request (ORM session and session purge) × 4 gunicorn threads.
        assert pool.size() == 8  # type: ignore[attr-defined]
        assert pool._max_overflow == 4  # type: ignore[attr-defined]
        assert pool._recycle == 1800
        assert pool._pre_ping is True


def test_pool_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOBBY_DATABASE_URL", POSTGRES_URL)
    monkeypatch.setenv("LOBBY_DATABASE_POOL_SIZE", "12")
    monkeypatch.setenv("LOBBY_DATABASE_POOL_MAX_OVERFLOW", "0")
    monkeypatch.setenv("LOBBY_DATABASE_POOL_RECYCLE", "-1")
    app = create_app()
    with app.app_context():
        assert db.engine.pool.size() == 12  # type: ignore[attr-defined]
        assert db.engine.pool._max_overflow == 0  # type: ignore[attr-defined]
        assert db.engine.pool._recycle == -1


def test_sqlite_engines_take_no_postgresql_pool_settings(fresh_instance: Path) -> None:
    app = create_app(app_config(f"sqlite:///{fresh_instance / 'lobby.sqlite'}"))
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        db.engine.dispose()


def test_a_purged_name_leaves_neither_the_sqlite_file_nor_its_log(fresh_instance: Path) -> None:
    """A walk-in's typed name, deleted with its session, must not linger in free pages or in
    the write-ahead log after `flask housekeeping`."""
    database = fresh_instance / "lobby.sqlite"
    url = f"sqlite:///{database}"
    migrate_from_empty(url)
    app = create_app(app_config(url))
    marker = "Zyxwvutsynthetic"
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO kiosk_sessions (id_hash, data, created_at, expires_at)"
                    " VALUES ('x', :data, '2026-01-01', '2026-01-01')"
                ),
                {"data": f'{{"walk_in": {{"last_name": "{marker}"}}}}'},
            )
        with db.engine.connect():  # a server keeps connections open: SQLite keeps its log
            result = app.test_cli_runner().invoke(args=["housekeeping"])
            files = {path.name: path.read_bytes() for path in (database, Path(f"{database}-wal"))}
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert {name: marker.encode() in content for name, content in files.items()} == {
        name: False for name in files
    }
    assert "1 expired session(s) ended." in result.output
