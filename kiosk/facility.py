"""The facility the installation serves: its name, help-desk phone and time zone.

"Today" is the facility's day, not the server's: appointment windows, codes, ticket numbers and
dates of birth "in the future" are all judged on the calendar of the place where patients are.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale

from kiosk.floorplan import current_wayfinder
from kiosk.models.types import utcnow


def facility_timezone(app: Flask) -> ZoneInfo:
    """The facility's time zone (config `FACILITY_TIMEZONE`, an IANA name)."""
    return ZoneInfo(app.config["FACILITY_TIMEZONE"])


def local_day_bounds(moment: datetime, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    """The day `moment` falls on in `timezone`, as [first instant, first instant of the next
    day). Computed on the calendar, so days with a daylight-saving change are 23 or 25 hours."""
    day = moment.astimezone(timezone).date()
    return (
        datetime.combine(day, time.min, tzinfo=timezone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone),
    )


def local_date(moment: datetime) -> date:
    """The facility's calendar date at `moment` (ticket numbers start again every day)."""
    return moment.astimezone(facility_timezone(current_app)).date()


def facility_today() -> date:
    """Today's date where the facility is."""
    return local_date(utcnow())


def facility_context() -> dict[str, str]:
    """The facility's name and help-desk phone for every screen and receipt: configured values
    win, else the published floorplan's, its name in the language being rendered (a phone
    page's own language, which need not be the kiosk session's)."""
    facility = current_wayfinder().floorplan.facility
    rendering = get_locale()
    lang = str(rendering) if rendering else current_app.config["BABEL_DEFAULT_LOCALE"]
    return {
        "facility_name": current_app.config["FACILITY_NAME"] or facility.name.in_language(lang),
        "help_desk_phone": current_app.config["HELP_DESK_PHONE"] or facility.phone,
    }


def init_app(app: Flask) -> None:
    """Give templates the facility's name and phone."""
    app.context_processor(facility_context)
