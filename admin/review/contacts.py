"""Contact changes a patient made at the kiosk (a new phone number or address): shown to a
coordinator next to what the record holds, then accepted into the record or rejected.

Nothing a kiosk records reaches the patient's record unseen. Accepting writes the new value and
keeps the one it replaced on the change; both the status change and the record's update happen
in one transaction, under a conditional UPDATE on `status = pending`, so two coordinators
deciding at once decide once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from admin.review.decisions import AlreadyDecided, Arrival, ReviewRefused, arrival_with
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import ContactChange, ContactChangeStatus, Patient
from kiosk.models.types import utcnow

# The patient columns a kiosk may ask to change.
CONTACT_FIELDS = frozenset({"phone", "address"})
CHANGE_NOT_FOUND = _l("This change is not in the review queue. Please refresh the list.")


@dataclass(frozen=True)
class ContactChangeForReview:
    """A contact change with its patient, the value on record and the arrival it came with."""

    change: ContactChange
    patient: Patient
    arrival: Arrival | None

    @property
    def current_value(self) -> str:
        """What the record holds now (or, once accepted, what it held before)."""
        if self.change.status is ContactChangeStatus.ACCEPTED:
            return self.change.old_value or ""
        return str(getattr(self.patient, self.change.field, ""))

    @property
    def decided(self) -> bool:
        """Whether a coordinator has decided on the change already."""
        return self.change.status is not ContactChangeStatus.PENDING


def pending_contact_changes() -> list[ContactChangeForReview]:
    """Every change still waiting for a coordinator, oldest first."""
    rows = db.session.execute(
        select(ContactChange, Patient)
        .join(Patient, Patient.id == ContactChange.patient_id)
        .where(ContactChange.status == ContactChangeStatus.PENDING)
        .order_by(ContactChange.created_at, ContactChange.id)
    ).all()
    return [
        ContactChangeForReview(change, patient, arrival_with(patient.id, change.created_at))
        for change, patient in rows
    ]


def contact_change_for_review(change_id: int) -> ContactChangeForReview | None:
    """One contact change, read afresh; None if there is none."""
    row = db.session.execute(
        select(ContactChange, Patient)
        .join(Patient, Patient.id == ContactChange.patient_id)
        .where(ContactChange.id == change_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    change, patient = row
    return ContactChangeForReview(change, patient, arrival_with(patient.id, change.created_at))


def decide_contact_change(change_id: int, *, accept: bool, staff_id: int) -> None:
    """Accept the change into the patient's record, or reject it. Commits."""
    found = contact_change_for_review(change_id)
    if found is None or found.change.field not in CONTACT_FIELDS:
        raise ReviewRefused(CHANGE_NOT_FOUND)
    change = found.change
    status = ContactChangeStatus.ACCEPTED if accept else ContactChangeStatus.REJECTED
    old_value = str(getattr(found.patient, change.field))
    result = db.session.execute(
        update(ContactChange)
        .where(ContactChange.id == change.id, ContactChange.status == ContactChangeStatus.PENDING)
        .values(
            status=status,
            decided_by=staff_id,
            decided_at=utcnow(),
            old_value=old_value if accept else None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        decided = contact_change_for_review(change_id)
        latest = decided.change if decided is not None else change
        raise AlreadyDecided(latest.decided_by, latest.decided_at)
    if accept:
        db.session.execute(
            update(Patient)
            .where(Patient.id == found.patient.id)
            .values({change.field: change.new_value})
            .execution_options(synchronize_session=False)
        )
    record_audit(
        "contact_change_reviewed",
        kiosk_id=None,
        patient_id=found.patient.id,
        field=change.field,
        choice=status.value,
        staff_id=staff_id,
    )
    db.session.commit()
