"""The staff Schedule page (`/staff/schedule/`): a facility or system admin uploads the day's
schedule as CSV or a FHIR R4 Bundle and sees what it did, with every row or entry not imported
and why, in their own language.

The codes of new appointments are handed over once, in the result page itself: a "Download
the codes" link whose `data:` URL holds the CSV. The page is sent `Cache-Control: no-store`
(as every staff page), so the codes exist in plain text only in that response and in the file
the admin saves; the database keeps their keyed hashes. Nothing is stored to fetch them again,
so there is nothing to steal later, and uploading the same file again issues no second set.
A lost download is replaced by "Codes for the letters of a day" (`letters`), which issues the
day's codes again and sends them as a CSV attachment.
"""

from __future__ import annotations

import base64
from datetime import date

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from admin.access import require_roles, signed_in_staff
from admin.schedule.imports import (
    OUTCOME_LABELS,
    ScheduleFormat,
    all_problems,
    applied_counts,
    codes_csv,
    guess_format,
    read_schedule,
)
from admin.schedule.letters import DayIsOver, reissue_codes_for_day
from admin.schedule.problems import ScheduleFileError
from admin.schedule.store import ScheduleConflict, apply_entries
from kiosk.facility import facility_timezone, facility_today
from kiosk.models import StaffRoleName
from kiosk.models.types import utcnow

SCHEDULE_ROLES = (StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN)

bp = Blueprint("admin_schedule", __name__, url_prefix="/staff/schedule")


def schedule_page(error: str = "", **result: object) -> str:
    """The upload form, with an error or an import's result above it."""
    return render_template(
        "admin/schedule/schedule.html",
        error=error,
        outcome_labels=OUTCOME_LABELS,
        today=facility_today().isoformat(),
        **result,
    )


@bp.get("/")
@require_roles(*SCHEDULE_ROLES)
def schedule() -> str:
    """The upload form."""
    return schedule_page()


@bp.post("/")
@require_roles(*SCHEDULE_ROLES)
def upload() -> tuple[str, int]:
    """Import the uploaded file and show the result; a file that cannot be read imports
    nothing and gets a 400 saying why."""
    uploaded = request.files.get("schedule")
    if uploaded is None or not uploaded.filename:
        return schedule_page(_("Choose a schedule file to upload.")), 400
    data = uploaded.read()
    chosen = request.form.get("format", "")
    if chosen not in ("", *ScheduleFormat):
        return schedule_page(_("Choose CSV or FHIR as the file's format.")), 400
    file_format = ScheduleFormat(chosen) if chosen else guess_format(uploaded.filename, data)
    try:
        parsed = read_schedule(
            data, file_format, timezone=facility_timezone(current_app), today=facility_today()
        )
    except ScheduleFileError as error:
        return schedule_page(str(error)), 400
    staff = signed_in_staff()
    try:
        report = apply_entries(
            parsed.entries,
            now=utcnow(),
            source=file_format.value,
            staff_id=staff.id if staff else None,
        )
    except ScheduleConflict:
        message = _(
            "Another import was changing the same appointments at the same time. Upload the "
            "file again: what was already imported is kept, and nothing is imported twice."
        )
        return schedule_page(message), 409
    return (
        schedule_page(
            imported=True,
            file_format=file_format,
            counts=applied_counts(report),
            problems=all_problems(parsed, report),
            codes_count=len(report.codes),
            codes_url=codes_data_url(codes_csv(report.codes)) if report.codes else "",
            codes_filename=f"appointment-codes-{facility_today().isoformat()}.csv",
        ),
        200,
    )


@bp.post("/letters")
@require_roles(*SCHEDULE_ROLES)
def letters() -> Response | tuple[str, int]:
    """The codes of a day's letters, issued again, as a CSV download (`admin.schedule.letters`
    says which appointments and what happens to their earlier codes)."""
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        return schedule_page(_("Enter the day as a date (YYYY-MM-DD).")), 400
    staff = signed_in_staff()
    try:
        codes = reissue_codes_for_day(day, now=utcnow(), staff_id=staff.id if staff else None)
    except DayIsOver:
        return schedule_page(_("That day is over: its codes could never work.")), 400
    if not codes:
        return schedule_page(_("No booked appointment of that day is waiting for a letter.")), 404
    response = Response(codes_csv(codes), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="appointment-codes-{day.isoformat()}.csv"'
    )
    return response


def codes_data_url(text: str) -> str:
    """The codes CSV as a `data:` URL for a download link (see the module docstring)."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{encoded}"
