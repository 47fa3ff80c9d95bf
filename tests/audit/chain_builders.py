"""Audit logs for the chain tests: events appended as the application appends them, and a
transaction in which someone with direct database access changes the log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import Connection, select, text

from kiosk.audit.chain import ChainKeys
from kiosk.audit.verify import ChainReport, verify_chain
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import AuditEvent
from tests.helpers import audit_log_writable

ACTIONS = ("lookup_success", "check_in", "queue_call", "full_name_viewed", "queue_done")


def append_events(app: Flask, count: int, *, first_patient: int = 1) -> None:
    """`count` audit events, one transaction each, as kiosks and staff write them."""
    with app.app_context():
        for n in range(count):
            record_audit(
                ACTIONS[n % len(ACTIONS)],
                kiosk_id=None,
                patient_id=first_patient + n,
                staff_id=n + 1,
                ticket=f"R-{n:03d}",
            )
            db.session.commit()


def sequences(app: Flask) -> list[int]:
    """Every row's sequence number, in id order."""
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.sequence).order_by(AuditEvent.id)))


def row_id(connection: Connection, sequence: int) -> int:
    """The id of the row numbered `sequence`."""
    return int(
        connection.execute(
            text("SELECT id FROM audit_events WHERE sequence = :s"), {"s": sequence}
        ).scalar_one()
    )


@contextmanager
def tampering(app: Flask) -> Iterator[Connection]:
    """A transaction, rolled back at the end, in which the append-only guard is lifted: what
    the test changes is seen by a verification on the same connection, and nothing stays."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # pysqlite begins transactions only before DML; the guard's DDL must be inside it.
            connection.exec_driver_sql("BEGIN")
        try:
            with audit_log_writable(connection):
                yield connection
        finally:
            connection.rollback()


def verify(app: Flask, connection: Connection) -> ChainReport:
    """Verify the chain as `connection` sees it, with the application's keys."""
    return verify_chain(connection, ChainKeys(app), batch_rows=4)
