"""Patients, departments and today's appointments: what check-in looks people up in.

These rows hold protected health information. Nothing here may reach a ticket, receipt, public
board or log; the check-in code reads them only through audited functions.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow


class Department(Base):
    """Where patients are seen; linked to a wayfinding destination for directions."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # Names and arrival notes per language: {"en": "...", "es": "..."}.
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    destination_id: Mapped[str] = mapped_column(String(120))
    # What tickets and public screens call the place; a neutral "Suite 3B" for clinics whose
    # name would reveal a condition. Empty: the department's name.
    location_label: Mapped[str] = mapped_column(String(120), default="")
    arrival_notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    ticket_prefix: Mapped[str] = mapped_column(String(3))
    minutes_per_patient: Mapped[int] = mapped_column(default=10)

    def name_in(self, lang: str) -> str:
        """The department's name in `lang`, else in English."""
        return self.names.get(lang) or self.names.get("en") or self.code

    def place_label(self, lang: str) -> str:
        """What a ticket prints as "where to go"."""
        return self.location_label or self.name_in(lang)

    def arrival_note(self, lang: str) -> str:
        """The department's arrival note in `lang` ("Imaging: bring your referral")."""
        return self.arrival_notes.get(lang) or self.arrival_notes.get("en") or ""


class Patient(Base):
    """A person with appointments. Walk-ins are created unverified for staff to match."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    mrn: Mapped[str | None] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    # Case- and accent-folded last name, for lookups by what people type on the keypad.
    last_name_key: Mapped[str] = mapped_column(String(80), index=True)
    date_of_birth: Mapped[date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    verified: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A walk-in a coordinator verified (staff account id, when), or merged into the existing
    # patient's record it turned out to be (admin/review/walk_ins.py).
    verified_by: Mapped[int | None]
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None]


class AppointmentStatus(enum.StrEnum):
    """Where an appointment is in the day."""

    BOOKED = "booked"
    ARRIVED = "arrived"
    IN_ROOM = "in_room"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Appointment(Base):
    """One appointment of one patient in one department."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    clinician_display_name: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status"), default=AppointmentStatus.BOOKED
    )
    # The hospital's own id for the appointment (CSV column, FHIR Appointment.id, HL7 SCH-1/2),
    # which makes every import an update of the same row instead of a second booking. None for
    # appointments made in Lobby itself (walk-ins, the demo).
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Keyed hash (HMAC) of the single-use appointment code: 40-bit codes are too short for a
    # plain hash to resist brute force if the table leaked.
    code_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    patient: Mapped[Patient] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")


class QueueTicketStatus(enum.StrEnum):
    """Where a ticket is in its department's queue: waiting until staff call it, then roomed
    and done, or sent back to wait (requeued), or not there when called (no-show)."""

    WAITING = "waiting"
    CALLED = "called"
    REQUEUED = "requeued"
    ROOMED = "roomed"
    DONE = "done"
    NO_SHOW = "no_show"


