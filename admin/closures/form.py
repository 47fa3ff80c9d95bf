"""The "Close something" form, checked: what, why, a staff note, from when and until when.

Times are typed as the facility's local date and time (`<input type="datetime-local">`, which
sends "2026-12-07T14:00"). A malformed time, an end in the past or before the start, and a
closure longer than `MAX_CLOSURE_DAYS` are refused with a message saying which and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from kiosk.closures.store import ClosureRequest
from kiosk.models import ClosureReason

MAX_CLOSURE_DAYS = 90
NOTE_MAX_CHARS = 500
# Years a closure may name: past ones are refused anyway, and far ones would overflow the
# conversion to UTC before they could be refused for their length.
MIN_YEAR, MAX_YEAR = 2000, 2999
LOCAL_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?")
REASON_LABELS = {
    ClosureReason.WORKS: _l("Building works"),
    ClosureReason.CLEANING: _l("Cleaning"),
    ClosureReason.FAULT: _l("Out of order"),
    ClosureReason.EVENT: _l("Event"),
    ClosureReason.OTHER: _l("Other"),
}


class ClosureFormError(ValueError):
    """The form cannot be accepted; `message` says why in the reader's language and `field`
    names the input at fault."""

    def __init__(self, field: str, message: LazyString) -> None:
        super().__init__(field)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ClosureForm:
    """What was typed, kept as text so a refused form shows it again."""

    element: str = ""
    reason: str = ""
    staff_note: str = ""
    starts: str = ""
    until: str = ""

    @classmethod
    def of(cls, fields: Mapping[str, str]) -> ClosureForm:
        """The form's fields, each cut to a sane length."""
        return cls(
            element=fields.get("element", "")[:200],
            reason=fields.get("reason", "")[:20],
            staff_note=fields.get("staff_note", "")[: NOTE_MAX_CHARS * 2],
            starts=fields.get("starts", "")[:40].strip(),
            until=fields.get("until", "")[:40].strip(),
        )


def local_time(text: str, zone: ZoneInfo, field: str) -> datetime:
    """A facility-local date and time as an aware datetime; ClosureFormError if malformed."""
    match = LOCAL_TIME.fullmatch(text)
    if match is None:
        raise ClosureFormError(field, _l("Enter a date and a time, such as 2026-12-07 14:00."))
    try:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(year)
        naive = datetime(year, month, day, hour, minute)
    except ValueError:
        raise ClosureFormError(field, _l("That date does not exist.")) from None
    return naive.replace(tzinfo=zone)


def checked_request(
    form: ClosureForm, closable: Mapping[str, str], zone: ZoneInfo, now: datetime
) -> ClosureRequest:
    """The closure the form asks for, or ClosureFormError saying what to fix."""
    if form.element not in closable:
        raise ClosureFormError("element", _l("Choose what to close from the list."))
    try:
        reason = ClosureReason(form.reason)
    except ValueError:
        raise ClosureFormError("reason", _l("Choose a reason from the list.")) from None
    note = "".join(c for c in form.staff_note if c.isprintable() or c == "\n").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ClosureFormError(
            "staff_note", _l("Keep the note under %(count)d characters.", count=NOTE_MAX_CHARS)
        )
    starts = local_time(form.starts, zone, "starts") if form.starts else now
    until = local_time(form.until, zone, "until")
    if until <= now:
        raise ClosureFormError("until", _l("The end must be in the future."))
    if until <= starts:
        raise ClosureFormError("until", _l("The end must come after the start."))
    if until - now > timedelta(days=MAX_CLOSURE_DAYS):
        raise ClosureFormError(
            "until", _l("A closure can last at most %(days)d days.", days=MAX_CLOSURE_DAYS)
        )
    return ClosureRequest(form.element, reason, note, max(starts, now), until)
