"""New insurance cards captured at a kiosk: the ones waiting for a coordinator, their photos,
and the decision (accept as read, correct payer / member ID / group, or reject with a reason).

A card's photos are the most sensitive thing Lobby stores. They are decrypted in memory for one
response and never written anywhere in clear; every view is audited (who, which patient, which
side). What comes out of the store is treated as hostile once more — a file could have been put
there by other means — so it is decoded and re-encoded by the same sanitiser as an upload, and
anything that fails (too large, not an image, damaged, missing) is shown as a placeholder, never
as an error page.

Deciding is a conditional UPDATE on `needs_review`: of two coordinators deciding at once, one
wins, the other is told who decided and when (`AlreadyDecided`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from admin.review.card_forms import CardDetails, Rejection
from admin.review.decisions import AlreadyDecided, Arrival, ReviewRefused, arrival_with
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import InsuranceCoverage, Patient
from kiosk.models.types import utcnow
from kiosk.outbox.enqueue import enqueue_coverage_accepted
from kiosk.uploads.card_images import RejectedPhoto, sanitise_card_photo
from kiosk.uploads.secure_store import SecureStoreError, store_for

CARD_SIDES = ("front", "back")
CARD_NOT_FOUND = _l("This card is not in the review queue. Please refresh the list.")


@dataclass(frozen=True)
class CardForReview:
    """A captured card with its patient and the arrival it came with."""

    coverage: InsuranceCoverage
    patient: Patient
    arrival: Arrival | None

    @property
    def decided(self) -> bool:
        """Whether a coordinator has decided on the card already."""
        return not self.coverage.needs_review


def pending_cards() -> list[CardForReview]:
    """Every card still waiting for a coordinator, oldest first."""
    rows = db.session.execute(
        select(InsuranceCoverage, Patient)
        .join(Patient, Patient.id == InsuranceCoverage.patient_id)
        .where(InsuranceCoverage.needs_review)
        .order_by(InsuranceCoverage.created_at, InsuranceCoverage.id)
    ).all()
    return [
        CardForReview(coverage, patient, arrival_with(patient.id, coverage.created_at))
        for coverage, patient in rows
    ]


def card_for_review(coverage_id: int) -> CardForReview | None:
    """One card captured at a kiosk (pending or decided), read afresh; None if there is none."""
    row = db.session.execute(
        select(InsuranceCoverage, Patient)
        .join(Patient, Patient.id == InsuranceCoverage.patient_id)
        .where(InsuranceCoverage.id == coverage_id, InsuranceCoverage.source == "kiosk")
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    coverage, patient = row
    return CardForReview(coverage, patient, arrival_with(patient.id, coverage.created_at))


def card_photo(coverage: InsuranceCoverage, side: str, *, staff_id: int) -> bytes | None:
    """The photo of one side of the card as a clean JPEG, or None where there is nothing that
    can safely be shown; the view is audited either way (the caller commits)."""
    name = coverage.front_image if side == "front" else coverage.back_image
    photo: bytes | None = None
    if name:
        try:
            stored = store_for(current_app).get(name, purpose=f"card_{side}")
            photo = sanitise_card_photo(stored).jpeg
        except (SecureStoreError, RejectedPhoto):
            photo = None
    record_audit(
        "insurance_card_viewed",
        kiosk_id=None,
        patient_id=coverage.patient_id,
        choice=side,
        staff_id=staff_id,
        reason="shown" if photo is not None else "unavailable",
    )
    return photo


def accept_card(coverage_id: int, details: CardDetails, *, staff_id: int) -> str:
    """Accept the card with the details the coordinator confirmed; "corrected" when they
    differ from what the kiosk recorded, else "accepted" (returned). Commits."""
    found = card_for_review(coverage_id)
    if found is None:
        raise ReviewRefused(CARD_NOT_FOUND)
    coverage = found.coverage
    as_recorded = (coverage.payer, coverage.member_id, coverage.group_number)
    as_confirmed = (details.payer, details.member_id, details.group_number)
    outcome = "accepted" if as_recorded == as_confirmed else "corrected"
    _decide(
        found,
        staff_id,
        outcome=outcome,
        payer=details.payer,
        member_id=details.member_id,
        group_number=details.group_number,
    )
    return outcome


def reject_card(coverage_id: int, rejection: Rejection, *, staff_id: int) -> None:
    """Reject the card with the coordinator's reason. Commits."""
    found = card_for_review(coverage_id)
    if found is None:
        raise ReviewRefused(CARD_NOT_FOUND)
    _decide(
        found,
        staff_id,
        outcome="rejected",
        reason=rejection.reason,
        rejection_reason=rejection.reason,
        rejection_note=rejection.note,
    )


def _decide(
    found: CardForReview,
    staff_id: int,
    *,
    outcome: str,
    reason: str | None = None,
    **values: str,
) -> None:
    """Record the decision if nobody did first (one conditional UPDATE), with its audit; an
    accepted (or corrected) card is queued for the billing office in the same transaction."""
    now: datetime = utcnow()
    result = db.session.execute(
        update(InsuranceCoverage)
        .where(InsuranceCoverage.id == found.coverage.id, InsuranceCoverage.needs_review)
        .values(
            needs_review=False,
            review_outcome=outcome,
            reviewed_by=staff_id,
            reviewed_at=now,
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        decided = card_for_review(found.coverage.id)
        coverage = decided.coverage if decided is not None else found.coverage
        raise AlreadyDecided(coverage.reviewed_by, coverage.reviewed_at)
    detail: dict[str, str | int] = {"choice": outcome, "staff_id": staff_id}
    if reason is not None:
        detail["reason"] = reason
    record_audit("insurance_reviewed", kiosk_id=None, patient_id=found.patient.id, **detail)
    if outcome in ("accepted", "corrected"):
        enqueue_coverage_accepted(found.coverage)
    db.session.commit()
