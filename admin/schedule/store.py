"""The schedule store: the one place where the hospital's schedule is written into Lobby.

CSV and FHIR files (`flask schedule import`, the staff upload page) and HL7 messages all end up
in `apply_entries`, so they share one set of rules:

- Patients are matched by MRN and appointments by the hospital's appointment id
  (`Appointment.external_id`): the same id updates, it never books twice, and applying the same
  entries again changes nothing (no new code, no write, only an "unchanged" audit event).
- `cancelled` cancels; `no_show` marks a missed appointment; `deleted` (entered in error)
  removes an appointment nobody has checked in for, and cancels one somebody has.
- An appointment somebody has checked in for is never moved back to booked, nor to another
  time, department, provider or patient: such an entry is refused, with the reason.
- A booked appointment that has no working code gets one (for the appointment letter); so does
  one moved to another day or to another patient, whose old code would be wrong. Codes are
  returned once, in the report, and stored only as keyed hashes (`kiosk.checkin.codes`).
- Entries are written in batches of `BATCH_SIZE`, one transaction each: a file of 10,000
  appointments is 20 commits, not 10,000 (see bench/bench_schedule_import.py).
- The patient's coverage, when the entry has one, is put on file if it differs from the one
  there (`admin.schedule.coverage`).
- Each entry's outcome is an audit event (`schedule_entry`) naming the patient and appointment
  by id; what was refused and why is in the report, never a name, MRN or date of birth.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from admin.schedule.coverage import add_coverage, coverage_key, latest_coverages
from admin.schedule.entries import (
    ScheduledCoverage,
    ScheduledPatient,
    ScheduleEntry,
    ScheduleStatus,
    entry_defect,
    patient_defect,
)
from kiosk.checkin.audit import record_audit
from kiosk.checkin.codes import code_key, issue_codes
from kiosk.checkin.identity import CHECKED_IN_STATUSES, fold_name
from kiosk.extensions import db
from kiosk.facility import facility_timezone, local_day_bounds
from kiosk.models import Appointment, AppointmentStatus, CheckIn, Department, Patient

BATCH_SIZE = 500
# The language of a new patient whose schedule does not say (the kiosk's default).
DEFAULT_LANGUAGE = "en"
# A batch that collides with a concurrent writer is read and applied again this many times.
BATCH_ATTEMPTS = 3
AUDIT_ACTION = "schedule_entry"
DEMOGRAPHICS_AUDIT_ACTION = "schedule_demographics"


class EntryOutcome(enum.StrEnum):
    """What applying one entry did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    REMOVED = "removed"
    REFUSED = "refused"


class RefusalReason(enum.StrEnum):
    """Why an entry was not applied (machine-readable; the pages and the command word it)."""

    UNKNOWN_DEPARTMENT = "unknown_department"
    ALREADY_CHECKED_IN = "already_checked_in"
    INVALID_ENTRY = "invalid_entry"


@dataclass(frozen=True)
class EntryResult:
    """The outcome of one entry; `refusal` is set exactly when the outcome is REFUSED."""

    external_id: str
    outcome: EntryOutcome
    refusal: RefusalReason | None = None


@dataclass
class ApplyReport:
    """What `apply_entries` did: `results[i]` is the outcome of the i-th entry given, and
    `codes` maps the appointment id of each appointment given a new code to that code, for
    its letter. The codes exist nowhere else in plain text."""

    results: list[EntryResult] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)

    def counts(self) -> Counter[EntryOutcome]:
        """How many entries had each outcome."""
        return Counter(result.outcome for result in self.results)

    @property
    def refused(self) -> list[tuple[int, EntryResult]]:
        """The refused entries with their positions in the input."""
        return [
            (index, result)
            for index, result in enumerate(self.results)
            if result.outcome is EntryOutcome.REFUSED
        ]


def apply_entries(
    entries: Iterable[ScheduleEntry],
    *,
    now: datetime,
    source: str = "import",
    staff_id: int | None = None,
) -> ApplyReport:
    """Write the entries into the database in batches, committing each batch, and say what
    happened to each (see the module docstring for the rules). `now` (aware) decides which
    appointments' days are over and get no code; `source` ("csv", "fhir", "hl7") and the
    staff account that uploaded the file, if any, are recorded in the audit log. Needs an
    application context."""
    report = ApplyReport()
    context = ImportContext(
        departments={
            code: department_id
            for code, department_id in db.session.execute(select(Department.code, Department.id))
        },
        now=now,
        source=source,
        staff_id=staff_id,
        timezone=facility_timezone(current_app),
        code_key=code_key(current_app),
    )
    pending = iter(entries)
    while batch := list(islice(pending, BATCH_SIZE)):
        written = write_batch(context, batch)
        report.results.extend(written.results)
        report.codes.update(written.codes)
    return report


