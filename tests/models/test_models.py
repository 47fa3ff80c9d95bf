"""Models behave the same on SQLite and PostgreSQL (each test runs on both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from kiosk.extensions import db
from kiosk.models import Kiosk, KioskSession, PrintJob, PrintJobStatus
from kiosk.models.types import utcnow


def test_kiosk_names_are_unique(app: Flask) -> None:
    with app.app_context():
        db.session.add(Kiosk(name="lobby", place="kiosk-main"))
        db.session.commit()
        db.session.add(Kiosk(name="lobby", place="kiosk-east"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(Kiosk.place)) == "kiosk-main"


def test_new_kiosk_defaults_to_the_dummy_printer_at_80mm(app: Flask) -> None:
    with app.app_context():
        db.session.add(Kiosk(name="lobby"))
        db.session.commit()
        kiosk = db.session.scalar(select(Kiosk))
        assert kiosk is not None
        assert (kiosk.printer_uri, kiosk.printer_profile) == ("dummy://", "TM-T20II")
        assert kiosk.created_at.tzinfo is not None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_times_come_back_as_the_same_aware_instant(
    app: Flask, moment: datetime, offset_minutes: int
) -> None:
    local = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    with app.app_context():
        kiosk = Kiosk(name="lobby", last_seen_at=local)
        db.session.add(kiosk)
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(select(Kiosk.last_seen_at))
        db.session.delete(db.session.scalar(select(Kiosk)))
        db.session.commit()
    assert stored == moment
    assert stored is not None and stored.utcoffset() == timedelta(0)


def test_naive_times_are_refused(app: Flask) -> None:
    with app.app_context():
        db.session.add(Kiosk(name="lobby", last_seen_at=datetime(2026, 1, 1, 9, 0)))
        with pytest.raises(StatementError):
            db.session.commit()
        db.session.rollback()


def test_print_job_keeps_its_bytes_and_status(app: Flask) -> None:
    payload = bytes(range(256)) * 4
    with app.app_context():
        kiosk = Kiosk(name="lobby")
        db.session.add(kiosk)
        db.session.flush()
        db.session.add(PrintJob(kiosk_id=kiosk.id, printer_uri="dummy://", payload=payload))
        db.session.commit()
        job = db.session.scalar(select(PrintJob))
        assert job is not None
        assert job.payload == payload and job.status is PrintJobStatus.QUEUED
        assert job.attempts == 0 and job.last_error == ""


def test_deleting_a_kiosk_keeps_its_print_jobs_and_sessions(app: Flask) -> None:
    with app.app_context():
        kiosk = Kiosk(name="lobby")
        db.session.add(kiosk)
        db.session.flush()
        db.session.add(PrintJob(kiosk_id=kiosk.id, printer_uri="dummy://", payload=b"x"))
        db.session.add(
            KioskSession(
                id_hash="a" * 64, data={"lang": "es"}, kiosk_id=kiosk.id, expires_at=utcnow()
            )
        )
        db.session.commit()
        db.session.delete(kiosk)
        db.session.commit()
        db.session.expire_all()
        job = db.session.scalar(select(PrintJob))
        session_row = db.session.scalar(select(KioskSession))
        assert job is not None and job.kiosk_id is None
        assert session_row is not None and session_row.kiosk_id is None
        assert session_row.data == {"lang": "es"}
