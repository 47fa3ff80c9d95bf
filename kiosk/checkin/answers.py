"""Typed answers on the check-in and walk-in screens: what counts as a name, a phone number, a
member ID, a date of birth or an appointment choice, and the message a person gets when not.

Every check is total: whatever text a keypad, a keyboard or a scripted request sends gives an
answer, never an exception. Digits are decimal digits of any script ("٣" is 3, "３" is 3);
superscripts, fractions and other numeric signs ("²", "½") are not digits here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
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


def typed_digits(text: str) -> str:
    """The decimal digits in `text`, as ASCII ("(555) ٣٣٣-0100" → "5553330100"); spaces,
    brackets, dashes and anything else are dropped."""
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())


def valid_phone(digits: str) -> bool:
    """Seven to fifteen digits (E.164 allows fifteen)."""
    return 7 <= len(digits) <= 15


def valid_member_id(value: str) -> bool:
    """Insurance member and group numbers: letters, digits and dashes."""
    return MEMBER_ID_PATTERN.match(value) is not None


def parse_birth_date(form: MultiDict[str, str], *, today: date) -> tuple[date | None, Any]:
    """The date typed in day, month and year boxes, or None and what to tell the person."""
    parts = [form.get(name, "").strip() for name in ("day", "month", "year")]
    if not all(part.isdecimal() and len(part) <= 4 for part in parts):
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


def chosen_appointments(picked: str, found_ids: Sequence[int]) -> list[int] | None:
    """The appointments a choice button stands for ("all", or one of `found_ids`), or None for
    anything else. Compared as text, so no input is ever converted to a number."""
    if picked == "all":
        return list(found_ids)
    return next(([found] for found in found_ids if str(found) == picked), None)