class InvalidDemographics(ValueError):
    """A demographics update with a field that cannot be stored; the message is the field's
    name ("last_name"), never its value."""


class ScheduleConflict(RuntimeError):
    """A batch kept colliding with another writer (another import, the HL7 listener) creating
    the same patient or appointment. Nothing of the batch was written; the earlier batches
    were. The message names no value: the database's own error would quote the MRN."""


def write_batch(context: ImportContext, batch: Sequence[ScheduleEntry]) -> ApplyReport:
    """Apply one batch. When another writer created one of its patients or appointments
    between our lookup and our commit, the batch is rolled back and read again, so it updates
    those rows instead of creating them twice."""
    for _attempt in range(BATCH_ATTEMPTS):
        try:
            return BatchWriter(context, batch).write()
        except IntegrityError:
            db.session.rollback()
    raise ScheduleConflict(
        f"a batch of {len(batch)} schedule entries collided with another writer "
        f"{BATCH_ATTEMPTS} times; nothing of it was written"
    )


def update_demographics(patient: ScheduledPatient) -> bool:
    """Bring the name, date of birth, phone, language and insurance of the patient with this
    MRN up to date (an HL7 ADT A08/A31 update) and commit, audited; False, with nothing
    written, when no patient has that MRN. An empty phone or language, or no coverage, leaves
    the one on record. Raises InvalidDemographics, naming the field and never its value, for
    a value too long to store or a required one left empty."""
    defect = patient_defect(patient)
    if defect is not None:
        raise InvalidDemographics(defect)
    record = db.session.scalar(select(Patient).where(Patient.mrn == patient.mrn))
    if record is None:
        return False
    changed = update_patient(record, patient)
    on_file = latest_coverages([record.id]).get(record.id)
    if patient.coverage is not None and coverage_key(patient.coverage) != on_file:
        add_coverage(record.id, patient.coverage)
        changed = True
    record_audit(
        DEMOGRAPHICS_AUDIT_ACTION,
        kiosk_id=None,
        patient_id=record.id,
        outcome=(EntryOutcome.UPDATED if changed else EntryOutcome.UNCHANGED).value,
    )
    db.session.commit()
    return True


def update_patient(record: Patient, patient: ScheduledPatient) -> bool:
    """Copy the hospital's demographics onto the patient's record; True if anything changed.
    The kiosk's own contact changes go through staff review, but the hospital's record wins.
    An empty phone or language means the sender did not say: the record keeps its own."""
    wanted = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "last_name_key": fold_name(patient.last_name),
        "date_of_birth": patient.date_of_birth,
    }
    if patient.phone:
        wanted["phone"] = patient.phone
    if patient.preferred_language:
        wanted["preferred_language"] = patient.preferred_language
    changed = False
    for column, value in wanted.items():
        if getattr(record, column) != value:
            setattr(record, column, value)
            changed = True
    return changed


def new_patient(patient: ScheduledPatient) -> Patient:
    """A record for a patient the hospital's schedule names for the first time."""
    return Patient(
        mrn=patient.mrn,
        first_name=patient.first_name,
        last_name=patient.last_name,
        last_name_key=fold_name(patient.last_name),
        date_of_birth=patient.date_of_birth,
        phone=patient.phone,
        preferred_language=patient.preferred_language or DEFAULT_LANGUAGE,
    )


@dataclass
class PendingAudit:
    """An outcome to audit once the batch is flushed and every new row has its id."""

    outcome: EntryOutcome
    patient: Patient | None
    appointment: Appointment | None
    appointment_id: int | None = None
    refusal: RefusalReason | None = None


@dataclass(frozen=True)
class ImportContext:
    """What every batch of one import shares."""

    departments: dict[str, int]
    now: datetime
    source: str
    staff_id: int | None
    timezone: ZoneInfo
    code_key: bytes


