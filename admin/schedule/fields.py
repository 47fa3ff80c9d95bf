"""Checks every importer makes on an entry it has read, worded for the person who sent the
file: which field is wrong and what is expected, never the value itself (it is a patient's)."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from admin.schedule.entries import ScheduleEntry, limited_fields, required_fields

FIELD_LABELS = {
    "external_id": _l("appointment id"),
    "mrn": _l("MRN"),
    "first_name": _l("first name"),
    "last_name": _l("last name"),
    "date_of_birth": _l("date of birth"),
    "phone": _l("phone"),
    "start": _l("start"),
    "department_code": _l("department"),
    "provider": _l("provider"),
    "status": _l("status"),
    "language": _l("language"),
    "insurance_payer": _l("insurance company"),
    "insurance_member_id": _l("insurance member ID"),
    "insurance_group": _l("insurance group number"),
}
# Digits with the punctuation people write phone numbers with: "+1 (555) 010-0101", "555.0101".
PHONE = re.compile(r"[0-9+()\-. ]*")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def missing(field_name: str) -> str:
    """The reason for a required field left empty."""
    return str(gettext("%(field)s is missing", field=FIELD_LABELS[field_name]))


def entry_problem(entry: ScheduleEntry, *, today: date) -> str | None:
    """What is wrong with an entry read from a file, in the reader's language, or None."""
    fields = limited_fields(entry)
    for field_name in required_fields(entry):
        if not fields[field_name][0].strip():
            return missing(field_name)
    for field_name, (value, limit) in fields.items():
        if len(value) > limit:
            return str(
                gettext(
                    "%(field)s is longer than %(limit)d characters",
                    field=FIELD_LABELS[field_name],
                    limit=limit,
                )
            )
        if CONTROL_CHARACTERS.search(value):
            return str(
                gettext("%(field)s contains control characters", field=FIELD_LABELS[field_name])
            )
    birth = entry.patient.date_of_birth
    if birth > today:
        return str(gettext("date of birth is in the future"))
    if birth < EARLIEST_BIRTH_DATE:
        return str(gettext("date of birth is before 1900"))
    if not PHONE.fullmatch(entry.patient.phone):
        return str(gettext("phone has characters a phone number does not have"))
    return None
