"""The patient in an HL7 message's PID segment, as the schedule store takes it.

Fields read (docs/hl7-interface.md lists them with samples): PID-3 MRN (the repetition whose
identifier type, PID-3.5, is "MR", else the first), PID-5 family and given name (first
repetition), PID-7 date of birth, PID-13 home phone (first repetition), PID-15 primary language.
"""

from __future__ import annotations

from typing import Any

from admin.hl7.header import field_text
from admin.hl7.refusals import ErrorCondition, application_error
from admin.hl7.values import missing, parse_date, phone_number
from admin.schedule.entries import ScheduledPatient

MRN_IDENTIFIER_TYPE = "MR"
# PID-15 codes (ISO 639-1, ISO 639-2 and the names some senders use) of the languages Lobby
# speaks; any other language gets English screens.
LANGUAGES = {"en": "en", "eng": "en", "english": "en", "es": "es", "spa": "es", "spanish": "es"}


def medical_record_number(message: Any) -> str:
    """PID-3's MRN: the identifier typed "MR" when the sender types them, else the first."""
    try:
        repetitions = message.segment("PID")(3)
    except (KeyError, IndexError):
        raise missing("PID-3", "the medical record number") from None
    identifiers = [
        (field_text(message, f"PID.F3.R{n}.C1"), field_text(message, f"PID.F3.R{n}.C5"))
        for n in range(1, len(repetitions) + 1)
    ]
    typed = [number for number, kind in identifiers if kind == MRN_IDENTIFIER_TYPE and number]
    numbers = typed or [number for number, _ in identifiers if number]
    if not numbers:
        raise missing("PID-3", "the medical record number")
    return numbers[0].strip()


def preferred_language(message: Any) -> str:
    """PID-15 as one of Lobby's languages; empty when absent or another language, so that a
    message that does not say keeps the language on record (a new patient gets English)."""
    code = field_text(message, "PID.F15.R1.C1").strip().lower()
    return LANGUAGES.get(code, "")


def scheduled_patient(message: Any) -> ScheduledPatient:
    """The patient named by the message's PID segment, or an AE naming the missing or invalid
    field (never its value)."""
    try:
        message.segment("PID")
    except KeyError:
        raise application_error(
            ErrorCondition.SEGMENT_SEQUENCE, "PID", "the PID segment is missing"
        ) from None
    mrn = medical_record_number(message)
    family = field_text(message, "PID.F5.R1.C1").strip()
    given = field_text(message, "PID.F5.R1.C2").strip()
    if not family:
        raise missing("PID-5", "the family name")
    birth_text = field_text(message, "PID.F7.R1.C1")
    if not birth_text.strip():
        raise missing("PID-7", "the date of birth")
    return ScheduledPatient(
        mrn=mrn,
        first_name=given,
        last_name=family,
        date_of_birth=parse_date(birth_text, "PID-7"),
        phone=phone_number(
            field_text(message, "PID.F13.R1.C1"),
            field_text(message, "PID.F13.R1.C6"),
            field_text(message, "PID.F13.R1.C7"),
        ),
        preferred_language=preferred_language(message),
    )
