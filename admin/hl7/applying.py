"""What an accepted HL7 message does to Lobby's schedule: an SIU message becomes one schedule
entry for the schedule store, an ADT A08/A31 a demographics update. Everything the store
refuses comes back as an AE whose reason names the field, never the patient.

The schedule store (admin/schedule/store.py) is idempotent — the same appointment id updates,
re-applying an entry changes nothing — and commits its own writes; the listener stores the
message with its outcome afterwards (admin/hl7/inbox.py says why that order is safe).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from admin.hl7.appointments import STATUS_BY_TRIGGER, schedule_entry
from admin.hl7.header import MessageHeader
from admin.hl7.patients import scheduled_patient
from admin.hl7.refusals import ErrorCondition, Refusal, application_error, rejected
from admin.schedule.entries import entry_defect
from admin.schedule.store import EntryOutcome, RefusalReason, apply_entries, update_demographics
from kiosk.models.hl7_inbound import CONTROL_ID_LENGTH

SCHEDULE_MESSAGE = "SIU"
DEMOGRAPHICS_MESSAGE = "ADT"
DEMOGRAPHICS_TRIGGERS = frozenset({"A08", "A31"})
SUPPORTED_TRIGGERS = {
    SCHEDULE_MESSAGE: frozenset(STATUS_BY_TRIGGER),
    DEMOGRAPHICS_MESSAGE: DEMOGRAPHICS_TRIGGERS,
}
SUPPORTED_VERSION_PREFIX = "2."
UNKNOWN_PATIENT_NOTE = "no patient with this MRN is scheduled in Lobby; nothing to update"

# Where each field the schedule store may find wrong is read from (entries.entry_defect names).
ENTRY_FIELD_LOCATIONS = {
    "external_id": "SCH-2",
    "mrn": "PID-3",
    "first_name": "PID-5",
    "last_name": "PID-5",
    "phone": "PID-13",
    "provider": "AIP-3",
    "department_code": "AIL-3",
    "starts_at": "SCH-11",
}


@dataclass(frozen=True)
class ApplySettings:
    """What mapping a message needs from the site's configuration."""

    processing_id: str
    facility_zone: ZoneInfo
    department_codes: Mapping[str, str]


def header_refusal(header: MessageHeader, settings: ApplySettings) -> Refusal | None:
    """Why Lobby never processes a message with this header (an AR), or None when it does:
    no or an overlong control id, another processing id (a test feed into production), an
    HL7 version other than 2.x, a message type or trigger Lobby does not take."""
    if not header.control_id:
        return rejected(
            ErrorCondition.REQUIRED_FIELD_MISSING, "MSH-10", "the message control id is missing"
        )
    if len(header.control_id) > CONTROL_ID_LENGTH:
        return rejected(ErrorCondition.DATA_TYPE, "MSH-10", "the message control id is too long")
    if header.processing_id != settings.processing_id:
        return rejected(
            ErrorCondition.UNSUPPORTED_PROCESSING_ID,
            "MSH-11",
            f"this interface accepts processing id {settings.processing_id} only",
        )
    if not header.version.startswith(SUPPORTED_VERSION_PREFIX):
        return rejected(
            ErrorCondition.UNSUPPORTED_VERSION, "MSH-12", "this interface accepts HL7 v2 only"
        )
    triggers = SUPPORTED_TRIGGERS.get(header.message_type)
    if triggers is None:
        return rejected(
            ErrorCondition.UNSUPPORTED_MESSAGE_TYPE,
            "MSH-9",
            "this interface accepts SIU and ADT messages only",
        )
    if header.trigger_event not in triggers:
        return rejected(
            ErrorCondition.UNSUPPORTED_EVENT,
            "MSH-9",
            f"this interface does not take {header.message_type} with this trigger event",
        )
    return None


def store_refusal(reason: RefusalReason | None) -> Refusal:
    """The AE for an entry the schedule store refused."""
    match reason:
        case RefusalReason.UNKNOWN_DEPARTMENT:
            return application_error(
                ErrorCondition.TABLE_VALUE_NOT_FOUND,
                "AIL-3",
                "the location is not a department Lobby knows",
            )
        case RefusalReason.ALREADY_CHECKED_IN:
            return application_error(
                ErrorCondition.RECORD_LOCKED,
                "SCH-2",
                "the patient has checked in for this appointment; it cannot be moved, "
                "reassigned or marked as a no-show",
            )
    return application_error(
        ErrorCondition.DATA_TYPE, "", "the appointment could not be stored as sent"
    )


def apply_schedule_message(
    message: Any, header: MessageHeader, settings: ApplySettings, now: datetime
) -> str:
    """Apply an SIU message through the schedule store; "" when applied, or an AE."""
    entry = schedule_entry(
        message,
        header.trigger_event,
        facility_zone=settings.facility_zone,
        department_codes=settings.department_codes,
    )
    defect = entry_defect(entry)
    if defect is not None:
        raise application_error(
            ErrorCondition.DATA_TYPE,
            ENTRY_FIELD_LOCATIONS.get(defect, ""),
            "the field is empty or longer than Lobby stores",
        )
    (result,) = apply_entries([entry], now=now, source="hl7").results
    if result.outcome is EntryOutcome.REFUSED:
        raise store_refusal(result.refusal)
    return ""


def apply_demographics_message(message: Any) -> str:
    """Apply an ADT A08/A31 update; a note when Lobby has no patient with that MRN (not an
    error: the hospital sends every patient's updates, Lobby keeps only scheduled ones)."""
    return "" if update_demographics(scheduled_patient(message)) else UNKNOWN_PATIENT_NOTE


def apply_message(
    message: Any, header: MessageHeader, settings: ApplySettings, now: datetime
) -> str:
    """Apply a message whose header passed `header_refusal`: "" or an informational note when
    applied (AA), a Refusal raised when not (AE). The store commits what it changed."""
    if header.message_type == SCHEDULE_MESSAGE:
        return apply_schedule_message(message, header, settings, now)
    return apply_demographics_message(message)