class BatchWriter:
    """Applies one batch of entries: its lookups are one query per table, its writes one
    flush and one commit."""

    def __init__(self, context: ImportContext, batch: Sequence[ScheduleEntry]) -> None:
        self.context = context
        self.batch = batch
        mrns = {entry.patient.mrn for entry in batch}
        external_ids = {entry.external_id for entry in batch}
        self.patients = {
            patient.mrn: patient
            for patient in db.session.scalars(select(Patient).where(Patient.mrn.in_(mrns)))
        }
        self.appointments = {
            appointment.external_id: appointment
            for appointment in db.session.scalars(
                select(Appointment).where(Appointment.external_id.in_(external_ids))
            )
        }
        coverages = latest_coverages(patient.id for patient in self.patients.values())
        self.checked_in = set(
            db.session.scalars(
                select(CheckIn.appointment_id).where(
                    CheckIn.appointment_id.in_([a.id for a in self.appointments.values()])
                )
            )
        )
        self.coverage_on_file = {
            patient.mrn: key
            for patient in self.patients.values()
            if (key := coverages.get(patient.id)) is not None
        }
        self.new_coverages: dict[str, tuple[Patient, ScheduledCoverage]] = {}
        self.needs_code: dict[str, Appointment] = {}

    def write(self) -> ApplyReport:
        """Apply the batch, commit it, and say what happened to each entry."""
        report = ApplyReport()
        audits = [self.apply(entry, report) for entry in self.batch]
        self.issue_codes(report)
        db.session.flush()
        for record, coverage in self.new_coverages.values():
            add_coverage(record.id, coverage)
        for audit in audits:
            self.record(audit)
        db.session.commit()
        return report

    def apply(self, entry: ScheduleEntry, report: ApplyReport) -> PendingAudit:
        """Apply one entry to the batch's rows and note its outcome in `report`."""
        pending = self.decide(entry)
        report.results.append(
            EntryResult(entry.external_id, pending.outcome, refusal=pending.refusal)
        )
        return pending

    def decide(self, entry: ScheduleEntry) -> PendingAudit:
        """What the entry does to its appointment (the rules are in the module docstring)."""
        appointment = self.appointments.get(entry.external_id)
        existing_patient = self.patients.get(entry.patient.mrn)
        if entry_defect(entry) is not None:
            return refusal(RefusalReason.INVALID_ENTRY, existing_patient, appointment)
        department_id = self.context.departments.get(entry.department_code)
        if department_id is None and entry.status is not ScheduleStatus.DELETED:
            return refusal(RefusalReason.UNKNOWN_DEPARTMENT, existing_patient, appointment)
        if appointment is None:
            if entry.status is ScheduleStatus.DELETED:
                return PendingAudit(EntryOutcome.UNCHANGED, existing_patient, None)
            assert department_id is not None  # only a deletion may name an unknown department
            return self.create(entry, department_id)
        if entry.status is ScheduleStatus.DELETED:
            return self.delete(appointment)
        if entry.status is ScheduleStatus.CANCELLED:
            return self.mark(appointment, AppointmentStatus.CANCELLED, EntryOutcome.CANCELLED)
        if entry.status is ScheduleStatus.NO_SHOW:
            if self.is_checked_in(appointment):
                return refusal(RefusalReason.ALREADY_CHECKED_IN, appointment.patient, appointment)
            return self.mark(appointment, AppointmentStatus.NO_SHOW, EntryOutcome.NO_SHOW)
        assert department_id is not None
        return self.rebook(appointment, entry, department_id)

    def is_checked_in(self, appointment: Appointment) -> bool:
        """Whether somebody has checked in for the appointment (at a kiosk or the desk)."""
        return appointment.id in self.checked_in or appointment.status in CHECKED_IN_STATUSES

    def patient_for(self, patient: ScheduledPatient) -> tuple[Patient, bool]:
        """The record of the patient with this MRN, created or brought up to date; and whether
        that changed anything."""
        record = self.patients.get(patient.mrn)
        if record is None:
            record = new_patient(patient)
            db.session.add(record)
            self.patients[patient.mrn] = record
            changed = True
        else:
            changed = update_patient(record, patient)
        return record, self.note_coverage(record, patient) or changed

    def note_coverage(self, record: Patient, patient: ScheduledPatient) -> bool:
        """Plan to put the patient's coverage on file (once the batch is flushed and a new
        patient has an id) when it differs from the one there; True if it does."""
        if patient.coverage is None:
            return False
        key = coverage_key(patient.coverage)
        if self.coverage_on_file.get(patient.mrn) == key:
            return False
        self.coverage_on_file[patient.mrn] = key
        self.new_coverages[patient.mrn] = (record, patient.coverage)
        return True

    def create(self, entry: ScheduleEntry, department_id: int) -> PendingAudit:
        """A new appointment: booked ones get a code; a cancelled or missed one the hospital
        sends first is kept with that status, so a later update finds it."""
        patient, _ = self.patient_for(entry.patient)
        status = APPOINTMENT_STATUS[entry.status]
        appointment = Appointment(
            patient=patient,
            department_id=department_id,
            starts_at=entry.starts_at.astimezone(UTC),
            clinician_display_name=entry.provider,
            status=status,
            external_id=entry.external_id,
        )
        db.session.add(appointment)
        self.appointments[entry.external_id] = appointment
        if status is AppointmentStatus.BOOKED:
            self.needs_code[entry.external_id] = appointment
            return PendingAudit(EntryOutcome.CREATED, patient, appointment)
        outcome = (
            EntryOutcome.CANCELLED
            if entry.status is ScheduleStatus.CANCELLED
            else (EntryOutcome.NO_SHOW)
        )
        return PendingAudit(outcome, patient, appointment)

    def delete(self, appointment: Appointment) -> PendingAudit:
        """Entered in error: gone if nobody checked in for it, else cancelled."""
        if self.is_checked_in(appointment):
            return self.mark(appointment, AppointmentStatus.CANCELLED, EntryOutcome.CANCELLED)
        pending = PendingAudit(
            EntryOutcome.REMOVED, appointment.patient, None, appointment_id=appointment.id
        )
        db.session.delete(appointment)
        del self.appointments[appointment.external_id or ""]
        return pending

    def mark(
        self, appointment: Appointment, status: AppointmentStatus, outcome: EntryOutcome
    ) -> PendingAudit:
        """Cancel the appointment or mark it missed; its code stops working."""
        if appointment.status is status:
            return PendingAudit(EntryOutcome.UNCHANGED, appointment.patient, appointment)
        appointment.status = status
        appointment.code_digest = None
        appointment.code_expires_at = None
        return PendingAudit(outcome, appointment.patient, appointment)

    def rebook(
        self, appointment: Appointment, entry: ScheduleEntry, department_id: int
    ) -> PendingAudit:
        """A booked entry for an appointment Lobby has: move, re-assign or re-book it, unless
        somebody has checked in for it."""
        starts_at = entry.starts_at.astimezone(UTC)
        current_patient_mrn = appointment.patient.mrn if appointment.patient else None
        wanted = {
            "starts_at": starts_at,
            "department_id": department_id,
            "clinician_display_name": entry.provider,
        }
        moved = any(getattr(appointment, column) != value for column, value in wanted.items())
        reassigned = current_patient_mrn != entry.patient.mrn
        if self.is_checked_in(appointment) and (moved or reassigned):
            return refusal(RefusalReason.ALREADY_CHECKED_IN, appointment.patient, appointment)
        patient, patient_changed = self.patient_for(entry.patient)
        if self.is_checked_in(appointment):
            outcome = EntryOutcome.UPDATED if patient_changed else EntryOutcome.UNCHANGED
            return PendingAudit(outcome, patient, appointment)
        other_day = self.local_date(appointment.starts_at) != self.local_date(starts_at)
        rebooked = appointment.status is not AppointmentStatus.BOOKED
        for column, value in wanted.items():
            setattr(appointment, column, value)
        appointment.patient = patient
        appointment.status = AppointmentStatus.BOOKED
        if rebooked or reassigned or other_day or appointment.code_digest is None:
            self.needs_code[entry.external_id] = appointment
        changed = moved or reassigned or rebooked or patient_changed
        return PendingAudit(
            EntryOutcome.UPDATED if changed else EntryOutcome.UNCHANGED, patient, appointment
        )

    def local_date(self, moment: datetime) -> date:
        """The facility's calendar day of `moment` (codes expire at its end)."""
        return moment.astimezone(self.context.timezone).date()

    def issue_codes(self, report: ApplyReport) -> None:
        """Codes for the batch's appointments that need one and whose day is not over yet (a
        code for a past day could never work)."""
        current = {
            external_id: appointment
            for external_id, appointment in self.needs_code.items()
            if self.appointments.get(external_id) is appointment
            and local_day_bounds(appointment.starts_at, self.context.timezone)[1] > self.context.now
        }
        codes = issue_codes(
            list(current.values()),
            now=self.context.now,
            timezone=self.context.timezone,
            key=self.context.code_key,
        )
        report.codes.update(zip(current, codes, strict=True))

    def record(self, pending: PendingAudit) -> None:
        """The audit event of one entry's outcome (ids only)."""
        detail: dict[str, str | int | bool] = {
            "outcome": pending.outcome.value,
            "source": self.context.source,
        }
        appointment_id = pending.appointment.id if pending.appointment else pending.appointment_id
        if appointment_id is not None:
            detail["appointment_id"] = appointment_id
        if pending.refusal is not None:
            detail["reason"] = pending.refusal.value
        if self.context.staff_id is not None:
            detail["staff_id"] = self.context.staff_id
        record_audit(
            AUDIT_ACTION,
            kiosk_id=None,
            patient_id=pending.patient.id if pending.patient else None,
            **detail,
        )


APPOINTMENT_STATUS = {
    ScheduleStatus.BOOKED: AppointmentStatus.BOOKED,
    ScheduleStatus.CANCELLED: AppointmentStatus.CANCELLED,
    ScheduleStatus.NO_SHOW: AppointmentStatus.NO_SHOW,
}


def refusal(
    reason: RefusalReason, patient: Patient | None, appointment: Appointment | None
) -> PendingAudit:
    """A refused entry: nothing changes, and the audit names the rows it concerned."""
    return PendingAudit(EntryOutcome.REFUSED, patient, appointment, refusal=reason)
