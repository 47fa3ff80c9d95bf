"""Walk-ins: "I don't have an appointment" → name, date of birth, department (and, where it
changes the way, "Do you need a route without stairs?") → a ticket.

The patient is registered unverified for staff to match with the record at the desk; nothing
else (insurance, consent) is asked at the kiosk.

Each walk-in is a patient row and a printed ticket, so a kiosk registers at most
`WALK_IN_LIMIT` (6) in any `WALK_IN_WINDOW_MINUTES` (10); beyond that its walk-in screens send
people to the desk, and staff are alerted (audit event and warning log) once per window.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Blueprint, current_app, g, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from kiosk.checkin.answers import parse_birth_date, valid_name
from kiosk.checkin.arrival import ArrivalContext, complete_walk_in
from kiosk.checkin.audit import record_audit
from kiosk.checkin.flow import CheckinFlow, abandon_flow, load_flow, save_flow, start_flow
from kiosk.checkin.route_choice import choose_step_free, route_profile, route_profile_chosen
from kiosk.checkin.ticket_route import step_free_changes_route
from kiosk.checkin.views import birth_date_screen, only_at_a_kiosk, restart
from kiosk.extensions import db
from kiosk.facility import facility_today
from kiosk.models import AuditEvent, CheckIn, Department
from kiosk.models.types import utcnow
from kiosk.shell.i18n import select_locale
from kiosk.shell.links import see_other

logger = logging.getLogger(__name__)

bp = Blueprint("walk_in", __name__, url_prefix="/check-in/walk-in")
bp.before_request(only_at_a_kiosk)


def walk_in_window(now: datetime) -> datetime:
    """The start of the window walk-ins are counted in."""
    return now - timedelta(minutes=float(current_app.config["WALK_IN_WINDOW_MINUTES"]))


def walk_in_limit_reached(kiosk_id: int, now: datetime) -> bool:
    """Whether the kiosk has registered `WALK_IN_LIMIT` walk-ins within the window."""
    registered = db.session.scalar(
        select(func.count())
        .select_from(CheckIn)
        .where(
            CheckIn.kiosk_id == kiosk_id,
            CheckIn.appointment_id.is_(None),
            CheckIn.checked_in_at > walk_in_window(now),
        )
    )
    return (registered or 0) >= int(current_app.config["WALK_IN_LIMIT"])


def alert_walk_in_limit(kiosk_id: int, now: datetime) -> None:
    """Tell staff a kiosk reached its walk-in limit, once per window."""
    already = db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "walk_in_limit_reached",
            AuditEvent.kiosk_id == kiosk_id,
            AuditEvent.occurred_at > walk_in_window(now),
        )
    )
    if already is not None:
        return
    record_audit("walk_in_limit_reached", kiosk_id=kiosk_id)
    db.session.commit()
    logger.warning(
        "Walk-in limit reached (kiosk:%s): staff alert raised", kiosk_id, extra={"kiosk": kiosk_id}
    )


def only_within_the_walk_in_limit() -> tuple[str, int] | None:
    """Past the kiosk's walk-in limit every walk-in screen sends people to the desk."""
    now = utcnow()
    if not walk_in_limit_reached(g.kiosk.id, now):
        return None
    alert_walk_in_limit(g.kiosk.id, now)
    abandon_flow()  # what a walk-in typed so far is not kept
    return render_template("kiosk/checkin/walk_in_limit.html"), 429


bp.before_request(only_within_the_walk_in_limit)


@bp.route("", methods=["GET", "POST"])
def name() -> Response | str | tuple[str, int]:
    """No appointment: first and last name (then date of birth and department)."""
    if request.method == "GET":
        return render_template("kiosk/checkin/walk_in_name.html", form={})
    first = " ".join(request.form.get("first_name", "").split())
    last = " ".join(request.form.get("last_name", "").split())
    if not (valid_name(first) and valid_name(last)):
        return render_template(
            "kiosk/checkin/walk_in_name.html", form=request.form, invalid=True
        ), 422
    flow = start_flow("walk_in")
    flow.walk_in = {"first_name": first, "last_name": last}
    save_flow(flow)
    return see_other(url_for("walk_in.birth_date"))


@bp.route("/birth-date", methods=["GET", "POST"])
def birth_date() -> Response | str | tuple[str, int]:
    """The walk-in's date of birth, checked like at the lookup."""
    flow = load_flow()
    if flow is None or "last_name" not in flow.walk_in:
        return restart()
    if request.method == "GET":
        return birth_date_screen(form={}, walk_in=True)
    born, problem = parse_birth_date(request.form, today=facility_today())
    if born is None:
        return birth_date_screen(form=request.form, problem=problem, walk_in=True), 422
    flow.walk_in["date_of_birth"] = born.isoformat()
    save_flow(flow)
    return see_other(url_for("walk_in.department"))


@bp.route("/department", methods=["GET", "POST"])
def department() -> Response | str:
    """Where the walk-in is going; then (asked once where it changes the way) whether they need
    a route without stairs; then the ticket."""
    flow = load_flow()
    if flow is not None and flow.done:
        return see_other(url_for("checkin.done"))  # a second tap
    if flow is None or "date_of_birth" not in flow.walk_in:
        return restart()
    departments = list(db.session.scalars(select(Department).order_by(Department.code)))
    if request.method == "GET":
        return render_template("kiosk/checkin/walk_in_department.html", departments=departments)
    chosen = next((d for d in departments if d.code == request.form.get("department")), None)
    if chosen is None:
        return see_other(url_for("walk_in.department"))
    if not route_profile_chosen() and step_free_changes_route(g.kiosk, chosen):
        flow.walk_in["department"] = chosen.code
        save_flow(flow)
        return see_other(url_for("walk_in.route_question"))
    return register(flow, chosen)


@bp.route("/route", methods=["GET", "POST"])
def route_question() -> Response | str:
    """Do you need a route without stairs? Then the walk-in's ticket, its way following it."""
    flow = load_flow()
    if flow is not None and flow.done:
        return see_other(url_for("checkin.done"))  # a second tap
    code = flow.walk_in.get("department") if flow is not None else None
    chosen = db.session.scalar(select(Department).where(Department.code == code)) if code else None
    if flow is None or chosen is None:
        return restart()
    if request.method == "GET":
        return render_template(
            "kiosk/checkin/route_question.html",
            action=url_for("walk_in.route_question"),
            back_url=url_for("walk_in.department"),
        )
    answer = request.form.get("answer")
    if answer not in ("yes", "no"):
        return see_other(url_for("walk_in.route_question"))
    choose_step_free(answer == "yes")
    return register(flow, chosen)


def register(flow: CheckinFlow, department: Department) -> Response:
    """Register the walk-in and show their ticket, its directions in the chosen profile."""
    ticket = complete_walk_in(
        flow.walk_in["first_name"],
        flow.walk_in["last_name"],
        datetime.fromisoformat(flow.walk_in["date_of_birth"]).date(),
        department,
        ArrivalContext(g.kiosk, select_locale(), utcnow(), flow.ticket_secret, route_profile()),
    )
    flow.walk_in = {}
    flow.done = [[ticket.check_in_id, ticket.token, ticket.print_job_id]]
    save_flow(flow)
    return see_other(url_for("checkin.done"))
