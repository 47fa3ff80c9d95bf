"""Arrivals as FHIR R4 Appointments, on SQLite and PostgreSQL: each state of the day maps to its
FHIR status, every resource validates with `fhir.resources`, patients are named by MRN only,
paging follows `next`, a row that cannot be valid is left out with an OperationOutcome, and
every read is audited per client and per patient."""

from __future__ import annotations

import logging

import pytest
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from flask import Flask
from sqlalchemy import select, update

from admin.queue.actions import apply_action
from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    CheckIn,
    Department,
    Patient,
    QueueAction,
)
from tests.admin.fhir.fhir_builders import (
    api_token,
    bundle_of,
    fhir_get,
    outcome_of,
    resources_of,
    today,
)
from tests.admin.queue.queue_builders import coordinator, queue_patient
from tests.builders import audit_events, book_patient
from tests.flows import KioskVisit


def test_a_kiosk_arrival_is_an_arrived_appointment_with_its_check_in(app: Flask) -> None:
    booked = book_patient(app, mrn="MRN-7781")
    with app.app_context():
        db.session.execute(
            update(Appointment)
            .where(Appointment.id == booked.appointment_ids[0])
            .values(external_id="EHR-APPT-42")
        )
        db.session.commit()
    KioskVisit(app).check_in_by_code(booked.code)
    token = api_token(app)

    response = fhir_get(app.test_client(), f"/fhir/Appointment?date={today(app)}", token)

    [appointment] = resources_of(response)
    assert isinstance(appointment, FhirAppointment)
    assert appointment.id == str(booked.appointment_ids[0])
    assert appointment.status == "arrived"
    assert [(i.system, i.value) for i in appointment.identifier] == [
        ("urn:lobby:appointment", "EHR-APPT-42")
    ]
    patient, department = appointment.participant
    assert (patient.actor.type, patient.actor.identifier.value) == ("Patient", "MRN-7781")
    assert (department.actor.identifier.value, department.actor.display) == (
        "imaging",
        "Imaging",
    )
    [arrival] = appointment.extension
    channel = {part.url: part for part in arrival.extension}["channel"]
    assert channel.valueCode == "kiosk"
    assert appointment.end > appointment.start
    text = response.get_data(as_text=True)
    for phi in (booked.first_name, booked.last_name, booked.date_of_birth.isoformat()):
        assert phi not in text


def test_a_kiosk_arrival_follows_the_desk_to_the_room_and_out(app: Flask) -> None:
    booked = book_patient(app)
    KioskVisit(app).check_in_by_code(booked.code)
    appointment_id = booked.appointment_ids[0]
    with app.app_context():
        ticket_id = db.session.scalar(
            select(CheckIn.ticket_id).where(CheckIn.appointment_id == appointment_id)
        )
    assert ticket_id is not None
    token = api_token(app)
    client = app.test_client()

    def status_after(*actions: QueueAction) -> str:
        with app.app_context():
            for action in actions:
                apply_action(ticket_id, action, staff_id=coordinator(), destination="Room 2")
        read = fhir_get(client, f"/fhir/Appointment/{appointment_id}", token)
        return str(FhirAppointment.model_validate_json(read.get_data()).status)

    assert status_after(QueueAction.CALL, QueueAction.ROOMED) == "checked-in"
    assert status_after(QueueAction.DONE) == "fulfilled"


# What coordinators did to a ticket checked in at the desk, and the status the EHR then reads.
QUEUE_HISTORIES: list[tuple[list[QueueAction], str]] = [
    ([], "arrived"),
    ([QueueAction.CALL], "arrived"),
    ([QueueAction.CALL, QueueAction.ROOMED], "checked-in"),
    ([QueueAction.CALL, QueueAction.ROOMED, QueueAction.DONE], "fulfilled"),
    ([QueueAction.NO_SHOW], "noshow"),
    ([QueueAction.CALL, QueueAction.NO_SHOW, QueueAction.REQUEUE], "arrived"),
]


def test_queue_changes_are_the_appointments_fhir_status(app: Flask) -> None:
    appointment_ids = []
    for number, (actions, _status) in enumerate(QUEUE_HISTORIES, start=1):
        queued = queue_patient(app, number)
        appointment_ids.append(queued.appointment_id)
        with app.app_context():
            for action in actions:
                apply_action(queued.ticket_id, action, staff_id=coordinator(), destination="R4")
    token = api_token(app)
    client = app.test_client()

    for appointment_id, (actions, fhir_status) in zip(
        appointment_ids, QUEUE_HISTORIES, strict=True
    ):
        read = fhir_get(client, f"/fhir/Appointment/{appointment_id}", token)
        assert read.status_code == 200
        appointment = FhirAppointment.model_validate_json(read.get_data())
        assert appointment.status == fhir_status, actions
        [arrival] = appointment.extension
        assert {part.url: part for part in arrival.extension}["channel"].valueCode == "desk"


