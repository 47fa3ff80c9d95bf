"""SYNTHETIC demo patients, departments and today's appointments, so that `make run` always has
someone to check in.

Every person here is made up: the names are invented (with accents and punctuation on purpose,
to exercise the keypad lookup), the phone numbers are in the 555-01xx range reserved for fiction,
the addresses and insurance plans do not exist, and every MRN starts with "DEMO-".

Seeding is idempotent. Departments and patients are created once (by code and MRN) and then left
alone. Appointments are kept one per patient, department and day: on each run, today's demo
appointments that are still booked are moved to just around `now`, so that the kiosk accepts
them, and given a fresh code (codes are stored hashed, so the command can only show new ones);
an appointment already checked in is left as it is. A new day adds that day's appointments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from kiosk.checkin.codes import code_key, issue_code
from kiosk.checkin.identity import fold_name
from kiosk.extensions import db
from kiosk.facility import facility_timezone, local_day_bounds
from kiosk.floorplan import current_wayfinder
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    Department,
    InsuranceCoverage,
    Patient,
)
from wayfinding import UnknownPlaceError


@dataclass(frozen=True)
class DemoDepartment:
    """A department of the demo hospital, linked to the demo floorplan's destination."""

    code: str
    names: dict[str, str]
    ticket_prefix: str
    arrival_notes: dict[str, str]
    location_label: str = ""


@dataclass(frozen=True)
class DemoInsurance:
    """Insurance on file for a demo patient (all plans invented)."""

    payer: str
    member_id: str
    group_number: str


@dataclass(frozen=True)
class DemoAppointment:
    """One of a demo patient's appointments, placed relative to the time of seeding.

    `outside_window` marks the appointment that shows "please see the desk": it is put far
    enough from now that the kiosk will not check it in.
    """

    department: str
    minutes_from_now: int
    outside_window: bool = False


@dataclass(frozen=True)
class DemoPatient:
    """A made-up patient with a fixed date of birth (for trying the name + DOB lookup)."""

    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    address: str
    preferred_language: str
    insurance: DemoInsurance | None
    appointments: tuple[DemoAppointment, ...]

    @property
    def name(self) -> str:
        """First and last name, as the README lists them."""
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class DemoCheckIn:
    """One demo appointment someone can try to check in for, as `flask seed-demo` prints it.

    `starts_at` is in the facility's time zone; `in_window` is False for the appointment that is
    meant to send people to the desk.
    """

    name: str
    date_of_birth: date
    department: str
    starts_at: datetime
    code: str
    in_window: bool


# Far outside the check-in window (60 min early, 30 late) on either side of now.
OUTSIDE_WINDOW_MINUTES = 150

BRING_MEDICINES = {
    "en": "Please bring a list of the medicines you take.",
    "es": "Traiga una lista de los medicamentos que toma.",
}

DEMO_DEPARTMENTS = (
    DemoDepartment(
        code="imaging",
        names={"en": "Imaging", "es": "Imagen"},
        ticket_prefix="R",
        arrival_notes={
            "en": "Imaging: please bring your referral and any previous scans.",
            "es": "Imagen: traiga su volante y sus pruebas de imagen anteriores.",
        },
    ),
    DemoDepartment(
        code="laboratory",
        names={"en": "Laboratory", "es": "Laboratorio"},
        ticket_prefix="L",
        arrival_notes={
            "en": "Laboratory: tell us if you were asked to fast and have eaten today.",
            "es": "Laboratorio: avísenos si debía venir en ayunas y ha comido hoy.",
        },
    ),
    DemoDepartment(
        code="cardiology",
        names={"en": "Cardiology", "es": "Cardiología"},
        ticket_prefix="C",
        arrival_notes=BRING_MEDICINES,
    ),
    DemoDepartment(
        code="oncology",
        names={"en": "Oncology", "es": "Oncología"},
        ticket_prefix="S",
        # The department's name would reveal a condition on a ticket or public board, and so
        # would its initial as the ticket prefix ("O-002"): both follow the neutral label.
        location_label="Suite 2B",
        arrival_notes=BRING_MEDICINES,
    ),
    DemoDepartment(
        code="pediatrics",
        names={"en": "Pediatrics", "es": "Pediatría"},
        ticket_prefix="P",
        arrival_notes={
            "en": "Please bring your child's vaccination record.",
            "es": "Traiga la cartilla de vacunación de su hijo o hija.",
        },
    ),
    DemoDepartment(
        code="outpatient-clinics",
        names={"en": "Outpatient Clinics", "es": "Clínicas ambulatorias"},
        ticket_prefix="A",
        arrival_notes=BRING_MEDICINES,
    ),
)

