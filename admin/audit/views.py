"""The audit log viewer (`/staff/audit/`): who touched which patient's data, filtered by
patient, staff member, kiosk, action and facility days, newest first, with a CSV export.

System admins only (hospital IT and the privacy officer's delegate). Reading the log is itself
access to patient data, so every view, export and MRN search is an audit event naming the
admin and the kinds of filter used (never an MRN or other value typed). The filter form posts
(an MRN never appears in a URL) and answers with a redirect to the filtered page by ids.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from admin.access import require_roles, signed_in_staff
from admin.audit.actions import action_labels
from admin.audit.entries import audit_page, every_entry
from admin.audit.export import audit_csv, csv_headings
from admin.audit.filters import AuditFilters, page_start, parse_filters
from admin.reports.period import ReportPeriodError
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.facility import facility_timezone, facility_today
from kiosk.models import Kiosk, Patient, StaffRoleName, StaffUser
from kiosk.shell.links import see_other

AUDIT_ROLES = (StaffRoleName.SYSTEM_ADMIN,)
# Form fields the POST passes on to the filtered page as they are.
PASSED_ON = ("staff", "kiosk", "action", "start", "end")
MRN_LENGTH = 20
UNKNOWN_MRN = _l("No patient has this MRN. Check it and try again.")

bp = Blueprint("admin_audit", __name__, url_prefix="/staff/audit")


def acting_admin_id() -> int:
    """The signed-in system admin's account id."""
    staff = signed_in_staff()
    assert staff is not None  # require_roles let only signed-in staff through
    return staff.id


def record_reading(action: str, filters: AuditFilters) -> None:
    """Audit a view or export of the log: who, which patient's trail if one, and the kinds of
    filter (never their values). Commits."""
    record_audit(
        action,
        kiosk_id=None,
        patient_id=filters.patient_id,
        staff_id=acting_admin_id(),
        filters=filters.kinds(),
    )
    db.session.commit()


def filters_page(
    filters: AuditFilters, status: int = 200, error: LazyString | None = None, **page: object
) -> tuple[str, int]:
    """The viewer with its filter form (pick lists of staff, kiosks and actions)."""
    patient_mrn = ""
    if filters.patient_id is not None:
        patient_mrn = (
            db.session.scalar(select(Patient.mrn).where(Patient.id == filters.patient_id)) or ""
        )
    html = render_template(
        "admin/audit/log.html",
        filters=filters,
        patient_mrn=patient_mrn,
        staff_accounts=db.session.execute(
            select(StaffUser.id, StaffUser.email).order_by(StaffUser.email)
        ).all(),
        kiosks=db.session.execute(select(Kiosk.id, Kiosk.name).order_by(Kiosk.name)).all(),
        actions=sorted(action_labels().items(), key=lambda item: item[1]),
        error=error,
        **page,
    )
    return html, status


@bp.get("/")
@require_roles(*AUDIT_ROLES)
def log() -> tuple[str, int]:
    """A page of the filtered log, newest first; the view is audited."""
    try:
        filters = parse_filters(request.args)
        before = page_start(request.args)
    except ReportPeriodError as refused:  # an AuditFilterError or a wrong date
        return filters_page(AuditFilters(), 400, refused.message)
    page = audit_page(filters, before, facility_timezone(current_app))
    record_reading("audit_viewed", filters)
    return filters_page(filters, page=page, export_args=filters.query_args())


@bp.post("/")
@require_roles(*AUDIT_ROLES)
def search() -> BaseResponse | tuple[str, int]:
    """The filter form: a typed MRN is resolved to the patient's id (an audited search of
    patient records), then the browser is sent to the filtered page."""
    args: dict[str, Any] = {
        name: request.form.get(name, "") for name in PASSED_ON if request.form.get(name)
    }
    mrn = request.form.get("mrn", "").strip()
    if mrn:
        patient_id = None
        if len(mrn) <= MRN_LENGTH and mrn.isprintable():  # never a query with garbage bytes
            patient_id = db.session.scalar(select(Patient.id).where(Patient.mrn == mrn))
        record_audit(
            "audit_patient_search",
            kiosk_id=None,
            patient_id=patient_id,
            matches=int(patient_id is not None),
            staff_id=acting_admin_id(),
        )
        db.session.commit()
        if patient_id is None:
            return filters_page(AuditFilters(), 404, UNKNOWN_MRN)
        args["patient"] = str(patient_id)
    return see_other(url_for("admin_audit.log", **args))


@bp.get("/export.csv")
@require_roles(*AUDIT_ROLES)
def export() -> Response:
    """Every filtered row as CSV (formula-safe), streamed; the export is audited first."""
    try:
        filters = parse_filters(request.args)
    except ReportPeriodError as refused:  # an AuditFilterError or a wrong date
        abort(Response(str(refused.message), status=400, mimetype="text/plain"))
    record_reading("audit_exported", filters)
    entries = every_entry(db.engine, filters, facility_timezone(current_app), action_labels())
    response = Response(audit_csv(csv_headings(), entries), mimetype="text/csv")
    name = f"lobby-audit-{facility_today().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
