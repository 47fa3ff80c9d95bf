"""Insurance from the hospital's records (a FHIR Coverage, CSV insurance columns, HL7 IN1): kept
as the patient's insurance on file, which the kiosk offers as "same as last time" (payer and the
last four of the member ID).

The kiosk shows the most recent coverage row, so an import adds a row only when the hospital's
coverage differs from that one: importing the same file again adds nothing, and a card a
patient captured at the kiosk stays in the record (the newer row wins on screen).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from admin.schedule.entries import ScheduledCoverage
from kiosk.extensions import db
from kiosk.models import InsuranceCoverage

SOURCE = "schedule"
# What makes two coverages the same for the patient: payer, member ID and group.
CoverageKey = tuple[str, str, str]


def coverage_key(coverage: ScheduledCoverage) -> CoverageKey:
    """The comparable form of a coverage from the schedule."""
    return (coverage.payer, coverage.member_id, coverage.group_number)


def latest_coverages(patient_ids: Iterable[int]) -> dict[int, CoverageKey]:
    """Each patient's most recent coverage on file (the one the kiosk shows), by patient id."""
    latest: dict[int, CoverageKey] = {}
    rows = db.session.execute(
        select(
            InsuranceCoverage.patient_id,
            InsuranceCoverage.payer,
            InsuranceCoverage.member_id,
            InsuranceCoverage.group_number,
        )
        .where(InsuranceCoverage.patient_id.in_(list(patient_ids)), InsuranceCoverage.payer != "")
        .order_by(InsuranceCoverage.created_at, InsuranceCoverage.id)
    )
    for patient_id, payer, member_id, group_number in rows:
        latest[patient_id] = (payer, member_id, group_number)
    return latest


def add_coverage(patient_id: int, coverage: ScheduledCoverage) -> None:
    """Put the hospital's coverage on file for the patient (the caller commits)."""
    db.session.add(
        InsuranceCoverage(
            patient_id=patient_id,
            payer=coverage.payer,
            member_id=coverage.member_id,
            group_number=coverage.group_number,
            source=SOURCE,
        )
    )
