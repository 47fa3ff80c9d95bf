"""`/staff/queue/`: the coordinator's live Today screen and its actions (blueprint `admin_queue`).

The screen is the queue domain's Today list (admin/queue/today.py) in a table, one department
or all of them, narrowed by state and flag, or searched by name or MRN (audited). Every action
is a real `<form method=post>`; htmx sends it in the background and the screen shows the
domain's answer, a refusal included (409 or 422, nothing changed). Without JavaScript the same
forms answer with a redirect back to the list, or with the list and the refusal.

The table part is polled every couple of seconds by htmx with the queue's change marker in its
ETag, so an unchanged queue costs one cheap query and a 304, whichever worker answers. The
ETag also carries the minute (the "waiting" column moves with the clock), the language, the
coordinator's desk and the filters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from admin.access import ALL_STAFF_ROLES, require_roles, signed_in_staff
from admin.queue.actions import apply_action, undo_last_action
from admin.queue.alerts import (
    AlertAlreadyClosed,
    acknowledge_alert,
    alerts_marker,
    open_alerts,
    resolve_alert,
)
from admin.queue.changes import queue_marker
from admin.queue.departments import coordinator_departments
from admin.queue.desk_checkin import check_in_at_desk
from admin.queue.refusals import QueueActionRefused, RefusalReason
from admin.queue.today import (
    TodayFilter,
    TodayFlag,
    TodayRow,
    TodayState,
    reveal_full_name,
    search_today,
    today_rows,
)
from kiosk.facility import facility_today
from kiosk.models import Department, KioskAlertKind, QueueAction
from kiosk.models.types import utcnow
from kiosk.shell.links import is_htmx, see_other

bp = Blueprint("admin_queue", __name__, url_prefix="/staff/queue", template_folder="../templates")

# Bumped when the polled table's markup changes, so open screens take the new one.
MARKUP_VERSION = "1"
DESK_SESSION_KEY = "queue_desk"
SEARCH_MAX_LENGTH = 80

# A colleague got there first or the appointment changed under the coordinator: a conflict.
# A request that cannot apply to the ticket as it is: unprocessable.
REFUSAL_STATUS = {
    RefusalReason.NOT_FOUND: 404,
    RefusalReason.CANCELLED: 409,
    RefusalReason.ALREADY_CALLED: 409,
    RefusalReason.CHANGED_MEANWHILE: 409,
    RefusalReason.NOTHING_TO_UNDO: 409,
    RefusalReason.ALREADY_CHECKED_IN: 409,
    RefusalReason.NOT_ALLOWED: 422,
    RefusalReason.BAD_DESTINATION: 422,
}

ACTION_WORDS = {
    QueueAction.CALL: _l("Call"),
    QueueAction.RECALL: _l("Call again"),
    QueueAction.REQUEUE: _l("Back to queue"),
    QueueAction.ROOMED: _l("In a room"),
    QueueAction.DONE: _l("Done"),
    QueueAction.NO_SHOW: _l("Not here"),
    QueueAction.UNDO: _l("Undo last"),
}

STATE_WORDS = {
    TodayState.BOOKED: _l("booked"),
    TodayState.ARRIVED: _l("arrived"),
    TodayState.CALLED: _l("called"),
    TodayState.ROOMED: _l("in a room"),
    TodayState.DONE: _l("done"),
    TodayState.NO_SHOW: _l("no-show"),
    TodayState.CANCELLED: _l("cancelled"),
}

FLAG_WORDS = {
    TodayFlag.NEW_INSURANCE_CARD: _l("New insurance card"),
    TodayFlag.CHANGED_CONTACT: _l("Changed contact details"),
    TodayFlag.UNVERIFIED_WALK_IN: _l("Unverified walk-in"),
    TodayFlag.SENT_TO_DESK: _l("Sent to the desk"),
    TodayFlag.ARRIVED_OUTSIDE_WINDOW: _l("Arrived outside the window"),
}

ALERT_WORDS = {
    KioskAlertKind.HELP_REQUESTED: _l("“Get help” pressed: someone is waiting at the screen"),
    KioskAlertKind.FAILED_LOOKUPS: _l("Repeated failed patient lookups"),
    KioskAlertKind.PRINTER_OFFLINE: _l("Printer offline or out of paper"),
    KioskAlertKind.PRINT_FAILED: _l("A receipt could not be printed"),
}

# Which buttons a row offers in each state (the domain refuses anything else anyway).
STATE_ACTIONS = {
    TodayState.ARRIVED: (QueueAction.CALL, QueueAction.NO_SHOW),
    TodayState.CALLED: (
        QueueAction.RECALL,
        QueueAction.ROOMED,
        QueueAction.DONE,
        QueueAction.REQUEUE,
        QueueAction.NO_SHOW,
    ),
    TodayState.ROOMED: (QueueAction.DONE,),
    TodayState.NO_SHOW: (QueueAction.REQUEUE,),
}


@dataclass(frozen=True)
class TodayView:
    """What the coordinator asked to see: a department (None: all), filters and a search."""

    department: Department | None
    departments: list[Department]
    only: TodayFilter
    query: str

    def department_ids(self) -> list[int]:
        """The departments whose patients the list shows."""
        if self.department is not None:
            return [self.department.id]
        return [department.id for department in self.departments]

    def arguments(self) -> dict[str, Any]:
        """The view as URL arguments (for the polled part and the way back after an action)."""
        arguments: dict[str, Any] = {
            "department": self.department.code if self.department else "all",
            "state": sorted(state.value for state in self.only.states),
            "flag": sorted(flag.value for flag in self.only.flags),
        }
        if self.query:
            arguments["q"] = self.query
        return arguments


def chosen_view() -> TodayView:
    """The view named by the request's arguments; unknown values are ignored, not errors."""
    departments = coordinator_departments(staff_id())
    code = request.values.get("department", "all")
    department = next((found for found in departments if found.code == code), None)
    states = {value for value in request.values.getlist("state") if value in set(TodayState)}
    flags = {value for value in request.values.getlist("flag") if value in set(TodayFlag)}
    query = " ".join(request.values.get("q", "").split())[:SEARCH_MAX_LENGTH]
    return TodayView(
        department,
        departments,
        TodayFilter(frozenset(map(TodayState, states)), frozenset(map(TodayFlag, flags))),
        query,
    )


