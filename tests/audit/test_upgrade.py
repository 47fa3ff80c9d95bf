"""Upgrading a database that already has audit rows: migration 0014 numbers them in id order
(gaps in ids closed) and leaves them unsealed; the chain of new rows starts after them.
`flask audit verify` counts them apart until `flask audit seal` chains them, after which an
edit among them is found like any other. Sealing is the one change the guard lets through."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from kiosk.extensions import db
from kiosk.models import AuditEvent
from tests.audit.chain_builders import append_events, row_id, tampering, verify

BEFORE_CHAIN = "0013_floorplan_versions"
OLD_ROW_IDS = (5, 9, 12)


def upgrade_with_old_rows(app: Flask) -> None:
    """Back to the schema before the chain, three audit rows written there, then upgraded."""
    with app.app_context():
        downgrade(revision=BEFORE_CHAIN)
        with db.engine.begin() as connection:
            for old_id in OLD_ROW_IDS:
                connection.execute(
                    text(
                        "INSERT INTO audit_events (id, occurred_at, action, detail)"
                        " VALUES (:id, CURRENT_TIMESTAMP, 'lookup_failure', :detail)"
                    ),
                    {"id": old_id, "detail": '{"failures": 2, "method": "code"}'},
                )
        upgrade()


def test_rows_written_before_the_chain_are_numbered_and_counted_apart(
    app: Flask, runner: FlaskCliRunner
) -> None:
    upgrade_with_old_rows(app)
    with app.app_context():
        old = db.session.execute(
            select(AuditEvent.id, AuditEvent.sequence, AuditEvent.chain_hash).order_by("id")
        ).all()
        assert [tuple(row) for row in old] == [(5, 1, None), (9, 2, None), (12, 3, None)]
    append_events(app, 2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "verified: 2 rows" in result.output
    assert "3 rows written before the chain existed are not sealed" in result.output


def test_sealing_the_old_rows_brings_them_under_verification(
    app: Flask, runner: FlaskCliRunner
) -> None:
    upgrade_with_old_rows(app)
    append_events(app, 2)
    sealed = runner.invoke(args=["audit", "seal"])
    assert sealed.exit_code == 0 and "Sealed 3 rows" in sealed.output
    again = runner.invoke(args=["audit", "seal"])
    assert "Nothing to seal" in again.output
    append_events(app, 1)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "verified: 6 rows" in result.output and "not sealed" not in result.output
    with tampering(app) as connection:
        connection.execute(text("UPDATE audit_events SET action = 'check_in' WHERE sequence = 2"))
        found = verify(app, connection).first_break
        assert found is not None and (found.sequence, found.row_id) == (2, row_id(connection, 2))


def test_the_guard_lets_only_sealing_through(app: Flask) -> None:
    upgrade_with_old_rows(app)
    with app.app_context():
        for change in ("action = 'check_in'", "chain_hash = NULL, action = 'x'"):
            with pytest.raises(DBAPIError, match="append-only"):
                with db.engine.begin() as connection:
                    connection.execute(text(f"UPDATE audit_events SET {change} WHERE id = 5"))
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                forged = "chain_hash = 'ab', patient_id = 7"
                connection.execute(text(f"UPDATE audit_events SET {forged} WHERE id = 5"))
