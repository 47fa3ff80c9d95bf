"""The schedule store: one appointment id is one appointment however often it is sent, cancels
cancel, deletions remove what nobody checked in for, a checked-in patient is never moved or
booked again, new appointments get working codes, and every outcome is audited without PHI."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from admin.queue.desk_checkin import check_in_at_desk
from admin.schedule import store
from admin.schedule.entries import (
    ScheduledCoverage,
    ScheduledPatient,
    ScheduleEntry,
    ScheduleStatus,
)
from admin.schedule.store import (
    EntryOutcome,
    InvalidDemographics,
    RefusalReason,
    ScheduleConflict,
    apply_entries,
    update_demographics,
)
from kiosk.checkin.identity import identify_by_code
from kiosk.checkin.screens import insurance_on_file
from kiosk.extensions import db
from kiosk.models import Appointment, AppointmentStatus, InsuranceCoverage, Patient
from tests.admin.schedule.schedule_builders import (
    ANA,
    LIAM,
    appointment,
    entry,
    rival_creates_first,
)
from tests.builders import NOW, add_department, audit_events, minutes


@pytest.fixture
def store_app(checkin_app: Flask) -> Flask:
    """The check-in application (Chicago, app context) with Imaging and the Laboratory."""
    add_department("imaging", "R")
    add_department("laboratory", "L")
    return checkin_app


def outcomes(entries: list[ScheduleEntry]) -> list[EntryOutcome]:
    """Apply the entries at NOW and list what happened to each."""
    return [result.outcome for result in apply_entries(entries, now=NOW).results]


def test_new_appointments_are_booked_with_codes_that_check_in(store_app: Flask) -> None:
    report = apply_entries(
        [entry("A-1"), entry("A-2", patient=LIAM, department_code="laboratory")], now=NOW
    )

    assert [r.outcome for r in report.results] == [EntryOutcome.CREATED, EntryOutcome.CREATED]
    assert set(report.codes) == {"A-1", "A-2"}
    stored = appointment("A-1")
    assert stored is not None and stored.status is AppointmentStatus.BOOKED
    assert stored.patient.mrn == "SYN-1001" and stored.patient.last_name_key == "nunez"
    assert stored.clinician_display_name == "Dr. Example"
    assert stored.patient.preferred_language == "es"
    unsaid = apply_entries(
        [entry("A-3", patient=replace(LIAM, mrn="SYN-3", preferred_language=""))], now=NOW
    )
    assert outcomes_of(unsaid) == [EntryOutcome.CREATED]
    assert appointment("A-3").patient.preferred_language == "en"  # type: ignore[union-attr]
    found = identify_by_code(report.codes["A-1"], kiosk_id=None, now=NOW)
    assert found.found and found.appointment_ids == (stored.id,)


def test_the_same_entries_again_change_nothing_and_issue_no_codes(store_app: Flask) -> None:
    entries = [entry("A-1"), entry("A-2", starts_at=NOW + minutes(90)), entry("A-3", patient=LIAM)]
    first = apply_entries(entries, now=NOW)
    digests = {e.external_id: appointment(e.external_id).code_digest for e in entries}  # type: ignore[union-attr]

    again = apply_entries(entries, now=NOW)

    assert outcomes_of(again) == [EntryOutcome.UNCHANGED] * 3
    assert again.codes == {}
    assert {e.external_id: appointment(e.external_id).code_digest for e in entries} == digests  # type: ignore[union-attr]
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 3
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 2
    assert identify_by_code(first.codes["A-1"], kiosk_id=None, now=NOW).found


def outcomes_of(report: store.ApplyReport) -> list[EntryOutcome]:
    """The outcomes of a report, in entry order."""
    return [result.outcome for result in report.results]


def test_a_changed_time_department_or_provider_updates_the_same_appointment(
    store_app: Flask,
) -> None:
    code = apply_entries([entry("A-1")], now=NOW).codes["A-1"]

    moved = entry("A-1", starts_at=NOW + minutes(45), department_code="laboratory", provider="X")
    report = apply_entries([moved], now=NOW)

    assert outcomes_of(report) == [EntryOutcome.UPDATED]
    assert report.codes == {}, "a move within the day keeps the letter's code"
    stored = appointment("A-1")
    assert stored is not None and stored.department.code == "laboratory"
    assert stored.starts_at == NOW + minutes(45) and stored.clinician_display_name == "X"
    assert identify_by_code(code, kiosk_id=None, now=NOW).found


def test_a_move_to_another_day_replaces_the_code(store_app: Flask) -> None:
    old_code = apply_entries([entry("A-1")], now=NOW).codes["A-1"]

    report = apply_entries([entry("A-1", starts_at=NOW + timedelta(days=1))], now=NOW)

    assert outcomes_of(report) == [EntryOutcome.UPDATED] and set(report.codes) == {"A-1"}
    tomorrow = NOW + timedelta(days=1)
    assert not identify_by_code(old_code, kiosk_id=None, now=tomorrow).found
    assert identify_by_code(report.codes["A-1"], kiosk_id=None, now=tomorrow).found


def test_a_cancel_cancels_and_a_later_booking_books_again_with_a_new_code(
    store_app: Flask,
) -> None:
    code = apply_entries([entry("A-1")], now=NOW).codes["A-1"]

    cancelled = apply_entries([entry("A-1", status=ScheduleStatus.CANCELLED)], now=NOW)
    cancelled_again = apply_entries([entry("A-1", status=ScheduleStatus.CANCELLED)], now=NOW)

    assert outcomes_of(cancelled) == [EntryOutcome.CANCELLED]
    assert outcomes_of(cancelled_again) == [EntryOutcome.UNCHANGED]
    stored = appointment("A-1")
    assert stored is not None and stored.status is AppointmentStatus.CANCELLED
    assert not identify_by_code(code, kiosk_id=None, now=NOW).found

    rebooked = apply_entries([entry("A-1")], now=NOW)
    assert outcomes_of(rebooked) == [EntryOutcome.UPDATED]
    assert identify_by_code(rebooked.codes["A-1"], kiosk_id=None, now=NOW).found


def test_deleted_removes_an_appointment_nobody_checked_in_for(store_app: Flask) -> None:
    apply_entries([entry("A-1"), entry("A-2")], now=NOW)

    report = apply_entries(
        [entry("A-1", status=ScheduleStatus.DELETED), entry("A-9", status=ScheduleStatus.DELETED)],
        now=NOW,
    )

    assert outcomes_of(report) == [EntryOutcome.REMOVED, EntryOutcome.UNCHANGED]
    assert appointment("A-1") is None and appointment("A-9") is None
    assert appointment("A-2") is not None


def test_a_checked_in_appointment_is_cancelled_not_deleted_and_never_moved(
    store_app: Flask,
) -> None:
    apply_entries([entry("A-1")], now=NOW)
    stored = appointment("A-1")
    assert stored is not None
    check_in_at_desk(stored.id, staff_id=None, now=NOW)

    same = apply_entries([entry("A-1")], now=NOW)
    moved = apply_entries([entry("A-1", starts_at=NOW + minutes(60))], now=NOW)
    missed = apply_entries([entry("A-1", status=ScheduleStatus.NO_SHOW)], now=NOW)

    assert outcomes_of(same) == [EntryOutcome.UNCHANGED]
    assert [(r.outcome, r.refusal) for r in moved.results + missed.results] == [
        (EntryOutcome.REFUSED, RefusalReason.ALREADY_CHECKED_IN)
    ] * 2
    arrived = appointment("A-1")
    assert arrived is not None and arrived.status is AppointmentStatus.ARRIVED
    assert arrived.starts_at == NOW + minutes(30)

    deleted = apply_entries([entry("A-1", status=ScheduleStatus.DELETED)], now=NOW)
    assert outcomes_of(deleted) == [EntryOutcome.CANCELLED]
    cancelled = appointment("A-1")
    assert cancelled is not None and cancelled.status is AppointmentStatus.CANCELLED
    rebooked = apply_entries([entry("A-1")], now=NOW)
    assert outcomes_of(rebooked) == [EntryOutcome.UNCHANGED]
    assert appointment("A-1").status is AppointmentStatus.CANCELLED  # type: ignore[union-attr]


def test_no_show_marks_the_appointment_and_its_code_stops_working(store_app: Flask) -> None:
    code = apply_entries([entry("A-1")], now=NOW).codes["A-1"]

    report = apply_entries([entry("A-1", status=ScheduleStatus.NO_SHOW)], now=NOW)

    assert outcomes_of(report) == [EntryOutcome.NO_SHOW]
    assert appointment("A-1").status is AppointmentStatus.NO_SHOW  # type: ignore[union-attr]
    assert not identify_by_code(code, kiosk_id=None, now=NOW).found


def test_an_unknown_department_or_a_bad_entry_is_refused_and_the_rest_applied(
    store_app: Flask,
) -> None:
    naive_time = NOW.replace(tzinfo=None)
    long_mrn = replace(ANA, mrn="SYN-" + "9" * 30)
    report = apply_entries(
        [
            entry("A-1", department_code="oncology-west"),
            entry("A-2"),
            entry("A-3", starts_at=naive_time),
            entry("A-4", patient=long_mrn),
            entry("A-5", starts_at=NOW.replace(year=9999)),
        ],
        now=NOW,
    )

    assert [(r.outcome, r.refusal) for r in report.results] == [
        (EntryOutcome.REFUSED, RefusalReason.UNKNOWN_DEPARTMENT),
        (EntryOutcome.CREATED, None),
        (EntryOutcome.REFUSED, RefusalReason.INVALID_ENTRY),
        (EntryOutcome.REFUSED, RefusalReason.INVALID_ENTRY),
        (EntryOutcome.REFUSED, RefusalReason.INVALID_ENTRY),
    ]
    assert [index for index, _ in report.refused] == [0, 2, 3, 4]
    assert appointment("A-1") is None and appointment("A-2") is not None
    assert report.counts()[EntryOutcome.REFUSED] == 4


def test_an_appointment_whose_day_is_over_is_stored_without_a_code(store_app: Flask) -> None:
    report = apply_entries([entry("A-1", starts_at=NOW - timedelta(days=2))], now=NOW)

    assert outcomes_of(report) == [EntryOutcome.CREATED] and report.codes == {}
    assert appointment("A-1").code_digest is None  # type: ignore[union-attr]


def test_entries_are_written_in_batches_and_patients_shared_across_batches(
    store_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BATCH_SIZE", 3)
    entries = [entry(f"A-{n}", patient=ANA if n % 2 else LIAM) for n in range(8)]

    report = apply_entries(entries, now=NOW)

    assert outcomes_of(report) == [EntryOutcome.CREATED] * 8 and len(report.codes) == 8
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 2
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 8


def test_the_hospital_record_updates_the_patient_and_every_outcome_is_audited(
    store_app: Flask,
) -> None:
    apply_entries([entry("A-1"), entry("A-2", department_code="nowhere")], now=NOW)
    renamed = replace(ANA, last_name="Núñez-Ejemplo", phone="", preferred_language="")
    report = apply_entries([entry("A-1", patient=renamed)], now=NOW)

    assert outcomes_of(report) == [EntryOutcome.UPDATED]
    patient = appointment("A-1").patient  # type: ignore[union-attr]
    assert patient.last_name_key == "nunezejemplo" and patient.phone == ANA.phone
    assert patient.preferred_language == "es", "a sender that does not say keeps the language"
    events = audit_events("schedule_entry")
    assert [event.detail["outcome"] for event in events] == ["created", "refused", "updated"]
    assert events[1].detail["reason"] == "unknown_department"
    assert all(event.detail["source"] == "import" for event in events)
    assert {event.patient_id for event in events} == {patient.id}
    for event in events:
        shown = repr(event.detail)
        assert "SYN-1001" not in shown and "Núñez" not in shown and "1984" not in shown


def test_demographics_update_a_known_patient_and_refuse_an_unknown_mrn(store_app: Flask) -> None:
    apply_entries([entry("A-1")], now=NOW)

    corrected = replace(ANA, first_name="Ana María", date_of_birth=date(1984, 3, 13))
    known = update_demographics(corrected)
    unknown = update_demographics(replace(ANA, mrn="SYN-404"))

    assert known is True and unknown is False
    patient = db.session.scalar(select(Patient).where(Patient.mrn == ANA.mrn))
    assert patient is not None and patient.first_name == "Ana María"
    assert patient.date_of_birth == date(1984, 3, 13)
    assert [e.detail["outcome"] for e in audit_events("schedule_demographics")] == ["updated"]
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 1


EXTERNAL_IDS = [f"A-{n}" for n in range(6)]
MRNS = ["SYN-2001", "SYN-2002", "SYN-2003"]


@st.composite
def schedules(draw: st.DrawFn) -> list[ScheduleEntry]:
    """A list of entries with one entry per appointment id and one set of demographics per
    MRN (as the importers hand them over), mixing every status, known and unknown departments,
    past and future days."""
    patients = {
        mrn: ScheduledPatient(
            mrn=mrn,
            first_name=draw(st.sampled_from(["Ana", "Liam", "Zoë"])),
            last_name=draw(st.sampled_from(["Núñez", "O'Brien", "Testsson"])),
            date_of_birth=draw(st.dates(date(1930, 1, 1), date(2020, 12, 31))),
            phone=draw(st.sampled_from(["", "5550100"])),
            preferred_language=draw(st.sampled_from(["", "en", "es"])),
            coverage=draw(
                st.sampled_from(
                    [None, ScheduledCoverage("Example Health", "M-1"), ScheduledCoverage("B", "2")]
                )
            ),
        )
        for mrn in MRNS
    }
    ids = draw(st.lists(st.sampled_from(EXTERNAL_IDS), unique=True, max_size=6))
    return [
        entry(
            external_id,
            patient=patients[draw(st.sampled_from(MRNS))],
            starts_at=NOW + timedelta(hours=draw(st.integers(-50, 50))),
            department_code=draw(st.sampled_from(["imaging", "laboratory", "nowhere"])),
            provider=draw(st.sampled_from(["", "Dr. Example", "Dr. Sample"])),
            status=draw(st.sampled_from(list(ScheduleStatus))),
        )
        for external_id in ids
    ]


def stored_schedule() -> list[tuple[Any, ...]]:
    """Everything an import can change, in a comparable form."""
    db.session.expire_all()
    patients = [
        (p.mrn, p.first_name, p.last_name, p.date_of_birth, p.phone, p.preferred_language)
        for p in db.session.scalars(select(Patient).order_by(Patient.mrn))
    ]
    appointments = [
        (
            a.external_id,
            a.patient.mrn,
            a.department_id,
            a.starts_at,
            a.clinician_display_name,
            a.status,
            a.code_digest,
        )
        for a in db.session.scalars(select(Appointment).order_by(Appointment.external_id))
    ]
    coverages = [
        (c.patient_id, c.payer, c.member_id, c.group_number)
        for c in db.session.scalars(select(InsuranceCoverage).order_by(InsuranceCoverage.id))
    ]
    return [*patients, *appointments, *coverages]


def forget_the_schedule() -> None:
    """Start an example with no patients or appointments (departments stay): a DELETE of the
    three tables imports write, far cheaper than emptying every table. (The audit log is
    append-only and names patients by id without a foreign key: its rows stay.)"""
    for model in (InsuranceCoverage, Appointment, Patient):
        db.session.execute(delete(model))
    db.session.commit()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(earlier=schedules(), entries=schedules())
def test_applying_any_entries_twice_leaves_what_applying_them_once_left(
    checkin_app: Flask, earlier: list[ScheduleEntry], entries: list[ScheduleEntry]
) -> None:
    forget_the_schedule()
    add_department("imaging", "R")
    add_department("laboratory", "L")
    apply_entries(earlier, now=NOW)
    apply_entries(entries, now=NOW)
    once = stored_schedule()

    again = apply_entries(entries, now=NOW)

    assert stored_schedule() == once
    assert again.codes == {}
    assert {r.outcome for r in again.results} <= {EntryOutcome.UNCHANGED, EntryOutcome.REFUSED}


def test_a_patient_created_meanwhile_by_another_writer_is_updated_not_duplicated(
    store_app: Flask,
) -> None:
    """Another writer (the HL7 listener, a second import) commits the same new patient between
    this batch's lookup and its commit: the batch is read again and applied to that row."""
    with rival_creates_first(replace(ANA, first_name="Ana (rival)")):
        report = apply_entries([entry("A-1")], now=NOW)

    assert outcomes_of(report) == [EntryOutcome.CREATED] and set(report.codes) == {"A-1"}
    patients = list(db.session.scalars(select(Patient)))
    assert [(p.mrn, p.first_name) for p in patients] == [(ANA.mrn, "Ana")]