DEMO_PATIENTS = (
    DemoPatient(
        mrn="DEMO-0001",
        first_name="Ana",
        last_name="Núñez",
        date_of_birth=date(1984, 3, 12),
        phone="555-0101",
        address="12 Example Street, Springfield",
        preferred_language="es",
        insurance=DemoInsurance("Demo Health Plan", "DHP100201", "GRP-7100"),
        appointments=(DemoAppointment("imaging", -20), DemoAppointment("laboratory", 40)),
    ),
    DemoPatient(
        mrn="DEMO-0002",
        first_name="Liam",
        last_name="O'Brien",
        date_of_birth=date(1979, 11, 2),
        phone="555-0102",
        address="3 Sample Lane, Springfield",
        preferred_language="en",
        insurance=DemoInsurance("Example Mutual", "EXM558812", "GRP-2040"),
        appointments=(DemoAppointment("cardiology", 10),),
    ),
    DemoPatient(
        mrn="DEMO-0003",
        first_name="Sofía",
        last_name="García-López",
        date_of_birth=date(1992, 7, 23),
        phone="555-0103",
        address="45 Placeholder Road, Springfield",
        preferred_language="es",
        insurance=DemoInsurance("Demo Health Plan", "DHP100377", "GRP-7100"),
        appointments=(DemoAppointment("outpatient-clinics", 25),),
    ),
    DemoPatient(
        mrn="DEMO-0004",
        first_name="Mateo",
        last_name="Ejemplo",
        date_of_birth=date(2015, 5, 30),
        phone="555-0104",
        address="8 Fictional Court, Springfield",
        preferred_language="es",
        insurance=DemoInsurance("Sample Care PPO", "SCP300415", "GRP-0099"),
        appointments=(DemoAppointment("pediatrics", 5),),
    ),
    DemoPatient(
        mrn="DEMO-0005",
        first_name="Grace",
        last_name="Sampleton",
        date_of_birth=date(1958, 1, 19),
        phone="555-0105",
        address="101 Mock Avenue, Springfield",
        preferred_language="en",
        insurance=DemoInsurance("Example Mutual", "EXM559034", "GRP-2040"),
        appointments=(DemoAppointment("oncology", 30),),
    ),
    DemoPatient(
        mrn="DEMO-0006",
        first_name="Noah",
        last_name="Demoff",
        date_of_birth=date(1990, 9, 9),
        phone="555-0106",
        address="7 Pretend Place, Springfield",
        preferred_language="en",
        insurance=None,
        appointments=(DemoAppointment("laboratory", -10),),
    ),
    DemoPatient(
        mrn="DEMO-0007",
        first_name="Zoë",
        last_name="Placeholder",
        date_of_birth=date(1971, 12, 24),
        phone="555-0107",
        address="19 Example Street, Springfield",
        preferred_language="en",
        insurance=DemoInsurance("Sample Care PPO", "SCP300772", "GRP-0100"),
        appointments=(DemoAppointment("cardiology", 15), DemoAppointment("imaging", 50)),
    ),
    DemoPatient(
        mrn="DEMO-0008",
        first_name="José",
        last_name="Ficticio",
        date_of_birth=date(1966, 4, 4),
        phone="555-0108",
        address="2 Calle Inventada, Springfield",
        preferred_language="es",
        insurance=DemoInsurance("Demo Health Plan", "DHP100845", "GRP-7200"),
        appointments=(DemoAppointment("outpatient-clinics", 0),),
    ),
    DemoPatient(
        mrn="DEMO-0009",
        first_name="Chloé",
        last_name="Mockford",
        date_of_birth=date(2001, 2, 28),
        phone="555-0109",
        address="66 Sample Lane, Springfield",
        preferred_language="en",
        insurance=DemoInsurance("Example Mutual", "EXM560091", "GRP-2041"),
        appointments=(DemoAppointment("laboratory", 35),),
    ),
    DemoPatient(
        mrn="DEMO-0010",
        first_name="Björn",
        last_name="Testsson",
        date_of_birth=date(1949, 6, 15),
        phone="555-0110",
        address="5 Mock Avenue, Springfield",
        preferred_language="en",
        insurance=DemoInsurance("Sample Care PPO", "SCP301010", "GRP-0100"),
        appointments=(DemoAppointment("cardiology", -5),),
    ),
    DemoPatient(
        mrn="DEMO-0011",
        first_name="Lily",
        last_name="Dummy",
        date_of_birth=date(2019, 8, 8),
        phone="555-0111",
        address="30 Pretend Place, Springfield",
        preferred_language="en",
        insurance=None,
        appointments=(DemoAppointment("pediatrics", 45),),
    ),
    DemoPatient(
        mrn="DEMO-0012",
        first_name="Héctor",
        last_name="Muestra",
        date_of_birth=date(1988, 10, 10),
        phone="555-0112",
        address="14 Calle Inventada, Springfield",
        preferred_language="es",
        insurance=None,
        appointments=(DemoAppointment("imaging", OUTSIDE_WINDOW_MINUTES, outside_window=True),),
    ),
)