class QueueTicket(Base):
    """A ticket number in a department's queue for one day ("R-014")."""

    __tablename__ = "queue_tickets"
    __table_args__ = (
        # The database, not the application, guarantees two kiosks never hand out one number.
        UniqueConstraint("department_id", "service_date", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    service_date: Mapped[date] = mapped_column(Date)
    number: Mapped[int]
    status: Mapped[QueueTicketStatus] = mapped_column(
        enum_column(QueueTicketStatus, "queue_ticket_status"), default=QueueTicketStatus.WAITING
    )
    # SHA-256 of the token in the phone status link /t/<token>.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The language of the check-in: the phone status page opens in it, as route links do.
    lang: Mapped[str] = mapped_column(String(8), default="en")
    estimated_wait_minutes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Raised by every staff action; actions update "WHERE version = what I saw", so two
    # coordinators acting on one ticket at once cannot both succeed (admin/queue/actions.py).
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Where staff last called the ticket to ("Desk 3"), for the board and the phone page.
    called_to: Mapped[str | None] = mapped_column(String(40))
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    department: Mapped[Department] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """What the ticket, the board and the caller say: prefix and three digits."""
        return f"{self.department.ticket_prefix}-{self.number:03d}"


class ArrivalChannel(enum.StrEnum):
    """Where a patient checked in: at a kiosk, or with a coordinator at the desk."""

    KIOSK = "kiosk"
    DESK = "desk"


class CheckIn(Base):
    """A patient's arrival through a kiosk or at the desk. One per appointment, enforced by the
    database."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id", ondelete="SET NULL"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("queue_tickets.id"), unique=True)
    insurance_choice: Mapped[str] = mapped_column(String(20), default="")
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    channel: Mapped[ArrivalChannel] = mapped_column(
        enum_column(ArrivalChannel, "arrival_channel"),
        default=ArrivalChannel.KIOSK,
        server_default=ArrivalChannel.KIOSK.value,
    )
    # The ticket receipt's print job: the done screen tells the patient how its printing went.
    print_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("print_jobs.id", ondelete="SET NULL")
    )

    ticket: Mapped[QueueTicket] = relationship(lazy="joined")


class InsuranceCoverage(Base):
    """Insurance on file or captured at the kiosk (card images are encrypted files)."""

    __tablename__ = "insurance_coverages"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    payer: Mapped[str] = mapped_column(String(120))
    member_id: Mapped[str] = mapped_column(String(40))
    group_number: Mapped[str] = mapped_column(String(40), default="")
    subscriber_name: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(String(20), default="on_file")
    front_image: Mapped[str | None] = mapped_column(String(64))
    back_image: Mapped[str | None] = mapped_column(String(64))
    needs_review: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The coordinator's decision on a card captured at a kiosk (admin/review/cards.py):
    # "accepted", "corrected" or "rejected", by whom (staff account id), when, and why.
    reviewed_by: Mapped[int | None]
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_outcome: Mapped[str | None] = mapped_column(String(20))
    rejection_reason: Mapped[str | None] = mapped_column(String(40))
    rejection_note: Mapped[str | None] = mapped_column(String(200))


class Consent(Base):
    """A privacy-notice acknowledgement; the finger signature is an encrypted file."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    # "signature" with a file, or "tap" for people who cannot sign on the screen.
    method: Mapped[str] = mapped_column(String(20))
    signature_file: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContactChangeStatus(enum.StrEnum):
    """A kiosk contact change waits for staff, who accept it into the record or reject it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ContactChange(Base):
    """A phone or address change made at the kiosk, held for staff review (never applied blind)."""

    __tablename__ = "contact_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    new_value: Mapped[str] = mapped_column(String(200))
    status: Mapped[ContactChangeStatus] = mapped_column(
        enum_column(ContactChangeStatus, "contact_change_status"),
        default=ContactChangeStatus.PENDING,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who decided (staff account id) and when; an accepted change keeps the value it replaced.
    decided_by: Mapped[int | None]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    old_value: Mapped[str | None] = mapped_column(String(200))


class LookupThrottle(Base):
    """Per throttle bucket: when staff were last alerted and when staff last lifted a lockout
    (failures before that no longer count). The attempts themselves are `LookupAttempt` rows."""

    __tablename__ = "lookup_throttles"

    # "kiosk:<id>", the one bucket shared by every browser that is not an enrolled kiosk, or
    # "name:<keyed hash of a typed last name>" (never the name itself).
    bucket: Mapped[str] = mapped_column(String(40), primary_key=True)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LookupAttempt(Base):
    """One identity lookup attempted in one throttle bucket, failed or not. The sliding windows
    count the failures (a success removes none of them); successes are written too, so that
    every outcome costs the database the same work."""

    __tablename__ = "lookup_attempts"
    __table_args__ = (Index("ix_lookup_attempts_bucket_attempted_at", "bucket", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(40))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    failed: Mapped[bool]
