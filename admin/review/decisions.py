"""What every review decision shares: who arrived when and where, and the refusal when a
colleague decided the same item first.

Two coordinators may open the same item; each decision is a conditional UPDATE on the item's
pending state, so the database lets exactly one through. The other is told who decided and
when, and nothing changes twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.models import ArrivalChannel, CheckIn, Kiosk, StaffUser

# A kiosk records a card or contact change in the same transaction as the check-in, so the
# check-in an item came with is the patient's latest one at most this long after it.
SAME_ARRIVAL = timedelta(minutes=5)


class ReviewRefused(Exception):
    """A review decision that cannot be made as asked; nothing was changed."""

    def __init__(self, message: LazyString) -> None:
        # The message is rendered later, in the language of the screen that shows it.
        super().__init__("review decision refused")
        self.message = message


class AlreadyDecided(ReviewRefused):
    """A colleague decided the item between this coordinator opening it and deciding."""

    def __init__(self, decided_by: int | None, decided_at: datetime | None) -> None:
        super().__init__(
            _l(
                "This was already decided by %(who)s at %(time)s. Nothing was changed.",
                who=staff_name(decided_by),
                time=local_time(decided_at),
            )
        )


def staff_name(staff_id: int | None) -> str:
    """How a staff screen names a colleague: their name, else their email."""
    user = db.session.get(StaffUser, staff_id) if staff_id is not None else None
    if user is None:
        return "?"
    return user.full_name or user.email


def local_time(moment: datetime | None) -> str:
    """HH:MM at the facility."""
    if moment is None:
        return "?"
    return moment.astimezone(facility_timezone(current_app)).strftime("%H:%M")


@dataclass(frozen=True)
class Arrival:
    """Where and when the patient an item belongs to checked in."""

    checked_in_at: datetime
    channel: ArrivalChannel
    kiosk_name: str
    kiosk_place: str


def arrival_with(patient_id: int, recorded_at: datetime) -> Arrival | None:
    """The check-in an item recorded at `recorded_at` came with, or None (an item from before
    check-ins were kept)."""
    row = db.session.execute(
        select(CheckIn.checked_in_at, CheckIn.channel, Kiosk.name, Kiosk.place)
        .outerjoin(Kiosk, Kiosk.id == CheckIn.kiosk_id)
        .where(
            CheckIn.patient_id == patient_id,
            CheckIn.checked_in_at <= recorded_at + SAME_ARRIVAL,
        )
        .order_by(CheckIn.checked_in_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    checked_in_at, channel, kiosk_name, kiosk_place = row
    return Arrival(checked_in_at, channel, kiosk_name or "", kiosk_place or "")