def test_a_batch_that_keeps_colliding_is_refused_whole_without_naming_the_patient(
    store_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BATCH_ATTEMPTS", 1)

    with (
        rival_creates_first(replace(ANA, first_name="Rival")),
        pytest.raises(ScheduleConflict) as conflict,
    ):
        apply_entries([entry("A-1"), entry("A-2", patient=LIAM)], now=NOW)

    assert ANA.mrn not in str(conflict.value) and conflict.value.__context__ is None
    assert appointment("A-1") is None and appointment("A-2") is None
    assert [p.first_name for p in db.session.scalars(select(Patient))] == ["Rival"]


def test_the_hospitals_coverage_is_put_on_file_once_and_again_only_when_it_changes(
    store_app: Flask,
) -> None:
    insured = replace(ANA, coverage=ScheduledCoverage("Example Health", "XKZ123456789", "G-7"))
    first = apply_entries([entry("A-1", patient=insured)], now=NOW)
    patient_id = appointment("A-1").patient_id  # type: ignore[union-attr]
    again = apply_entries([entry("A-1", patient=insured)], now=NOW)
    unsaid = apply_entries([entry("A-1")], now=NOW)

    assert outcomes_of(first) == [EntryOutcome.CREATED]
    assert outcomes_of(again) == outcomes_of(unsaid) == [EntryOutcome.UNCHANGED]
    on_file = insurance_on_file(patient_id)
    assert on_file is not None and on_file.payer == "Example Health"
    assert on_file.member_tail.endswith("6789")

    changed = replace(insured, coverage=ScheduledCoverage("Sample Care", "ZZ99887766"))
    moved = apply_entries([entry("A-1", patient=changed)], now=NOW)
    assert outcomes_of(moved) == [EntryOutcome.UPDATED]
    assert insurance_on_file(patient_id).payer == "Sample Care"  # type: ignore[union-attr]
    assert update_demographics(insured) is True
    assert insurance_on_file(patient_id).payer == "Example Health"  # type: ignore[union-attr]
    coverages = db.session.scalars(select(InsuranceCoverage.source)).all()
    assert coverages == ["schedule"] * 3


def test_demographics_that_cannot_be_stored_are_refused_naming_only_the_field(
    store_app: Flask,
) -> None:
    apply_entries([entry("A-1")], now=NOW)

    with pytest.raises(InvalidDemographics, match="^last_name$"):
        update_demographics(replace(ANA, last_name="Núñez" * 20))

    db.session.expire_all()
    assert db.session.scalar(select(Patient.last_name)) == "Núñez"
