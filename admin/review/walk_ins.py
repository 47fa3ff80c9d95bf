"""Walk-ins: people the kiosk registered without an appointment, unverified, for a coordinator
to settle at the desk — either they are a patient already on record (match: their walk-in
check-in, ticket and anything else they left move onto that record) or they are new (register:
the coordinator confirms name and date of birth and the record counts as verified).

Searching the records by name and date of birth is access to patient data and is audited (how
many matched, never what was typed). Matching and registering are conditional UPDATEs on the
walk-in still being unsettled, so two coordinators at once settle it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select, update

from admin.review.decisions import AlreadyDecided, Arrival, ReviewRefused, arrival_with
from kiosk.checkin.answers import valid_name
from kiosk.checkin.audit import record_audit
from kiosk.checkin.identity import fold_name
from kiosk.extensions import db
from kiosk.facility import facility_today
from kiosk.models import CheckIn, Consent, ContactChange, InsuranceCoverage, Patient
from kiosk.models.types import utcnow

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
WALK_IN_NOT_FOUND = _l("This walk-in is not in the review queue. Please refresh the list.")
NOT_A_MATCH = _l("Choose a patient on record from the search results.")
# Rows a walk-in may have left at the kiosk; matching moves them onto the record found.
ROWS_OF_A_PATIENT = (CheckIn, ContactChange, InsuranceCoverage, Consent)


@dataclass(frozen=True)
class WalkInForReview:
    """A walk-in patient row and the arrival it came with."""

    patient: Patient
    arrival: Arrival | None

    @property
    def decided(self) -> bool:
        """Whether a coordinator has matched or registered the walk-in already."""
        return self.patient.verified or self.patient.merged_into_id is not None


@dataclass(frozen=True)
class ConfirmedDetails:
    """A walk-in's name and date of birth as the coordinator confirmed them."""

    first_name: str
    last_name: str
    date_of_birth: date


def unsettled() -> ColumnElement[bool]:
    """The condition of a walk-in nobody has matched or registered yet."""
    return and_(Patient.verified.is_(False), Patient.merged_into_id.is_(None))


def pending_walk_ins() -> list[WalkInForReview]:
    """Every walk-in still waiting for a coordinator, oldest first."""
    patients = db.session.scalars(
        select(Patient).where(unsettled()).order_by(Patient.created_at, Patient.id)
    )
    return [WalkInForReview(p, arrival_with(p.id, p.created_at)) for p in patients]


def walk_in_for_review(patient_id: int) -> WalkInForReview | None:
    """A walk-in, unsettled or settled by review, read afresh; None for any other patient."""
    patient = db.session.get(Patient, patient_id, populate_existing=True)
    if patient is None:
        return None
    if patient.verified and patient.verified_by is None:
        return None  # a patient from the schedule, never a walk-in
    return WalkInForReview(patient, arrival_with(patient.id, patient.created_at))


def parse_birth_date(text: str) -> date | None:
    """A date of birth from a date field (YYYY-MM-DD), or None if it is not a plausible one."""
    try:
        born = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return born if EARLIEST_BIRTH_DATE <= born <= facility_today() else None


def parse_confirmed_details(
    form: Mapping[str, str],
) -> tuple[ConfirmedDetails | None, dict[str, LazyString]]:
    """The confirmed name and date of birth, or None and a message per field that is wrong."""
    first = " ".join(form.get("first_name", "").split())
    last = " ".join(form.get("last_name", "").split())
    born = parse_birth_date(form.get("date_of_birth", ""))
    problems: dict[str, LazyString] = {}
    if not valid_name(first):
        problems["first_name"] = _l("Enter the first name in letters.")
    if not valid_name(last):
        problems["last_name"] = _l("Enter the last name in letters.")
    if born is None:
        problems["date_of_birth"] = _l("Enter a real date of birth.")
    if problems or born is None:
        return None, problems
    return ConfirmedDetails(first, last, born), problems


def search_records(
    last_name: str, date_of_birth: date, *, walk_in_id: int, staff_id: int
) -> list[Patient]:
    """Patients on record with this last name (as the keypad folds it) and date of birth, the
    walk-in itself excluded. Audited, with the number found only. The caller commits."""
    found = list(
        db.session.scalars(
            select(Patient)
            .where(
                Patient.last_name_key == fold_name(last_name),
                Patient.date_of_birth == date_of_birth,
                Patient.verified.is_(True),
                Patient.merged_into_id.is_(None),
                Patient.id != walk_in_id,
            )
            .order_by(Patient.first_name, Patient.id)
        )
    )
    record_audit(
        "patient_search",
        kiosk_id=None,
        patient_id=walk_in_id,
        matches=len(found),
        staff_id=staff_id,
    )
    return found


def match_walk_in(walk_in_id: int, record_id: int, *, staff_id: int) -> None:
    """The walk-in is the patient `record_id`: their check-in, ticket and what they left at the
    kiosk move onto that record. Commits."""
    found = walk_in_for_review(walk_in_id)
    if found is None:
        raise ReviewRefused(WALK_IN_NOT_FOUND)
    record = db.session.get(Patient, record_id)
    if record is None or not record.verified or record.merged_into_id is not None:
        raise ReviewRefused(NOT_A_MATCH)
    _settle(found, staff_id, merged_into_id=record.id)
    for model in ROWS_OF_A_PATIENT:
        db.session.execute(
            update(model)
            .where(model.patient_id == walk_in_id)
            .values(patient_id=record.id)
            .execution_options(synchronize_session=False)
        )
    # The audit log is append-only: the walk-in's earlier events keep its id, and this event
    # names both records, so the audit viewer can follow the merge.
    record_audit(
        "walk_in_matched",
        kiosk_id=None,
        patient_id=record.id,
        staff_id=staff_id,
        merged_from=walk_in_id,
    )
    db.session.commit()


def register_walk_in(walk_in_id: int, details: ConfirmedDetails, *, staff_id: int) -> None:
    """The walk-in is new to the hospital: keep the record with the details the coordinator
    confirmed, now verified. Commits."""
    found = walk_in_for_review(walk_in_id)
    if found is None:
        raise ReviewRefused(WALK_IN_NOT_FOUND)
    _settle(
        found,
        staff_id,
        verified=True,
        first_name=details.first_name,
        last_name=details.last_name,
        last_name_key=fold_name(details.last_name),
        date_of_birth=details.date_of_birth,
    )
    record_audit("walk_in_verified", kiosk_id=None, patient_id=walk_in_id, staff_id=staff_id)
    db.session.commit()


def _settle(found: WalkInForReview, staff_id: int, **values: object) -> None:
    """Mark the walk-in settled if nobody did first (one conditional UPDATE)."""
    result = db.session.execute(
        update(Patient)
        .where(Patient.id == found.patient.id, unsettled())
        .values(verified_by=staff_id, verified_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        settled = walk_in_for_review(found.patient.id)
        patient = settled.patient if settled is not None else found.patient
        raise AlreadyDecided(patient.verified_by, patient.verified_at)