def staff_id() -> int | None:
    """The acting coordinator's account id, for the audit and the queue events."""
    user = signed_in_staff()
    return user.id if user is not None else None


def desks() -> list[str]:
    """The desks and rooms a ticket may be called to."""
    return [str(desk) for desk in current_app.config["DESKS"]]


def remembered_desk() -> str:
    """The desk this coordinator called to last, else the first one."""
    desk = session.get(DESK_SESSION_KEY)
    return desk if desk in desks() else desks()[0]


REVIEW_PATH = "/staff/review/"
# The flags the review queue deals with: a row's flag links there.
REVIEW_FLAGS = frozenset(
    {TodayFlag.NEW_INSURANCE_CARD, TodayFlag.CHANGED_CONTACT, TodayFlag.UNVERIFIED_WALK_IN}
)


def review_url() -> str | None:
    """The review queue's page, when this installation has one."""
    has_review = any(rule.rule == REVIEW_PATH for rule in current_app.url_map.iter_rules())
    return REVIEW_PATH if has_review else None


def rows_for(view: TodayView) -> list[TodayRow]:
    """The Today rows of the view: searched (audited) when there is a query."""
    day = facility_today()
    if view.query:
        found = search_today(view.query, view.department_ids(), day, staff_id=staff_id())
        return [row for row in found if view.only.keeps(row)]
    return today_rows(view.department_ids(), day, only=view.only)


