"""`flask seed-demo`'s synthetic patients: someone to check in whenever the demo runs, with the
codes printed for them, and no duplicates however often it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from kiosk.checkin.identity import identify_by_code, identify_by_name_and_birth_date
from kiosk.demo.patients import DEMO_DEPARTMENTS, DEMO_PATIENTS, DemoCheckIn, seed_demo_patients
from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder
from kiosk.models import Appointment, AppointmentStatus, Department, InsuranceCoverage, Patient
from tests.builders import FACILITY_TIMEZONE, NOW

FACILITY = ZoneInfo(FACILITY_TIMEZONE)

DEMO_APPOINTMENTS = sum(len(patient.appointments) for patient in DEMO_PATIENTS)


def count(model: type[object]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def patient_named(check_in: DemoCheckIn) -> Patient:
    [demo] = [p for p in DEMO_PATIENTS if p.name == check_in.name]
    patient = db.session.scalar(select(Patient).where(Patient.mrn == demo.mrn))
    assert patient is not None
    return patient


def assert_codes_work(check_ins: list[DemoCheckIn], at: datetime) -> None:
    """Every printed in-window code finds its patient; the out-of-window one does not."""
    for check_in in check_ins:
        outcome = identify_by_code(check_in.code, kiosk_id=None, now=at)
        assert outcome.found is check_in.in_window, check_in
        if check_in.in_window:
            assert outcome.patient_id == patient_named(check_in).id


@pytest.fixture
def unthrottled(checkin_app: Flask) -> Flask:
    """The demo's one out-of-window appointment is tried on every run; do not block for it."""
    checkin_app.config.update(THROTTLE_KIOSK_FAILURES=100, THROTTLE_NAME_FAILURES=100)
    return checkin_app


def test_every_printed_code_checks_its_patient_in_now(unthrottled: Flask) -> None:
    check_ins = seed_demo_patients(NOW)
    assert len(check_ins) == DEMO_APPOINTMENTS
    assert [c.starts_at for c in check_ins] == sorted(c.starts_at for c in check_ins)
    assert sum(not c.in_window for c in check_ins) == 1
    assert_codes_work(check_ins, NOW)
    # Printed as the facility's wall-clock time.
    assert {c.starts_at.tzinfo for c in check_ins} == {FACILITY}


def test_every_demo_patient_can_also_check_in_by_name_and_birth_date(unthrottled: Flask) -> None:
    seed_demo_patients(NOW)
    found = {
        patient.name: identify_by_name_and_birth_date(
            patient.last_name.upper(), patient.date_of_birth, kiosk_id=None, now=NOW
        )
        for patient in DEMO_PATIENTS
    }
    sent_to_the_desk = [name for name, outcome in found.items() if not outcome.found]
    assert sent_to_the_desk == ["Héctor Muestra"]
    several = [name for name, outcome in found.items() if len(outcome.appointment_ids) > 1]
    assert len(several) >= 2


def test_seeding_again_the_same_day_adds_nothing_and_prints_fresh_codes(
    unthrottled: Flask,
) -> None:
    first = seed_demo_patients(NOW)
    later = NOW + timedelta(hours=3)
    second = seed_demo_patients(later)
    assert (count(Department), count(Patient), count(Appointment)) == (
        len(DEMO_DEPARTMENTS),
        len(DEMO_PATIENTS),
        DEMO_APPOINTMENTS,
    )
    assert count(InsuranceCoverage) == sum(p.insurance is not None for p in DEMO_PATIENTS)
    assert not {c.code for c in first} & {c.code for c in second}
    assert_codes_work(second, later)
    assert not identify_by_code(first[0].code, kiosk_id=None, now=later).found


def test_a_new_day_brings_that_days_appointments(unthrottled: Flask) -> None:
    seed_demo_patients(NOW)
    tomorrow = NOW + timedelta(days=1)
    assert_codes_work(seed_demo_patients(tomorrow), tomorrow)
    assert count(Appointment) == 2 * DEMO_APPOINTMENTS
    assert count(Patient) == len(DEMO_PATIENTS)


def test_a_checked_in_demo_appointment_is_left_alone(unthrottled: Flask) -> None:
    check_ins = seed_demo_patients(NOW)
    appointment = db.session.scalars(select(Appointment).order_by(Appointment.id)).first()
    assert appointment is not None
    appointment.status = AppointmentStatus.ARRIVED
    starts_at = appointment.starts_at
    db.session.commit()
    again = seed_demo_patients(NOW + timedelta(hours=1))
    assert len(again) == len(check_ins) - 1
    db.session.refresh(appointment)
    assert (appointment.status, appointment.starts_at) == (AppointmentStatus.ARRIVED, starts_at)


@pytest.mark.parametrize(
    "local_time",
    [(23, 45), (0, 5)],
    ids=["a quarter to midnight", "just after midnight"],
)
def test_the_demo_works_around_midnight(unthrottled: Flask, local_time: tuple[int, int]) -> None:
    hour, minute = local_time
    # Chicago is UTC-5 on 10 March 2026.
    at = datetime(2026, 3, 10, hour, minute, tzinfo=UTC) + timedelta(hours=5)
    check_ins = seed_demo_patients(at)
    assert_codes_work(check_ins, at)
    assert {c.starts_at.date() for c in check_ins} == {at.astimezone(FACILITY).date()}


def test_the_demo_data_is_plainly_synthetic_and_mapped_to_the_floorplan(
    unthrottled: Flask,
) -> None:
    seed_demo_patients(NOW)
    patients = db.session.scalars(select(Patient)).all()
    assert all(p.mrn and p.mrn.startswith("DEMO-") for p in patients)
    assert all(p.phone.startswith("555-01") for p in patients)
    assert {p.preferred_language for p in patients} == {"en", "es"}
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    destinations = current_wayfinder().floorplan.destinations
    assert all(d.destination_id in destinations for d in departments.values())
    assert departments["oncology"].place_label("en") == "Suite 2B"
    assert departments["imaging"].arrival_note("en") == (
        "Imaging: please bring your referral and any previous scans."
    )
    assert all(set(d.names) == set(d.arrival_notes) == {"en", "es"} for d in departments.values())
    assert len({(p.name, p.date_of_birth) for p in DEMO_PATIENTS}) == len(DEMO_PATIENTS) == 12
