"""Typed answers on the check-in and walk-in screens: what counts as a name, a phone number, a
member ID or a date of birth, and the message a person gets when it does not."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

# Letters in any script, spaces, hyphens and apostrophes: "O'Brien", "García-López".
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")
MEMBER_ID_PATTERN = re.compile(r"^[A-Z0-9-]{3,30}$")
EARLIEST_BIRTH_YEAR = 1900


def valid_name(name: str) -> bool:
    """A plausible personal name of sensible length."""
    return 0 < len(name) <= 80 and NAME_PATTERN.match(name) is not None


def valid_phone(digits: str) -> bool:
    """Seven to fifteen digits (E.164 allows fifteen)."""
    return 7 <= len(digits) <= 15


def valid_member_id(value: str) -> bool:
    """Insurance member and group numbers: letters, digits and dashes."""
    return MEMBER_ID_PATTERN.match(value) is not None


def parse_birth_date(form: MultiDict[str, str], *, today: date) -> tuple[date | None, Any]:
    """The date typed in day, month and year boxes, or None and what to tell the person."""
    parts = [form.get(name, "").strip() for name in ("day", "month", "year")]
    if not all(part.isdigit() and len(part) <= 4 for part in parts):
        return None, _l("Please enter the day, month and year of your birth as numbers.")
    day, month, year = (int(part) for part in parts)
    if not EARLIEST_BIRTH_YEAR <= year <= today.year:
        return None, _l("Please check the year: it needs four digits, like 1980.")
    try:
        born = date(year, month, day)
    except ValueError:
        return None, _l("That date does not exist. Please check the day and month.")
    if born > today:
        return None, _l("A date of birth cannot be in the future. Please check it.")
    return born, None
