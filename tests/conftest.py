"""Shared fixtures: an application on each database, a client, a CLI runner.

Data tests run twice, on SQLite and on PostgreSQL, because the two differ where it hurts (time
zones, enums, locking). Each database is built once per test session from the migrations — the
same way production gets its schema — and emptied after every test.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

# The instance folder must never be the developer's real one during tests.
os.environ["LOBBY_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lobby-test-instance-")

from kiosk import create_app  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from tests.builders import FACILITY_TIMEZONE  # noqa: E402
from tests.helpers import (  # noqa: E402
    DEFAULT_TEST_POSTGRES_URL,
    app_config,
    empty_all_tables,
    ensure_postgres_database,
    migrate_from_empty,
)


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
