"""Shared fixtures: an application on each database, a client, a CLI runner.

Data tests run twice, on SQLite and on PostgreSQL, because the two differ where it hurts (time
zones, enums, locking). Each database is built once per test session from the migrations — the
same way production gets its schema — and emptied after every test.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import make_url, text

# The instance folder must never be the developer's real one during tests.
os.environ["LOBBY_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lobby-test-instance-")

from kiosk import create_app  # noqa: E402
from kiosk.config import normalise_database_url  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from tests.checkin.checkin_helpers import FACILITY_TIMEZONE  # noqa: E402
from tests.helpers import app_config  # noqa: E402

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


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database of each kind, once per test session."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "lobby.sqlite")
    else:
        url = ensure_postgres_database(
            os.environ.get("LOBBY_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)
        )
    migrate_from_empty(url)
    return url


def empty_all_tables() -> None:
    """Remove every row the test wrote, keeping the schema and Alembic's version."""
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The application on one database (each test using it runs once per database)."""
    application = create_app(app_config(database_url))
    yield application
    with application.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser without a device cookie: a plain visitor screen."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs `flask ...` commands against the test application."""
    return app.test_cli_runner()


@pytest.fixture
def checkin_app(app: Flask) -> Iterator[Flask]:
    """The application inside an app context, with the facility in Chicago (so "today" differs
    from UTC's) and lookups unpadded (tests assert no wall clock)."""
    app.config.update(IDENTIFY_MIN_SECONDS=0, FACILITY_TIMEZONE=FACILITY_TIMEZONE)
    with app.app_context():
        yield app
