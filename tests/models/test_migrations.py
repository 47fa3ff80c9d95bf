"""The schema comes only from migrations, and they match the models on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from kiosk.extensions import db

TABLES = {"kiosks", "kiosk_sessions", "print_jobs"}


def schema_differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def test_migration_from_empty_builds_the_schema_of_the_models(app: Flask) -> None:
    with app.app_context():
        downgrade(revision="base")
        assert TABLES.isdisjoint(inspect(db.engine).get_table_names())
        upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
        assert schema_differences() == []