def seed_demo_patients(now: datetime) -> list[DemoCheckIn]:
    """Make sure the demo departments and patients exist and that each demo patient has
    today's appointments around `now` (aware); commit, and return every demo appointment still
    to be checked in today with a fresh code, in time order."""
    departments = ensure_demo_departments()
    timezone = facility_timezone(current_app)
    today = local_day_bounds(now, timezone)
    check_ins = []
    for demo in DEMO_PATIENTS:
        patient = ensure_demo_patient(demo)
        for planned in demo.appointments:
            department = departments[planned.department]
            appointment = todays_appointment(patient, department, today)
            if appointment is None:
                appointment = Appointment(patient_id=patient.id, department_id=department.id)
                db.session.add(appointment)
            elif appointment.status is not AppointmentStatus.BOOKED:
                continue  # already checked in (or cancelled by staff): leave it alone
            appointment.starts_at = demo_start_time(now, planned, today)
            code = issue_code(appointment, now=now, timezone=timezone, key=code_key(current_app))
            check_ins.append(
                DemoCheckIn(
                    name=demo.name,
                    date_of_birth=demo.date_of_birth,
                    department=department.name_in("en"),
                    starts_at=appointment.starts_at.astimezone(timezone),
                    code=code,
                    in_window=not planned.outside_window,
                )
            )
    db.session.commit()
    return sorted(check_ins, key=lambda check_in: check_in.starts_at)


def ensure_demo_departments() -> dict[str, Department]:
    """The demo departments by code, created where missing (existing ones are left as staff
    keep them). Raises `UnknownPlaceError` when the published floorplan lacks a destination."""
    destinations = current_wayfinder().floorplan.destinations
    existing = {
        department.code: department
        for department in db.session.scalars(
            select(Department).where(Department.code.in_([d.code for d in DEMO_DEPARTMENTS]))
        )
    }
    for demo in DEMO_DEPARTMENTS:
        if demo.code not in destinations:
            raise UnknownPlaceError("destination", demo.code)
        if demo.code not in existing:
            existing[demo.code] = Department(
                code=demo.code,
                names=demo.names,
                destination_id=demo.code,
                location_label=demo.location_label,
                arrival_notes=demo.arrival_notes,
                ticket_prefix=demo.ticket_prefix,
            )
            db.session.add(existing[demo.code])
    db.session.flush()
    return existing


def ensure_demo_patient(demo: DemoPatient) -> Patient:
    """The demo patient with this MRN, created with their insurance on file if missing."""
    patient = db.session.scalar(select(Patient).where(Patient.mrn == demo.mrn))
    if patient is not None:
        return patient
    patient = Patient(
        mrn=demo.mrn,
        first_name=demo.first_name,
        last_name=demo.last_name,
        last_name_key=fold_name(demo.last_name),
        date_of_birth=demo.date_of_birth,
        phone=demo.phone,
        address=demo.address,
        preferred_language=demo.preferred_language,
    )
    db.session.add(patient)
    db.session.flush()
    if demo.insurance is not None:
        db.session.add(
            InsuranceCoverage(
                patient_id=patient.id,
                payer=demo.insurance.payer,
                member_id=demo.insurance.member_id,
                group_number=demo.insurance.group_number,
                subscriber_name=demo.name,
            )
        )
    return patient


def todays_appointment(
    patient: Patient, department: Department, today: tuple[datetime, datetime]
) -> Appointment | None:
    """The patient's appointment in the department on the given day, if the demo made one."""
    day_start, day_end = today
    return db.session.scalar(
        select(Appointment)
        .where(
            Appointment.patient_id == patient.id,
            Appointment.department_id == department.id,
            Appointment.starts_at >= day_start,
            Appointment.starts_at < day_end,
        )
        .limit(1)
    )


def demo_start_time(
    now: datetime, planned: DemoAppointment, today: tuple[datetime, datetime]
) -> datetime:
    """When a demo appointment starts: `minutes_from_now` after now (on the minute), kept
    inside today.

    Near midnight, keeping an in-window time inside the day moves it towards now, so it stays in
    the window; the outside-window appointment goes to the other side of now instead.
    """
    day_start, day_end = today
    on_the_minute = now.replace(second=0, microsecond=0)
    starts_at = on_the_minute + timedelta(minutes=planned.minutes_from_now)
    if planned.outside_window and not day_start <= starts_at < day_end:
        starts_at = on_the_minute - timedelta(minutes=planned.minutes_from_now)
    return min(max(starts_at, day_start), day_end - timedelta(minutes=1))
