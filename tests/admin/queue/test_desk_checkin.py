"""Check-in at the desk on SQLite and PostgreSQL: the kiosk's ticket numbers and one check-in
per appointment, marked "desk", audited, and refused for what is cancelled or already done."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from admin.queue.desk_checkin import check_in_at_desk
from admin.queue.refusals import QueueActionRefused, RefusalReason
from kiosk.checkin.tickets import find_ticket
from kiosk.extensions import db
from kiosk.models import Appointment, AppointmentStatus, ArrivalChannel, CheckIn
from tests.admin.queue.queue_builders import coordinator, queue_patient
from tests.builders import audit_events, book_patient
from tests.flows import KioskVisit, ticket_labels


def test_desk_and_kiosk_share_the_department_numbers(app: Flask) -> None:
    at_kiosk = book_patient(app, first_name="Kim", last_name="Kiosk", mrn="T-1")
    assert ticket_labels(
        KioskVisit(app).check_in_by_code(at_kiosk.code).get_data(as_text=True)
    ) == ["R-001"]
    at_desk = book_patient(app, first_name="Dee", last_name="Desk", mrn="T-2")
    with app.app_context():
        arrival = check_in_at_desk(at_desk.appointment_ids[0], staff_id=coordinator(), lang="es")
        assert arrival.ticket_label == "R-002"
        found = find_ticket(arrival.token)
        assert found is not None and found.lang == "es"
        check_in = db.session.get(CheckIn, arrival.check_in_id)
        assert check_in is not None and check_in.channel is ArrivalChannel.DESK
        appointment = db.session.get(Appointment, at_desk.appointment_ids[0])
        assert appointment is not None
        assert appointment.status is AppointmentStatus.ARRIVED and appointment.code_digest is None
        desk_audit = [e for e in audit_events("check_in") if e.patient_id == at_desk.patient_id]
        assert [e.detail for e in desk_audit] == [
            {"check_in": arrival.check_in_id, "channel": "desk", "staff_id": coordinator()}
        ]


def test_a_second_desk_check_in_is_refused_and_writes_nothing(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        with pytest.raises(QueueActionRefused) as refused:
            check_in_at_desk(queued.appointment_id, staff_id=coordinator())
        assert refused.value.reason is RefusalReason.ALREADY_CHECKED_IN
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_a_code_spent_at_the_desk_no_longer_opens_a_check_in_at_the_kiosk(app: Flask) -> None:
    booked = book_patient(app)
    with app.app_context():
        check_in_at_desk(booked.appointment_ids[0], staff_id=coordinator())
    assert KioskVisit(app).identify_by_code(booked.code).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_a_cancelled_appointment_is_not_checked_in_at_the_desk(app: Flask) -> None:
    booked = book_patient(app)
    with app.app_context():
        appointment = db.session.get(Appointment, booked.appointment_ids[0])
        assert appointment is not None
        appointment.status = AppointmentStatus.CANCELLED
        db.session.commit()
        with pytest.raises(QueueActionRefused) as refused:
            check_in_at_desk(booked.appointment_ids[0], staff_id=coordinator())
        assert refused.value.reason is RefusalReason.CANCELLED
        assert db.session.scalar(select(func.count(CheckIn.id))) == 0
        with pytest.raises(QueueActionRefused) as unknown:
            check_in_at_desk(12345, staff_id=coordinator())
        assert unknown.value.reason is RefusalReason.NOT_FOUND
