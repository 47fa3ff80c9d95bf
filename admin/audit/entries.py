"""Audit rows as the viewer shows them: time in the facility's zone, the action in words, who
acted (the staff account's email, else the kiosk's name), the patient by MRN only (never a
name) and the detail tokens. A page is newest first, by sequence; the CSV streams every row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from admin.audit.actions import action_labels
from admin.audit.filters import AuditFilters
from kiosk.extensions import db
from kiosk.models import AuditEvent, Kiosk, Patient, StaffUser

PAGE_SIZE = 50
EXPORT_BATCH = 1_000


@dataclass(frozen=True)
class AuditEntry:
    """One audit row, ready to show."""

    sequence: int
    occurred_at: datetime
    action_label: str
    who: str
    patient: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    """A page of entries and where the next (older) page starts, if there is one."""

    entries: list[AuditEntry]
    older_before: int | None


def matching(filters: AuditFilters, timezone: ZoneInfo) -> Select[AuditEvent]:
    """The filtered rows, newest first."""
    return (
        select(AuditEvent).where(*filters.conditions(timezone)).order_by(AuditEvent.sequence.desc())
    )


def staff_id_of(event: AuditEvent) -> int | None:
    """The staff account that acted, if the event names one."""
    staff_id = event.detail.get("staff_id")
    return staff_id if isinstance(staff_id, int) else None


def described(
    session: Session,
    events: Sequence[AuditEvent],
    timezone: ZoneInfo,
    labels: dict[str, str],
) -> list[AuditEntry]:
    """`events` as entries, actions in words from `labels` (by name when unknown); staff emails,
    kiosk names and MRNs read with one query each."""
    staff_ids = {staff_id for event in events if (staff_id := staff_id_of(event)) is not None}
    kiosk_ids = {event.kiosk_id for event in events if event.kiosk_id is not None}
    patient_ids = {event.patient_id for event in events if event.patient_id is not None}
    emails = dict(
        session.execute(
            select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(staff_ids))
        ).all()
    )
    kiosks = dict(
        session.execute(select(Kiosk.id, Kiosk.name).where(Kiosk.id.in_(kiosk_ids))).all()
    )
    mrns = dict(
        session.execute(select(Patient.id, Patient.mrn).where(Patient.id.in_(patient_ids))).all()
    )
    return [
        AuditEntry(
            sequence=event.sequence or 0,  # `matching` reads sealed rows only
            occurred_at=event.occurred_at.astimezone(timezone),
            action_label=labels.get(event.action, event.action),
            who=who(event, emails, kiosks),
            patient=patient_label(event.patient_id, mrns),
            detail=", ".join(
                f"{key}: {value}"
                for key, value in sorted(event.detail.items())
                if key != "staff_id"
            ),
        )
        for event in events
    ]


def who(event: AuditEvent, emails: dict[int, str], kiosks: dict[int, str]) -> str:
    """The staff account's email, else the kiosk's name, else "" (the server itself)."""
    staff_id = staff_id_of(event)
    if staff_id is not None:
        return emails.get(staff_id, f"#{staff_id}")
    if event.kiosk_id is not None:
        return kiosks.get(event.kiosk_id, f"#{event.kiosk_id}")
    return ""


def patient_label(patient_id: int | None, mrns: dict[int, str | None]) -> str:
    """The patient's MRN; a record without one (a walk-in) or gone by its id."""
    if patient_id is None:
        return ""
    return mrns.get(patient_id) or f"#{patient_id}"


def audit_page(filters: AuditFilters, before: int | None, timezone: ZoneInfo) -> AuditPage:
    """Up to `PAGE_SIZE` entries below sequence `before` (the newest when None)."""
    query = matching(filters, timezone)
    if before is not None:
        query = query.where(AuditEvent.sequence < before)
    events = list(db.session.scalars(query.limit(PAGE_SIZE + 1)))
    shown = events[:PAGE_SIZE]
    older = shown[-1].sequence if len(events) > PAGE_SIZE else None
    return AuditPage(described(db.session(), shown, timezone, action_labels()), older)


def every_entry(
    engine: Engine, filters: AuditFilters, timezone: ZoneInfo, labels: dict[str, str]
) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read in batches (an export may be the whole log).
    It runs while the response streams, after the request has ended, so it has its own session
    on `engine` rather than the request's."""
    with Session(engine) as session:
        batch: list[AuditEvent] = []
        query = matching(filters, timezone).execution_options(yield_per=EXPORT_BATCH)
        for event in session.scalars(query):
            batch.append(event)
            if len(batch) == EXPORT_BATCH:
                yield from described(session, batch, timezone, labels)
                batch = []
        yield from described(session, batch, timezone, labels)
