"""Database engine setup: SQLite tuned for a kiosk server, PostgreSQL as it comes.

SQLite needs per-connection pragmas: WAL so readers never block the writer, a busy timeout so
two kiosks writing at once wait instead of failing, foreign keys (off by default in SQLite), and
`synchronous=FULL` so a committed check-in survives a power cut.
"""

from __future__ import annotations

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
)


def apply_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Run on every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def init_app(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and, for SQLite, the pragmas."""
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", apply_sqlite_pragmas)


def dialect_insert(table: Any) -> Any:
    """An INSERT for the session's database that supports `on_conflict_do_update` (an upsert):
    PostgreSQL and SQLite spell it alike, but SQLAlchemy keeps their constructs apart."""
    name = db.session.get_bind().dialect.name
    return (postgresql_insert if name == "postgresql" else sqlite_insert)(table)
