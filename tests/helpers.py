"""Helpers shared by test modules (fixtures live in conftest.py): form tokens, the test
application's configuration, and building each test database from the migrations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import Connection, insert, make_url, text

from kiosk import create_app
from kiosk.audit.chain import GENESIS_HASH, HEAD_ID
from kiosk.config import normalise_database_url
from kiosk.extensions import db
from kiosk.models import AuditChainHead

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token a page hands to its forms."""
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def midday_timezone(now: datetime | None = None) -> str:
    """An IANA fixed-offset zone in which it is between 10:00 and 14:00 now. (POSIX-style
    names invert the sign: "Etc/GMT-3" is three hours ahead of UTC.)"""
    hour = (now or datetime.now(UTC)).hour
    ahead = 12 - hour  # -11 ... +12 hours, all of which exist as Etc/GMT zones
    return "Etc/GMT" if ahead == 0 else f"Etc/GMT{-ahead:+d}"


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Configuration for an application under test."""
    config: dict[str, Any] = {
        "TESTING": True,
        "ENV_NAME": "test",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "FACILITY_NAME": "Lobby test hospital",
        "HELP_DESK_PHONE": "555-0100",
        # Identity lookups are padded to a minimum duration in production; tests need no wait.
        "IDENTIFY_MIN_SECONDS": 0,
        # Tests book appointments minutes from the real clock; a facility where it is midday
        # keeps "today" from ending between two of them, whenever the suite runs.
        "FACILITY_TIMEZONE": midday_timezone(),
    }
    config.update(overrides)
    return config


DEFAULT_TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/lobby_test"
POSTGRES_HINT = (
    "PostgreSQL is needed for the data tests. Start it (Debian: "
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point "
    "LOBBY_TEST_POSTGRES_URL at a server where the tests may create a database."
)


def ensure_postgres_database(url: str) -> str:
    """Create the test database if the server lacks it; return the SQLAlchemy URL."""
    parsed = make_url(normalise_database_url(url))
    maintenance = parsed.set(drivername="postgresql", database="postgres")
    try:
        conninfo = maintenance.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{parsed.database}"')
    except psycopg.OperationalError as error:
        pytest.fail(f"{POSTGRES_HINT}\n{error}", pytrace=False)
    return parsed.render_as_string(hide_password=False)


def migrate_from_empty(database_url: str) -> None:
    """Drop everything, then build the schema with the migrations only."""
    app = create_app(app_config(database_url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


@contextmanager
def audit_log_writable(connection: Connection) -> Iterator[None]:
    """Lift the database's refusal to UPDATE or DELETE audit rows inside `connection`'s
    transaction, as someone with direct database access could, and put it back afterwards.
    PostgreSQL disables the trigger; SQLite drops its triggers and recreates them from the
    SQL it kept for them."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        )
        yield
        connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        return
    triggers = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'trigger' AND tbl_name = 'audit_events'"
        )
    ).all()
    for name, _sql in triggers:
        connection.execute(text(f"DROP TRIGGER {name}"))
    yield
    for _name, sql in triggers:
        connection.execute(text(sql))


def empty_all_tables() -> None:
    """Remove every row the test wrote, keeping the schema, Alembic's version and the audit
    chain's head as the migrations leave them. (TRUNCATE fires no row triggers; SQLite's DELETE
    needs the audit log's guard lifted.)"""
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            with audit_log_writable(connection):
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))
        # As migration 0014 leaves it: the chain's head at the genesis, so a test's first audit
        # row does what every later one does (no head to create on the way).
        connection.execute(
            insert(AuditChainHead).values(
                id=HEAD_ID, sequence=0, chain_hash=GENESIS_HASH, legacy_through=0
            )
        )
