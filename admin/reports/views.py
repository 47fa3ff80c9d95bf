"""The Reports screen (`/staff/reports/`): the front desk's figures for a date range, each as a
server-drawn SVG chart, a data table (the chart's text alternative) and a CSV download.

Facility and system admins only: the figures are aggregates without patient data, but they
describe how departments perform, which is management information rather than what a
coordinator needs to run the desk (minimum necessary).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import get_locale

from admin.access import require_roles
from admin.reports.charts import chart_svg
from admin.reports.export import table_csv
from admin.reports.period import ReportPeriod, ReportPeriodError, report_period
from admin.reports.tables import REPORTS, ReportTable
from kiosk.facility import facility_timezone, facility_today
from kiosk.models import StaffRoleName

REPORT_ROLES = (StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN)

bp = Blueprint("admin_reports", __name__, url_prefix="/staff/reports")


def reader_language() -> str:
    """The reader's language code, for department names."""
    locale = get_locale()
    return locale.language if locale else "en"


def requested_period() -> ReportPeriod:
    """The range in the query string (`start`, `end`); raises `ReportPeriodError`."""
    return report_period(request.args.get("start"), request.args.get("end"), facility_today())


def one_table(key: str, period: ReportPeriod) -> ReportTable:
    """The report `key` for the range, or 404 for a report that does not exist."""
    build = REPORTS.get(key)
    if build is None:
        abort(404)
    return build(period, facility_timezone(current_app), reader_language())


@bp.get("/")
@require_roles(*REPORT_ROLES)
def reports() -> tuple[str, int]:
    """Every report for the range, or the form with the reason the range was refused."""
    try:
        period = requested_period()
    except ReportPeriodError as error:
        form = {"start": request.args.get("start", ""), "end": request.args.get("end", "")}
        return render_template("admin/reports/reports.html", error=error.message, form=form), 400
    tables = [one_table(key, period) for key in REPORTS]
    form = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return render_template("admin/reports/reports.html", tables=tables, form=form), 200


def download(key: str, extension: str, mimetype: str, body: str | bytes) -> Response:
    """A report file with a name that says what and when."""
    response = Response(body, mimetype=mimetype)
    start, end = request.args.get("start", ""), request.args.get("end", "")
    name = "-".join(part for part in ("lobby", key, start, end) if part)
    disposition = "attachment" if extension == "csv" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}.{extension}"'
    return response


def period_or_400() -> ReportPeriod:
    """The requested range, or a plain 400 naming what is wrong (files have no page to show it)."""
    try:
        return requested_period()
    except ReportPeriodError as error:
        abort(Response(str(error.message), status=400, mimetype="text/plain"))


@bp.get("/<key>.svg")
@require_roles(*REPORT_ROLES)
def chart(key: str) -> Response:
    """One report's chart."""
    table = one_table(key, period_or_400())
    return download(key, "svg", "image/svg+xml", chart_svg(table))


@bp.get("/<key>.csv")
@require_roles(*REPORT_ROLES)
def csv_export(key: str) -> Response:
    """One report as CSV."""
    table = one_table(key, period_or_400())
    return download(key, "csv", "text/csv", table_csv(table))
