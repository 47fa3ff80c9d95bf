"""Codes for the appointment letters of one day, issued again on demand.

The codes an import issues are handed over once (the `--codes-out` file, the page's download)
and kept only as keyed hashes, so a lost file cannot be read back. Instead, staff ask for the
letters of a day: every appointment of that day from the hospital's schedule that is still
booked and nobody has checked in for gets a new code, and the codes issued before for those
appointments stop working (a letter already printed with one must be printed again).
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select

from admin.schedule.entries import APPOINTMENT_YEARS
from admin.schedule.store import BATCH_SIZE
from kiosk.checkin.audit import record_audit
from kiosk.checkin.codes import code_key, issue_codes
from kiosk.extensions import db
from kiosk.facility import facility_timezone, local_day_bounds
from kiosk.models import Appointment, AppointmentStatus, CheckIn

AUDIT_ACTION = "schedule_codes_reissued"


class DayIsOver(ValueError):
    """The day asked for has ended: a code for it could never work."""


def reissue_codes_for_day(
    day: date, *, now: datetime, staff_id: int | None = None
) -> dict[str, str]:
    """New codes for the day's booked, not yet checked-in appointments of the hospital's
    schedule, by the hospital's appointment id, committed and audited. Raises DayIsOver for a
    day that has ended in the facility's time zone."""
    if day.year not in APPOINTMENT_YEARS:
        return {}  # no appointment is stored so far out (and its day's end would overflow)
    timezone = facility_timezone(current_app)
    day_start, day_end = local_day_bounds(datetime.combine(day, time(12), timezone), timezone)
    if day_end <= now:
        raise DayIsOver(day.isoformat())
    appointments = list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.starts_at >= day_start,
                Appointment.starts_at < day_end,
                Appointment.status == AppointmentStatus.BOOKED,
                Appointment.external_id.is_not(None),
                ~select(CheckIn.id).where(CheckIn.appointment_id == Appointment.id).exists(),
            )
            .order_by(Appointment.starts_at, Appointment.external_id)
        )
    )
    codes: dict[str, str] = {}
    key = code_key(current_app)
    for start in range(0, len(appointments), BATCH_SIZE):
        batch = appointments[start : start + BATCH_SIZE]
        issued = issue_codes(batch, now=now, timezone=timezone, key=key)
        for appointment, code in zip(batch, issued, strict=True):
            codes[appointment.external_id or ""] = code
            detail: dict[str, str | int | bool] = {"appointment_id": appointment.id}
            if staff_id is not None:
                detail["staff_id"] = staff_id
            record_audit(AUDIT_ACTION, kiosk_id=None, patient_id=appointment.patient_id, **detail)
        db.session.commit()
    return codes
