"""Reading a FHIR R4 Bundle: Patients and Appointments validated with fhir.resources, each
entry on its own so that invalid ones are reported by position and the rest read; the
documented mapping of ids, statuses, patients, departments and providers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin.schedule import fhir_import
from admin.schedule.entries import ScheduledCoverage, ScheduleStatus
from admin.schedule.fhir_import import read_schedule_bundle
from admin.schedule.problems import ParsedSchedule, RowProblem, ScheduleFileError
from tests.admin.schedule.schedule_builders import (
    fhir_appointment,
    fhir_bundle,
    fhir_patient,
    patient_url,
)

CHICAGO = ZoneInfo("America/Chicago")
TODAY = date(2026, 3, 10)


def read(data: bytes) -> ParsedSchedule:
    """The Bundle read as the Chicago test facility reads it on 10 March 2026."""
    return read_schedule_bundle(data, timezone=CHICAGO, today=TODAY)


def test_patients_and_appointments_map_to_entries(english: None) -> None:
    relative = fhir_appointment("A-2", 2, status="noshow", start="2026-03-10T11:00:00-05:00")
    relative["resource"]["participant"][0]["actor"]["reference"] = "Patient/p2"
    second = fhir_patient(2, language="fr")
    second["resource"]["id"] = "p2"
    del second["fullUrl"]
    parsed = read(
        fhir_bundle(fhir_patient(1), fhir_appointment("A-1", 1, status="pending"), second, relative)
    )

    assert parsed.problems == [] and parsed.rows == [2, 4]
    first, missed = parsed.entries
    assert first.external_id == "A-1" and first.status is ScheduleStatus.BOOKED
    assert first.starts_at == datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
    assert (first.patient.mrn, first.patient.first_name, first.patient.last_name) == (
        "SYN-1",
        "Ana",
        "Núñez",
    )
    assert first.patient.phone == "555-0101" and first.patient.preferred_language == "es"
    assert first.department_code == "imaging" and first.provider == "Dr. Example"
    assert missed.status is ScheduleStatus.NO_SHOW and missed.patient.mrn == "SYN-2"
    assert missed.starts_at == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    assert missed.patient.preferred_language == "en"


def test_the_department_may_be_a_location_entry_of_the_bundle(english: None) -> None:
    location = {
        "fullUrl": "urn:uuid:5e0c1f00-0000-4000-8000-000000000001",
        "resource": {"resourceType": "Location", "identifier": [{"value": "laboratory"}]},
    }
    appointment = fhir_appointment("A-1", 1)
    appointment["resource"]["participant"][1] = {
        "actor": {"reference": location["fullUrl"]},
        "status": "accepted",
    }
    parsed = read(fhir_bundle(location, fhir_patient(1), appointment))

    assert [entry.department_code for entry in parsed.entries] == ["laboratory"]


def test_invalid_entries_are_reported_by_position_and_the_good_ones_read(
    english: None,
) -> None:
    no_patient = fhir_appointment("A-5", 1)
    no_patient["resource"]["participant"] = no_patient["resource"]["participant"][1:]
    no_department = fhir_appointment("A-6", 1)
    del no_department["resource"]["participant"][1]
    parsed = read(
        fhir_bundle(
            fhir_patient(1),
            fhir_patient(2, birth_date="1984-13-12"),
            fhir_appointment("A-1", 1),
            fhir_appointment("A-2", 2),
            fhir_appointment("A-3", 1, status="arrived"),
            {"resource": {"resourceType": "Observation", "status": "final"}},
            fhir_appointment("A-1", 1, start="2026-03-10T10:00:00-05:00"),
            no_patient,
            no_department,
            {"resource": {"resourceType": "Coverage", "status": "no-such-status"}},
            {"resource": {"resourceType": "Patient", "contained": [{"resourceType": "Nope"}]}},
        )
    )

    assert [entry.external_id for entry in parsed.entries] == ["A-1"]
    assert parsed.problems == [
        RowProblem(2, "the Patient is not valid FHIR R4 (resource.birthDate)"),
        RowProblem(4, "its patient (entry 2) was not imported"),
        RowProblem(
            5,
            "the appointment status is not booked, pending, proposed, cancelled, noshow or "
            "entered-in-error",
        ),
        RowProblem(
            6, "the entry is not a Patient, Appointment, Coverage, HealthcareService or Location"
        ),
        RowProblem(7, "the appointment id is already in entry 3; this entry was not imported"),
        RowProblem(8, "the appointment's patient is not a Patient entry of the Bundle"),
        RowProblem(9, "department is missing"),
        RowProblem(10, "the Coverage is not valid FHIR R4 (resource.beneficiary, resource.payor)"),
        RowProblem(11, "the Patient is not valid FHIR R4 (…)"),
    ]
    assert not any("1984" in problem.reason for problem in parsed.problems)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"appointment_id,mrn\nA-1,SYN-1", "not JSON"),
        (b'{"resourceType": "Patient"}', "not a FHIR Bundle"),
        (b"[1, 2]", "not a FHIR Bundle"),
        (b'{"resourceType": "Bundle", "type": "collection", "total": "many"}', r"R4 \(total\)"),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": {}}', "not a list"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (
            b'{"resourceType": "Bundle", "type": "collection", "signature": [{"who": {}, '
            b'"type": [], "when": "2026", "data": 5, "onBehalfOf": {"reference": 1}}]}',
            r"R4 \(",
        ),
    ],
)
def test_a_file_that_is_no_bundle_is_refused_as_a_whole(
    english: None, data: bytes, message: str
) -> None:
    with pytest.raises(ScheduleFileError, match=message):
        read(data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    garbage=st.lists(
        st.sampled_from(
            [
                {"resource": {"resourceType": "Appointment"}},
                {"resource": {"resourceType": "Patient", "birthDate": 3}},
                {"fullUrl": patient_url(1), "resource": None},
                {"resource": {"resourceType": "Patient", "contained": [{"resourceType": "X"}]}},
                {"resource": {"resourceType": "Coverage"}, "response": {"outcome": {"a": 1}}},
                fhir_patient(1),
                fhir_appointment("A-1", 1),
            ]
        )
        | JSON_VALUES,
        max_size=6,
    )
)
def test_any_entries_are_read_or_reported_never_an_error(
    english: None, garbage: list[object]
) -> None:
    data = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": garbage}).encode()

    parsed = read(data)

    assert {*parsed.rows, *(problem.row for problem in parsed.problems)} <= set(
        range(1, len(garbage) + 1)
    )
    assert all(problem.reason for problem in parsed.problems)


def test_a_bundle_with_more_entries_than_the_limit_is_refused_as_a_whole(
    english: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fhir_import, "MAX_BUNDLE_ENTRIES", 2)

    within = read(fhir_bundle(fhir_patient(1), fhir_appointment("A-1", 1)))
    with pytest.raises(ScheduleFileError, match="more than 2 entries"):
        read(fhir_bundle(fhir_patient(1), fhir_appointment("A-1", 1), fhir_patient(2)))

    assert [entry.external_id for entry in within.entries] == ["A-1"]


def coverage_entry(patient_number: int, **fields: object) -> dict[str, object]:
    """A Bundle entry with an active Coverage of the synthetic Patient."""
    resource: dict[str, object] = {
        "resourceType": "Coverage",
        "status": "active",
        "beneficiary": {"reference": patient_url(patient_number)},
        "payor": [{"display": "Example Health"}],
        "subscriberId": "XKZ123456789",
        "class": [{"type": {"coding": [{"code": "group"}]}, "value": "G-7"}],
    }
    resource.update(fields)
    return {"resource": resource}


def test_an_active_coverage_becomes_its_patients_insurance_and_a_bad_one_is_reported(
    english: None,
) -> None:
    parsed = read(
        fhir_bundle(
            fhir_patient(1),
            fhir_patient(2),
            coverage_entry(1, status="cancelled", subscriberId="OLD-1"),
            coverage_entry(1),
            coverage_entry(2, payor=[{"reference": "Organization/o1"}]),
            coverage_entry(9),
            fhir_appointment("A-1", 1),
            fhir_appointment("A-2", 2),
        )
    )

    assert [entry.patient.coverage for entry in parsed.entries] == [
        ScheduledCoverage("Example Health", "XKZ123456789", "G-7"),
        None,
    ]
    assert parsed.problems == [
        RowProblem(5, "insurance company is missing"),
        RowProblem(6, "the Coverage's beneficiary is not a Patient entry of the Bundle"),
    ]


def test_a_start_at_the_end_of_the_calendar_is_reported_not_an_error(english: None) -> None:
    parsed = read(
        fhir_bundle(fhir_patient(1), fhir_appointment("A-1", 1, start="9999-12-31T23:00:00-05:00"))
    )

    assert parsed.problems == [RowProblem(2, "start is not a plausible appointment time")]