def test_the_status_filter_keeps_the_states_asked_for(app: Flask) -> None:
    waiting = queue_patient(app, 1)
    done = queue_patient(app, 2)
    absent = queue_patient(app, 3)
    booked = book_patient(app, first_name="Booked", mrn="TEST-0009")
    with app.app_context():
        apply_action(done.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="D1")
        apply_action(done.ticket_id, QueueAction.DONE, staff_id=coordinator())
        apply_action(absent.ticket_id, QueueAction.NO_SHOW, staff_id=coordinator())
    token = api_token(app)
    client = app.test_client()

    def ids(status: str) -> set[str]:
        query = f"/fhir/Appointment?date={today(app)}&status={status}"
        return {resource.id for resource in resources_of(fhir_get(client, query, token))}

    assert ids("arrived") == {str(waiting.appointment_id)}
    assert ids("fulfilled,noshow") == {str(done.appointment_id), str(absent.appointment_id)}
    assert ids("booked") == {str(booked.appointment_ids[0])}
    every = bundle_of(fhir_get(client, f"/fhir/Appointment?date={today(app)}", token))
    assert every.total == 4


def test_another_day_has_none_of_todays_appointments(app: Flask) -> None:
    queue_patient(app)
    token = api_token(app)

    response = fhir_get(app.test_client(), "/fhir/Appointment?date=2001-01-01", token)

    bundle = bundle_of(response)
    assert (bundle.total, bundle.entry) == (0, None)


def test_pages_follow_the_next_link_to_the_end(app: Flask) -> None:
    for number in range(1, 6):
        queue_patient(app, number, starts_in=5 + number)
    token = api_token(app)
    client = app.test_client()

    url: str | None = f"/fhir/Appointment?date={today(app)}&_count=2"
    seen: list[str] = []
    while url is not None:
        bundle = bundle_of(fhir_get(client, url, token))
        assert bundle.total == 5
        seen += [entry.resource.id for entry in bundle.entry or []]
        links = {link.relation: link.url for link in bundle.link}
        url = links.get("next")
        url = url.removeprefix("http://localhost") if url else None

    assert len(seen) == len(set(seen)) == 5


def test_an_unknown_id_is_a_404_operation_outcome(app: Flask) -> None:
    token = api_token(app)
    client = app.test_client()
    for missing in ("987654", "abc", "1e3", "-1"):
        response = fhir_get(client, f"/fhir/Appointment/{missing}", token)
        assert "no Appointment with that id" in outcome_of(response, 404)


def test_a_row_that_cannot_be_valid_is_left_out_and_logged_without_its_values(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    good = queue_patient(app, 1)
    broken = queue_patient(app, 2, department_code="laboratory")
    with app.app_context():
        # An import left the department without a code: an empty identifier is not FHIR.
        db.session.execute(
            update(Department).where(Department.code == "laboratory").values(code="")
        )
        db.session.commit()
    token = api_token(app)

    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        response = fhir_get(client, f"/fhir/Appointment?date={today(app)}", token)
        read = fhir_get(client, f"/fhir/Appointment/{broken.appointment_id}", token)

    bundle = bundle_of(response)
    matched = [e.resource.id for e in bundle.entry if e.search.mode == "match"]
    [omitted] = [e.resource for e in bundle.entry if e.search.mode == "outcome"]
    assert matched == [str(good.appointment_id)]
    assert f"Appointment {broken.appointment_id}" in omitted.issue[0].diagnostics
    assert "went wrong on our side" in outcome_of(read, 500)
    logged = [r for r in caplog.records if "failed validation" in r.getMessage()]
    assert [record.reason for record in logged] == [  # type: ignore[attr-defined]
        f"Appointment/{broken.appointment_id}: participant.1.actor.identifier.value"
    ] * 2
    assert "Patient2" not in caplog.text and "TEST-0002" not in caplog.text
    with app.app_context():
        [disclosed] = audit_events("fhir_api_disclosed")
        assert disclosed.detail["appointment_id"] == good.appointment_id


def test_every_read_is_audited_per_client_and_per_patient(app: Flask) -> None:
    first = queue_patient(app, 1)
    second = queue_patient(app, 2)
    token = api_token(app, "Appointment.read", name="billing-office")
    client = app.test_client()

    fhir_get(client, f"/fhir/Appointment?date={today(app)}", token)
    fhir_get(client, f"/fhir/Appointment/{second.appointment_id}", token)

    with app.app_context():
        reads = audit_events("fhir_api_read")
        disclosures = audit_events("fhir_api_disclosed")
        client_id = reads[0].detail["api_client"]
    assert [event.detail["returned"] for event in reads] == [2, 1]
    assert {event.detail["api_client"] for event in reads + disclosures} == {client_id}
    assert [(event.patient_id, event.detail["appointment_id"]) for event in disclosures] == [
        (first.patient_id, first.appointment_id),
        (second.patient_id, second.appointment_id),
        (second.patient_id, second.appointment_id),
    ]
    assert all(event.detail["resource"] == "Appointment" for event in disclosures)


def test_a_cancelled_appointment_of_a_patient_without_mrn(app: Flask) -> None:
    booked = book_patient(app)
    with app.app_context():
        db.session.execute(update(Appointment).values(status=AppointmentStatus.CANCELLED))
        db.session.execute(update(Patient).values(mrn=None))
        db.session.commit()
    token = api_token(app)

    response = fhir_get(app.test_client(), f"/fhir/Appointment/{booked.appointment_ids[0]}", token)

    appointment = FhirAppointment.model_validate_json(response.get_data())
    assert appointment.status == "cancelled"
    assert appointment.extension is None
    patient = appointment.participant[0].actor
    assert (patient.identifier.system, patient.identifier.value) == (
        "urn:lobby:patient",
        str(booked.patient_id),
    )
