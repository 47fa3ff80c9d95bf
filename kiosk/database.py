"""Database engine setup: SQLite tuned for a kiosk server, PostgreSQL as it comes.

SQLite needs per-connection pragmas: WAL so readers never block the writer, a busy timeout so
two kiosks writing at once wait instead of failing, foreign keys (off by default in SQLite), and
`synchronous=FULL` so a committed check-in survives a power cut. The database file and its WAL and
shared-memory files hold patient data: they are readable by the service user only (SQLite gives
the WAL and SHM files the database file's mode, so the file is created private before SQLite
opens it, and tightened at every new connection for files left readable by an earlier version).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from kiosk.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=FULL",
    # Deleted rows (a purged walk-in's name) are overwritten, not left in free pages.
    "PRAGMA secure_delete=ON",
)


SQLITE_FILE_MODE = 0o600
SQLITE_COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")


def apply_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Run on every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def checkpoint_sqlite_log() -> str:
    """Copy SQLite's write-ahead log into the database and empty it, so rows a purge deleted
    (overwritten there by `secure_delete`) survive in neither file; a no-op on PostgreSQL."""
    if db.engine.dialect.name != "sqlite":
        return "No write-ahead log to checkpoint (not SQLite)."
    with db.engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        return "SQLite log checkpoint postponed: another connection is reading."
    return "SQLite log checkpointed and emptied."


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a file-backed SQLite engine (None for an in-memory database)."""
    name = engine.url.database
    return Path(name) if name and name != ":memory:" and not name.startswith("file:") else None


def create_private_file(path: Path) -> None:
    """Create an empty file readable by the service user only, if it does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, SQLITE_FILE_MODE))


def make_sqlite_files_private(database: Path) -> None:
    """Tighten the database and whichever of its WAL, SHM and journal files exist."""
    for suffix in SQLITE_COMPANION_SUFFIXES:
        path = Path(f"{database}{suffix}")
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(SQLITE_FILE_MODE)


def protect_sqlite_files(engine: Engine) -> None:
    """Keep a file-backed SQLite database private from its first byte and on every connect."""
    database = sqlite_file(engine)
    if database is None:
        return
    create_private_file(database)

    def on_connect(_dbapi_connection: Any, _record: Any) -> None:
        make_sqlite_files_private(database)

    event.listen(engine, "connect", on_connect)


def init_app(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and, for SQLite, the pragmas and private files."""
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            protect_sqlite_files(engine)
            event.listen(engine, "connect", apply_sqlite_pragmas)


def dialect_insert(table: Any) -> Any:
    """An INSERT for the session's database that supports `on_conflict_do_update` (an upsert):
    PostgreSQL and SQLite spell it alike, but SQLAlchemy keeps their constructs apart."""
    name = db.session.get_bind().dialect.name
    return (postgresql_insert if name == "postgresql" else sqlite_insert)(table)
