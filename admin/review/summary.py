"""What other staff screens need from the review queue: how many items wait (the navigation
badge) and where a Today row's "new card" flag leads.

Both are single cheap queries, fit for a screen that polls every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select

from admin.review.walk_ins import unsettled
from kiosk.extensions import db
from kiosk.models import CheckIn, ContactChange, ContactChangeStatus, InsuranceCoverage, Patient


@dataclass(frozen=True)
class PendingCounts:
    """How many items of each kind wait for a coordinator."""

    cards: int
    contact_changes: int
    walk_ins: int

    @property
    def total(self) -> int:
        """Everything waiting: the number on the navigation badge."""
        return self.cards + self.contact_changes + self.walk_ins


def pending_counts() -> PendingCounts:
    """Count the items waiting for review."""
    cards = db.session.scalar(
        select(func.count()).select_from(InsuranceCoverage).where(InsuranceCoverage.needs_review)
    )
    changes = db.session.scalar(
        select(func.count())
        .select_from(ContactChange)
        .where(ContactChange.status == ContactChangeStatus.PENDING)
    )
    walk_ins = db.session.scalar(select(func.count()).select_from(Patient).where(unsettled()))
    return PendingCounts(int(cards or 0), int(changes or 0), int(walk_ins or 0))


def review_url_for_check_in(check_in_id: int) -> str | None:
    """The review page of the newest card waiting for the patient of a check-in (what a Today
    row's "new card" flag links to), or None when none waits."""
    coverage_id = db.session.scalar(
        select(InsuranceCoverage.id)
        .join(CheckIn, CheckIn.patient_id == InsuranceCoverage.patient_id)
        .where(CheckIn.id == check_in_id, InsuranceCoverage.needs_review)
        .order_by(InsuranceCoverage.created_at.desc(), InsuranceCoverage.id.desc())
        .limit(1)
    )
    if coverage_id is None:
        return None
    return url_for("admin_review.card", coverage_id=coverage_id)
