"""Schedule entries as the hospital's systems send them, for the store and importer tests.

The patients are synthetic; their MRNs start with "SYN-" so they can never be mistaken for
real records.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from admin.schedule.entries import ScheduledPatient, ScheduleEntry, ScheduleStatus
from kiosk.extensions import db
from kiosk.models import Appointment
from tests.builders import NOW, minutes

# Half an hour after the tests' fixed clock: 10:30 in the Chicago test facility.
LATER_TODAY = NOW + minutes(30)
ANA = ScheduledPatient(
    mrn="SYN-1001",
    first_name="Ana",
    last_name="Núñez",
    date_of_birth=date(1984, 3, 12),
    phone="5550100101",
    preferred_language="es",
)
LIAM = ScheduledPatient(
    mrn="SYN-1002", first_name="Liam", last_name="O'Brien", date_of_birth=date(1979, 11, 2)
)


def entry(
    external_id: str = "A-1",
    *,
    patient: ScheduledPatient = ANA,
    starts_at: datetime = LATER_TODAY,
    department_code: str = "imaging",
    provider: str = "Dr. Example",
    status: ScheduleStatus = ScheduleStatus.BOOKED,
) -> ScheduleEntry:
    """One appointment of a synthetic patient, by default booked in Imaging later today."""
    return ScheduleEntry(
        external_id=external_id,
        patient=patient,
        starts_at=starts_at,
        department_code=department_code,
        provider=provider,
        status=status,
    )


def appointment(external_id: str) -> Appointment | None:
    """The stored appointment with the hospital's id (inside an app context)."""
    db.session.expire_all()
    return db.session.scalar(select(Appointment).where(Appointment.external_id == external_id))