def table_etag(view: TodayView) -> str:
    """The polled table's ETag: the queue and alert markers, the minute, and what shapes the
    markup."""
    marker = queue_marker(view.department_ids(), facility_today()) + "|" + alerts_marker()
    minute = utcnow().strftime("%Y%m%d%H%M")
    arguments = sorted(
        (key, value)
        for key, values in view.arguments().items()
        for value in ([values] if isinstance(values, str) else values)
    )
    parts = [MARKUP_VERSION, marker, minute, str(get_locale()), remembered_desk(), str(arguments)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def render_today(
    view: TodayView,
    *,
    message: str = "",
    status: int = 200,
    revealed: dict[int, str] | None = None,
) -> Response:
    """The Today page, or for htmx only its table, with its ETag."""
    etag = table_etag(view)
    if is_htmx() and request.method == "GET" and request.if_none_match.contains(etag):
        not_modified = make_response("", 304)
        not_modified.set_etag(etag)
        return not_modified
    template = "admin/queue/_today.html" if is_htmx() else "admin/queue/today.html"
    response = make_response(
        render_template(
            template,
            view=view,
            rows=rows_for(view),
            alerts=open_alerts(),
            alert_words=ALERT_WORDS,
            revealed=revealed or {},
            message=message,
            desks=desks(),
            desk=remembered_desk(),
            state_words=STATE_WORDS,
            flag_words=FLAG_WORDS,
            action_words=ACTION_WORDS,
            clock=format_time,
            review_url=review_url(),
            review_flags=REVIEW_FLAGS,
            state_actions=STATE_ACTIONS,
            poll_seconds=int(current_app.config["QUEUE_POLL_SECONDS"]),
            table_url=url_for("admin_queue.today", **view.arguments()),
        ),
        status,
    )
    response.set_etag(etag)
    return response


@bp.get("/")
@require_roles(*ALL_STAFF_ROLES)
def today() -> Response:
    """The Today screen (htmx: its table, 304 while nothing changed)."""
    return render_today(chosen_view())


def answer(done: str) -> BaseResponse:
    """After an action: htmx gets the message and a `queue-changed` event (the table asks for
    news at once); a plain form goes back to the list it came from."""
    if is_htmx():
        response = make_response(render_template("admin/queue/_message.html", message=done))
        response.headers["HX-Trigger"] = "queue-changed"
        return response
    flash(done)
    return see_other(url_for("admin_queue.today", **chosen_view().arguments()))


def refused(refusal: QueueActionRefused) -> Response:
    """A refusal: the message in the coordinator's language with 404, 409 or 422."""
    status = REFUSAL_STATUS[refusal.reason]
    if is_htmx():
        page = render_template("admin/queue/_message.html", message=refusal.message, problem=True)
        response = make_response(page, status)
        response.headers["HX-Trigger"] = "queue-changed"
        return response
    return render_today(chosen_view(), message=str(refusal.message), status=status)


def number_in_path(value: str) -> int:
    """A record id from the URL. The routes take any text (so the CSRF check answers before a
    malformed id does) and a non-number is simply not found."""
    if not value.isdigit():
        abort(404)
    return int(value)


def chosen_action(name: str) -> QueueAction:
    """The action named in the URL; 404 for anything else."""
    try:
        return QueueAction(name)
    except ValueError:
        abort(404)


def expected_version() -> int | None:
    """The ticket version the coordinator's screen showed, when it sent one."""
    version = request.form.get("version", "")
    return int(version) if version.isdigit() else None


@bp.post("/tickets/<ticket>/<action>")
@require_roles(*ALL_STAFF_ROLES)
def act(ticket: str, action: str) -> BaseResponse:
    """Call (to a desk from the list), recall, requeue, roomed, done, no-show or undo."""
    ticket_id = number_in_path(ticket)
    chosen = chosen_action(action)
    destination = None
    if chosen in (QueueAction.CALL, QueueAction.RECALL):
        destination = request.form.get("desk") or None
        if destination is not None and destination not in desks():
            return refused(
                QueueActionRefused(
                    RefusalReason.BAD_DESTINATION, _l("Please choose a desk or room from the list.")
                )
            )
    try:
        if chosen is QueueAction.UNDO:
            event = undo_last_action(ticket_id, staff_id=staff_id())
        else:
            event = apply_action(
                ticket_id,
                chosen,
                staff_id=staff_id(),
                destination=destination,
                expected_version=expected_version(),
            )
    except QueueActionRefused as refusal:
        return refused(refusal)
    if destination is not None:
        session[DESK_SESSION_KEY] = destination
    return answer(done_message(chosen, event.called_to_after))


def done_message(action: QueueAction, called_to: str | None) -> str:
    """What the screen says after an action went through."""
    if action in (QueueAction.CALL, QueueAction.RECALL) and called_to:
        return str(_l("Called to %(place)s.", place=called_to))
    if action is QueueAction.UNDO:
        return str(_l("The last action was undone."))
    return str(_l("Done: %(action)s.", action=ACTION_WORDS[action]))


@bp.post("/appointments/<appointment>/check-in")
@require_roles(*ALL_STAFF_ROLES)
def check_in(appointment: str) -> BaseResponse:
    """Check a booked patient in at the desk: the kiosk's ticket, marked "desk"."""
    try:
        arrival = check_in_at_desk(
            number_in_path(appointment), staff_id=staff_id(), lang=str(get_locale() or "en")
        )
    except QueueActionRefused as refusal:
        return refused(refusal)
    return answer(
        str(_l("Checked in at the desk: ticket %(ticket)s.", ticket=arrival.ticket_label))
    )


@bp.post("/patients/<patient>/full-name")
@require_roles(*ALL_STAFF_ROLES)
def full_name(patient: str) -> Response:
    """The patient's full name, shown on request to this coordinator and audited."""
    patient_id = number_in_path(patient)
    try:
        name = reveal_full_name(patient_id, staff_id=staff_id())
    except LookupError:
        abort(404)
    if is_htmx():
        return make_response(render_template("admin/queue/_full_name.html", name=name))
    return render_today(chosen_view(), revealed={patient_id: name})


@bp.post("/alerts/<alert>/<step>")
@require_roles(*ALL_STAFF_ROLES)
def close_alert(alert: str, step: str) -> BaseResponse:
    """Acknowledge ("on my way") or resolve a kiosk alert; audited."""
    alert_id = number_in_path(alert)
    steps = {"acknowledge": acknowledge_alert, "resolve": resolve_alert}
    if step not in steps:
        abort(404)
    try:
        steps[step](alert_id, staff_id=staff_id())
    except AlertAlreadyClosed:
        return refused(
            QueueActionRefused(
                RefusalReason.CHANGED_MEANWHILE,
                _l("A colleague already resolved this alert. Nothing was changed."),
            )
        )
    done = _l("Alert acknowledged.") if step == "acknowledge" else _l("Alert resolved.")
    return answer(str(done))
