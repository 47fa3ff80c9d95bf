"""Upgrading a database that already has audit rows: migration 0014 numbers them in id order
(gaps in ids closed), leaves them unsealed, and the chain starts after them; `flask audit
verify` counts them apart and checks every row sealed since."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from kiosk.extensions import db
from kiosk.models import AuditEvent
from tests.audit.chain_builders import append_events

BEFORE_CHAIN = "0013_floorplan_versions"
OLD_ROW_IDS = (5, 9, 12)


def test_rows_written_before_the_chain_are_numbered_and_counted_apart(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        downgrade(revision=BEFORE_CHAIN)
        with db.engine.begin() as connection:
            for row_id in OLD_ROW_IDS:
                connection.execute(
                    text(
                        "INSERT INTO audit_events (id, occurred_at, action, detail)"
                        " VALUES (:id, CURRENT_TIMESTAMP, 'lookup_failure', '{}')"
                    ),
                    {"id": row_id},
                )
        upgrade()
        old = db.session.execute(
            select(AuditEvent.id, AuditEvent.sequence, AuditEvent.chain_hash).order_by("id")
        ).all()
        assert [tuple(row) for row in old] == [(5, 1, None), (9, 2, None), (12, 3, None)]
    append_events(app, 2)
    with app.app_context():
        sealed = list(
            db.session.scalars(
                select(AuditEvent.sequence)
                .where(AuditEvent.chain_hash.is_not(None))
                .order_by(AuditEvent.sequence)
            )
        )
    assert sealed == [4, 5]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "verified: 2 rows" in result.output
    assert "3 rows written before the chain existed are not sealed." in result.output
