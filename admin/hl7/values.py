"""HL7 v2 data types Lobby reads (TS/DTM times, DT dates, XPN names, XTN phones, XCN people),
each turned into a Python value or an AE naming the field — never the value found there.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from admin.hl7.refusals import ErrorCondition, Refusal, application_error

# YYYY[MM[DD[HH[MM[SS[.S...]]]]]][+/-ZZZZ] (HL7 v2.5 DTM); Lobby needs at least the minute.
TIMESTAMP = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})"
    r"(?P<second>\d{2})?(?:\.\d{1,4})?(?P<offset>[+-]\d{4})?"
)
DATE = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:\d{2,6}(?:\.\d{1,4})?)?(?:[+-]\d{4})?"
)
LOCAL_NUMBER = re.compile(r"\d{7}")


def missing(location: str, what: str) -> Refusal:
    """An AE for a required field that is empty."""
    return application_error(ErrorCondition.REQUIRED_FIELD_MISSING, location, f"{what} is missing")


def invalid(location: str, what: str) -> Refusal:
    """An AE for a field whose value is not of its type (the value itself is not repeated)."""
    return application_error(ErrorCondition.DATA_TYPE, location, f"{what} is not valid")


def parse_timestamp(value: str, location: str, facility_zone: ZoneInfo) -> datetime:
    """An HL7 date and time to the minute as an aware datetime: with its own UTC offset when
    it carries one, else in the facility's time zone (how schedulers send local times)."""
    match = TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise invalid(location, "the date and time")
    parts = {name: int(match[name] or 0) for name in ("year", "month", "day", "hour", "minute")}
    offset = match["offset"]
    zone: timezone | ZoneInfo = facility_zone
    if offset:
        sign = -1 if offset[0] == "-" else 1
        minutes = sign * (int(offset[1:3]) * 60 + int(offset[3:5]))
        if abs(minutes) >= 24 * 60:
            raise invalid(location, "the date and time")
        zone = timezone(timedelta(minutes=minutes))
    try:
        return datetime(**parts, second=int(match["second"] or 0), tzinfo=zone)
    except ValueError:
        raise invalid(location, "the date and time") from None


def parse_date(value: str, location: str) -> date:
    """An HL7 date (a longer timestamp is cut to its day), or an AE."""
    match = DATE.fullmatch(value.strip())
    if match is None:
        raise invalid(location, "the date")
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise invalid(location, "the date") from None


def person_name(given: str, family: str, prefix: str = "") -> str:
    """ "Dr. Ana Ruiz" from an XCN or XPN's parts, skipping the empty ones."""
    return " ".join(part.strip() for part in (prefix, given, family) if part.strip())


def phone_number(whole: str, area_code: str, local_number: str) -> str:
    """An XTN's number: the v2.5 area code and local number ("555-555-0101") when sent, else
    the older free-text first component as it is."""
    if local_number:
        local = local_number.strip()
        if LOCAL_NUMBER.fullmatch(local):
            local = f"{local[:3]}-{local[3:]}"
        return f"{area_code.strip()}-{local}" if area_code.strip() else local
    return whole.strip()
