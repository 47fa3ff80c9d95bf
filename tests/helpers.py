"""Helpers shared by test modules (fixtures live in conftest.py): form tokens, the test
application's configuration, and building each test database from the migrations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from sqlalchemy import make_url, text

from kiosk import create_app
from kiosk.config import PROJECT_ROOT, normalise_database_url
from kiosk.extensions import db

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


def empty_all_tables() -> None:
    """Remove every row the test wrote, keeping the schema and Alembic's version."""
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


SPANISH_GLOSSARY = PROJECT_ROOT / "docs" / "spanish-glossary.md"


def glossary() -> list[tuple[str, str, list[str]]]:
    """(English, use, [not ...]) rows of the US-Spanish glossary's table."""
    rows = []
    for line in SPANISH_GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "---"):
            continue
        rows.append((cells[0], cells[1], [w.strip() for w in cells[2].split(",")]))
    return rows


def glossary_breaches(catalog_path: Path, *, terms_need_their_word: bool = True) -> list[str]:
    """Where a Spanish catalog departs from the glossary: a word of the "Not" column, or (when
    `terms_need_their_word`) a message whose English has the glossary's term without the "Use"
    word. The second suits direction phrases ("Take Elevator A" → "Tome"); screen texts say
    "take a photo" or "%(floor)s" too, where the term is no place or action of the route."""
    rows = glossary()
    assert len(rows) >= 10, "the glossary table was not found"
    with catalog_path.open("rb") as handle:
        catalog = [m for m in read_po(handle) if m.id]
    breaches = []
    for message in catalog:
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in strings:
            for english, use, avoid in rows:
                for word in avoid:
                    if re.search(rf"\b{word}\b", translated, re.IGNORECASE):
                        breaches.append(f"{translated!r} uses {word!r}; US Spanish says {use!r}")
                if terms_need_their_word and re.search(rf"\b{english}\b", source, re.I):
                    if use.lower() not in translated.lower():
                        breaches.append(f"{source!r} → {translated!r} lacks {use!r}")
    return breaches
