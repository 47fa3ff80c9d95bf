"""The FHIR searches the API answers, from query parameters to what to look for: appointments
of one facility day (optionally of some statuses), and the cards coordinators accepted on one
day (`admin.fhir.matches` finds the rows).

Parameters are checked strictly: an unknown, repeated or malformed one is refused with a
message (`BadSearch`) instead of being ignored, because a search that silently dropped a
misspelt `stauts` would hand a client every patient of the day. "The day" is the facility's
calendar day (`FACILITY_TIMEZONE`), as on every other screen of Lobby.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from admin.fhir.resources import STATUS_CODES
from kiosk.models import AppointmentStatus

DAY = re.compile(r"(?:eq)?([0-9]{4}-[0-9]{2}-[0-9]{2})")
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
# Days the database and the time-zone arithmetic handle on every platform.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_OFFSET = 1_000_000
STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
PAGING_PARAMETERS = frozenset({"_count", "_offset", "_format"})


class BadSearch(Exception):
    """A search parameter the API cannot use; `message` says which and how to fix it."""

    def __init__(self, message: LazyString):
        super().__init__("bad search parameter")
        self.message = message


@dataclass(frozen=True)
class Page:
    """Which slice of the matches one response holds."""

    count: int
    offset: int


def paging_parameters(page: Page | None, offset: int) -> dict[str, str]:
    """`_count` and `_offset` for a page from `offset` on; none when everything was asked for."""
    if page is None:
        return {}
    return {"_count": str(page.count), "_offset": str(offset)}


@dataclass(frozen=True)
class AppointmentSearch:
    """Appointments starting on `day`, of `statuses` (None: every status); `page` None asks
    for every match at once (the export)."""

    day: date
    statuses: frozenset[AppointmentStatus] | None
    page: Page | None

    def parameters(self, offset: int) -> dict[str, str]:
        """The query parameters that ask for this search from `offset` on (for links)."""
        found = {"date": self.day.isoformat()}
        if self.statuses is not None:
            found["status"] = ",".join(
                code for status, code in STATUS_CODES.items() if status in self.statuses
            )
        return {**found, **paging_parameters(self.page, offset)}


@dataclass(frozen=True)
class CoverageSearch:
    """Cards accepted or corrected on `day`."""

    day: date
    page: Page

    def parameters(self, offset: int) -> dict[str, str]:
        """The query parameters that ask for this search from `offset` on (for links)."""
        return {"date": self.day.isoformat(), **paging_parameters(self.page, offset)}


def single_values(args: MultiDict[str, str], known: frozenset[str]) -> dict[str, str]:
    """Each parameter's one value; refuses unknown and repeated parameters."""
    for name in args:
        if name not in known:
            raise BadSearch(
                _l(
                    "Unknown search parameter %(name)s. This server understands: %(known)s.",
                    name=name[:40],
                    known=", ".join(sorted(known)),
                )
            )
        if len(args.getlist(name)) > 1:
            raise BadSearch(_l("Give %(name)s only once.", name=name))
    return {name: args[name] for name in args}


def parse_day(values: dict[str, str]) -> date:
    """The `date` parameter: one day, `YYYY-MM-DD` (FHIR's `eq` prefix allowed)."""
    if "date" not in values:
        raise BadSearch(_l("date is required: the day, written YYYY-MM-DD."))
    matched = DAY.fullmatch(values["date"])
    try:
        day = date.fromisoformat(matched[1]) if matched else None
    except ValueError:
        day = None
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
        raise BadSearch(_l("date must be one day, written YYYY-MM-DD (for example 2026-03-10)."))
    return day


def parse_statuses(values: dict[str, str]) -> frozenset[AppointmentStatus] | None:
    """The `status` parameter: FHIR codes separated by commas (any of them), or None."""
    if "status" not in values:
        return None
    codes = values["status"].split(",")
    if not all(code in STATUS_BY_CODE for code in codes):
        raise BadSearch(
            _l(
                "status must be one or more of %(codes)s, separated by commas.",
                codes=", ".join(STATUS_CODES.values()),
            )
        )
    return frozenset(STATUS_BY_CODE[code] for code in codes)


def whole_number(values: dict[str, str], name: str, default: int, maximum: int) -> int:
    """A non-negative whole-number parameter up to `maximum`."""
    raw = values.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw) or int(raw) > maximum:
        raise BadSearch(
            _l("%(name)s must be a whole number from 0 to %(max)s.", name=name, max=maximum)
        )
    return int(raw)


def parse_page(values: dict[str, str], page_size: int, max_page_size: int) -> Page:
    """`_count` (0 asks for the total only) and `_offset`; `_format` may only ask for JSON."""
    if values.get("_format", "json") not in JSON_FORMATS:
        raise BadSearch(_l("_format must be json: this server answers in FHIR JSON only."))
    return Page(
        count=whole_number(values, "_count", min(page_size, max_page_size), max_page_size),
        offset=whole_number(values, "_offset", 0, MAX_OFFSET),
    )


def parse_appointment_search(
    args: MultiDict[str, str], *, page_size: int, max_page_size: int
) -> AppointmentSearch:
    """`GET /fhir/Appointment?date=…&status=…&_count=…&_offset=…`, checked."""
    values = single_values(args, PAGING_PARAMETERS | {"date", "status"})
    return AppointmentSearch(
        parse_day(values), parse_statuses(values), parse_page(values, page_size, max_page_size)
    )


def parse_export_search(args: MultiDict[str, str]) -> AppointmentSearch:
    """`flask arrivals export --date … --status …`: the same checks, every match at once."""
    values = single_values(args, frozenset({"date", "status"}))
    return AppointmentSearch(parse_day(values), parse_statuses(values), None)


def parse_coverage_search(
    args: MultiDict[str, str], *, page_size: int, max_page_size: int
) -> CoverageSearch:
    """`GET /fhir/Coverage?date=…&_count=…&_offset=…`, checked."""
    values = single_values(args, PAGING_PARAMETERS | {"date"})
    return CoverageSearch(parse_day(values), parse_page(values, page_size, max_page_size))
