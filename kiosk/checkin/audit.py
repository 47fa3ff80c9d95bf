"""Audit events: which kiosk touched which patient's data, when, and how.

The audit log is for staff and auditors, but it is still no place for protected health
information: an event names the patient by id only, and its `detail` holds short, known tokens.
`record_audit` enforces that by accepting only the detail keys listed in `AUDIT_DETAIL_KEYS` and
only numbers, booleans and short identifier-like strings as values — free text (a typed name, a
date of birth, a member ID with spaces) cannot slip in by accident. Add a key here, with its
meaning, when a new event needs one.
"""

from __future__ import annotations

import re

from kiosk.extensions import db
from kiosk.models import AuditEvent

AUDIT_DETAIL_KEYS: dict[str, str] = {
    "method": "how a patient was identified: 'code' or 'name_dob'",
    "failures": "consecutive failed lookups at the kiosk so far",
    "retry_after_seconds": "how long a throttled kiosk must wait",
    "appointment_id": "the appointment concerned",
    "appointment_count": "how many appointments were concerned",
    "check_in": "the check-in's id",
    "field": "which contact field changed: 'phone' or 'address' (never the value)",
    "choice": "a choice made on a screen, e.g. the insurance option 'same', 'new', 'self_pay'",
    "ticket": "a queue ticket label such as 'R-014'",
    "reason": "a machine-readable reason such as 'printer_offline'",
    "staff_id": "the staff member who acted (their account's id)",
    "channel": "where a patient checked in: 'kiosk' or 'desk'",
    "matches": "how many rows a staff search found (never what was searched for)",
    "alert_id": "the kiosk alert acknowledged or resolved",
    "outbound_message": "the outbox row of an HL7 message sent to the hospital's interface engine",
    "api_client": "the FHIR API's integration client that read (its id in api_clients)",
    "resource": "the FHIR resource type read or exported: 'Appointment' or 'Coverage'",
    "returned": "how many FHIR resources one API read or export handed out",
    "coverage_id": "the insurance card (insurance_coverages row) concerned",
    "outcome": "what a schedule import did with an appointment: 'created', 'updated', "
    "'unchanged', 'cancelled', 'no_show', 'removed' or 'refused'",
    "source": "where imported schedule data came from: 'csv', 'fhir' or 'hl7'",
    "merged_from": "the walk-in record merged into this patient's record (its id)",
    "filters": "which audit-log filters a view or export used, kinds only ('patient.time')",
}
# Identifier-like tokens only: no spaces, no accents, nothing long enough to be a free-text value.
TOKEN = re.compile(r"[A-Za-z0-9_.:-]{0,40}")


def record_audit(
    action: str, *, kiosk_id: int | None, patient_id: int | None = None, **detail: str | int | bool
) -> None:
    """Add an audit event to the session (the caller commits, with the change it records).

    Raises ValueError for a detail key outside `AUDIT_DETAIL_KEYS` or a string value that is
    not a short token: both are programming errors, and the message names the key, never the
    value.
    """
    for key, value in detail.items():
        if key not in AUDIT_DETAIL_KEYS:
            raise ValueError(f"audit detail key {key!r} is not in AUDIT_DETAIL_KEYS")
        if isinstance(value, str) and not TOKEN.fullmatch(value):
            raise ValueError(f"audit detail {key!r} must be a short token, not free text")
    db.session.add(
        AuditEvent(action=action, kiosk_id=kiosk_id, patient_id=patient_id, detail=dict(detail))
    )
