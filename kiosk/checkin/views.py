"""Arrival check-in at the kiosk: one question per screen, from "who are you" to the ticket.

Views only orchestrate: identity, tickets, images and the final transaction live in their own
modules. Every screen checks that the steps before it were answered in this session; a reset
screen (or a replayed request after one) finds no state and starts again from the beginning.
"""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

import zxingcpp
from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import select
from werkzeug.wrappers import Response

from kiosk.checkin.answers import (
    chosen_appointments,
    parse_birth_date,
    typed_digits,
    valid_member_id,
    valid_name,
    valid_phone,
)
from kiosk.checkin.arrival import AlreadyCheckedIn, complete_check_in
from kiosk.checkin.audit import record_audit
from kiosk.checkin.flow import (
    CheckinFlow,
    abandon_flow,
    discard_unreferenced_uploads,
    load_flow,
    progress,
    save_flow,
    start_flow,
)
from kiosk.checkin.identity import (
    DeskReason,
    IdentifyOutcome,
    identify_by_code,
    identify_by_name_and_birth_date,
)
from kiosk.checkin.reprint import reprint_tickets
from kiosk.checkin.route_choice import choose_step_free, route_profile, route_profile_chosen
from kiosk.checkin.screens import (
    appointment_summaries,
    birth_date_boxes,
    insurance_on_file,
    issued_ticket_views,
    masked_tail,
    ticket_delivery,
)
from kiosk.checkin.throttle import unblock_command
from kiosk.checkin.ticket_route import step_free_changes_route
from kiosk.extensions import db
from kiosk.facility import facility_today
from kiosk.models import Appointment, Department, Patient
from kiosk.models.types import utcnow
from kiosk.shell.i18n import select_locale
from kiosk.shell.links import see_other
from kiosk.uploads.card_images import (
    RejectedPhoto,
    RejectionReason,
    sanitise_card_photo,
    sanitise_signature,
)
from kiosk.uploads.secure_store import store_for
from wayfinding import Profile

bp = Blueprint("checkin", __name__, url_prefix="/check-in")

PHOTO_MESSAGES = {
    RejectionReason.EMPTY: _l("We did not receive a photo. Please try again."),
    RejectionReason.TOO_LARGE: _l("That photo is too large. Please try again."),
    RejectionReason.NOT_AN_IMAGE: _l("That file is not a photo. Please take a photo of the card."),
    RejectionReason.UNSUPPORTED_FORMAT: _l(
        "We can only use JPEG, PNG or WebP photos. Please take a photo of the card."
    ),
    RejectionReason.TOO_MANY_PIXELS: _l("That image is too large. Please take a new photo."),
    RejectionReason.TOO_SMALL: _l("That photo is too small to read. Please take a closer one."),
    RejectionReason.TRUNCATED: _l("That photo did not arrive complete. Please try again."),
    RejectionReason.CORRUPT: _l("We could not read that photo. Please try again."),
    RejectionReason.BLANK: _l(
        "Please sign with your finger in the box, or choose the other option."
    ),
}
CHOOSE_PROBLEM = _l("Please choose one of your appointments, or all of them.")
CARD_SIDES = ("front", "back")
PHONE_INPUT_CHARS = 20  # the phone field's maxlength
SIGNATURE_MAX_CHARS = 400_000  # base64 of a canvas PNG; far above a real signature


def only_at_a_kiosk() -> tuple[str, int] | None:
    """Check-in happens at enrolled kiosks only: a browser elsewhere gets pointed to the desk."""
    if g.get("kiosk") is None:
        return render_template("kiosk/checkin/kiosk_only.html"), 403
    return None


bp.before_request(only_at_a_kiosk)
bp.cli.add_command(unblock_command)  # `flask checkin unblock KIOSK`


def restart() -> Response:
    """Back to the first screen (nothing answered, reset, or over the time cap)."""
    return see_other(url_for("checkin.start"))


def identified_flow() -> CheckinFlow | None:
    """The flow if the patient is identified and has chosen appointments."""
    flow = load_flow()
    if flow is None or flow.patient_id is None or not flow.chosen_ids or flow.done:
        return None
    return flow


def kiosk_id() -> int:
    """The id of this kiosk (guaranteed by `only_at_a_kiosk`)."""
    return int(g.kiosk.id)


def identify_screen(flow: CheckinFlow) -> str:
    """The screen the patient identified on (code or last name), where Back returns to."""
    return url_for("checkin.by_name" if flow.method == "name_dob" else "checkin.by_code")


def before_confirm_screen(flow: CheckinFlow) -> str:
    """Where Back on "Is this you?" goes: the choice of appointments when there were several."""
    return url_for("checkin.choose") if len(flow.found_ids) > 1 else identify_screen(flow)


def after_identify(flow: CheckinFlow, outcome: IdentifyOutcome) -> Response | tuple[str, int]:
    """One generic failure for every cause of a non-match; a real patient with nothing to check
    in now is sent to the desk (or told they are checked in); otherwise on to choosing or
    confirming."""
    if outcome.throttled:
        save_flow(flow)
        return render_template(
            "kiosk/checkin/throttled.html", seconds=outcome.retry_after_seconds
        ), 429
    if outcome.desk_reason is DeskReason.CHECKED_IN:
        abandon_flow()
        return render_template("kiosk/checkin/already.html", found_by_lookup=True), 409
    if outcome.desk_reason is DeskReason.OUTSIDE_WINDOW:
        abandon_flow()
        return render_template("kiosk/checkin/see_desk.html", outside_window=True), 409
    if not outcome.found:
        save_flow(flow)
        return render_template("kiosk/checkin/not_found.html"), 422
    flow.patient_id = outcome.patient_id
    flow.found_ids = list(outcome.appointment_ids)
    flow.chosen_ids = list(outcome.appointment_ids) if len(outcome.appointment_ids) == 1 else []
    save_flow(flow)
    target = "checkin.confirm" if flow.chosen_ids else "checkin.choose"
    return see_other(url_for(target))


@bp.get("/")
def start() -> str:
    """How would you like to check in? Code, name and date of birth, or no appointment."""
    abandon_flow()
    return render_template("kiosk/checkin/start.html")


@bp.route("/code", methods=["GET", "POST"])
def by_code() -> Response | str | tuple[str, int]:
    """Type or scan the appointment code (a keyboard-wedge scanner types it for the patient)."""
    if request.method == "GET":
        return render_template("kiosk/checkin/code.html")
    flow = start_flow("code")
    return after_identify(flow, identify_by_code(request.form.get("code", ""), kiosk_id=kiosk_id()))


@bp.post("/code/photo")
def by_code_photo() -> Response | str | tuple[str, int]:
    """A camera frame with the appointment letter's QR code."""
    upload = request.files.get("frame")
    try:
        photo = sanitise_card_photo(upload.read() if upload else b"")
    except RejectedPhoto:
        return render_template("kiosk/checkin/code.html", unreadable=True), 422
    with Image.open(io.BytesIO(photo.jpeg)) as image:
        codes = [result.text for result in zxingcpp.read_barcodes(image)]
    if not codes:
        return render_template("kiosk/checkin/code.html", unreadable=True), 422
    flow = start_flow("code_camera")
    return after_identify(flow, identify_by_code(codes[0], kiosk_id=kiosk_id()))


@bp.route("/name", methods=["GET", "POST"])
def by_name() -> Response | str | tuple[str, int]:
    """Last name first; the date of birth comes on the next screen."""
    if request.method == "GET":
        return render_template("kiosk/checkin/name.html", value="")
    last_name = " ".join(request.form.get("last_name", "").split())
    if not valid_name(last_name):
        return render_template("kiosk/checkin/name.html", value=last_name[:80], invalid=True), 422
    flow = start_flow("name_dob")
    flow.pending_last_name = last_name
    save_flow(flow)
    return see_other(url_for("checkin.birth_date"))


def birth_date_screen(**context: Any) -> str:
    """The date-of-birth screen (lookup or walk-in), its boxes in the facility's order."""
    boxes = birth_date_boxes(str(current_app.config["BIRTH_DATE_ORDER"]))
    return render_template("kiosk/checkin/birth_date.html", date_boxes=boxes, **context)


@bp.route("/birth-date", methods=["GET", "POST"])
def birth_date() -> Response | str | tuple[str, int]:
    """Date of birth on a keypad; impossible or future dates are explained, not guessed."""
    flow = load_flow()
    if flow is None or not flow.pending_last_name:
        return restart()
    if request.method == "GET":
        return birth_date_screen(form={})
    born, problem = parse_birth_date(request.form, today=facility_today())
    if born is None:
        return birth_date_screen(form=request.form, problem=problem), 422
    last_name, flow.pending_last_name = flow.pending_last_name, ""
    outcome = identify_by_name_and_birth_date(last_name, born, kiosk_id=kiosk_id())
    return after_identify(flow, outcome)


@bp.route("/choose", methods=["GET", "POST"])
def choose() -> Response | str | tuple[str, int]:
    """Several appointments today: check in for one of them, or all."""
    flow = load_flow()
    if flow is None or flow.patient_id is None or not flow.found_ids or flow.done:
        return restart()
    if request.method == "POST":
        chosen = chosen_appointments(request.form.get("appointment", ""), flow.found_ids)
        if chosen is not None:
            flow.chosen_ids = chosen
            save_flow(flow)
            return see_other(url_for("checkin.confirm"))
    summaries = appointment_summaries(flow.found_ids, flow.patient_id, select_locale())
    record_audit("appointments_viewed", kiosk_id=kiosk_id(), patient_id=flow.patient_id)
    db.session.commit()
    if request.method == "POST":  # a choice that is none of the buttons
        return render_template(
            "kiosk/checkin/choose.html",
            appointments=summaries,
            problem=CHOOSE_PROBLEM,
            back_url=identify_screen(flow),
        ), 422
    return render_template(
        "kiosk/checkin/choose.html",
        appointments=summaries,
        back_url=identify_screen(flow),
    )


@bp.route("/confirm", methods=["GET", "POST"])
def confirm() -> Response | str:
    """Is this you? First name and last initial, time and place — nothing more."""
    flow = identified_flow()
    if flow is None:
        return restart()
    if request.method == "POST":
        if request.form.get("answer") != "yes":
            abandon_flow()
            return see_other(url_for("checkin.see_desk"))
        flow.confirmed = True
        save_flow(flow)
        if needs_route_question(flow):
            return see_other(url_for("checkin.route_question"))
        return see_other(url_for("checkin.contact"))
    patient = db.session.get(Patient, flow.patient_id)
    assert patient is not None
    record_audit("patient_confirm_viewed", kiosk_id=kiosk_id(), patient_id=patient.id)
    db.session.commit()
    return render_template(
        "kiosk/checkin/confirm.html",
        greeting_name=f"{patient.first_name} {patient.last_name[:1]}.",
        appointments=appointment_summaries(flow.chosen_ids, patient.id, select_locale()),
        back_url=before_confirm_screen(flow),
        **progress("confirm"),
    )


def needs_route_question(flow: CheckinFlow) -> bool:
    """Ask about stairs once, and only where the answer changes the way to a department."""
    if route_profile_chosen():
        return False
    departments = db.session.scalars(
        select(Department)
        .join(Appointment, Appointment.department_id == Department.id)
        .where(Appointment.id.in_(flow.chosen_ids))
    ).unique()
    return any(step_free_changes_route(g.kiosk, department) for department in departments)


@bp.route("/route", methods=["GET", "POST"])
def route_question() -> Response | str:
    """Do you need a route without stairs? The ticket's directions follow the answer."""
    flow = identified_flow()
    if flow is None or not flow.confirmed:
        return restart()
    if request.method == "POST":
        answer = request.form.get("answer")
        if answer not in ("yes", "no"):
            return see_other(url_for("checkin.route_question"))
        choose_step_free(answer == "yes")
        return see_other(url_for("checkin.contact"))
    return render_template(
        "kiosk/checkin/route_question.html",
        action=url_for("checkin.route_question"),
        back_url=url_for("checkin.confirm"),
        **progress("confirm"),
    )


@bp.get("/see-desk")
def see_desk() -> str:
    """When something does not match, a person sorts it out."""
    return render_template("kiosk/checkin/see_desk.html")


@bp.route("/contact", methods=["GET", "POST"])
def contact() -> Response | str:
    """Is your phone number still the one ending in 1234? Yes, or change it."""
    flow = identified_flow()
    if flow is None or not flow.confirmed:
        return restart()
    patient = db.session.get(Patient, flow.patient_id)
    assert patient is not None
    if request.method == "POST" or not patient.phone:
        if request.form.get("answer") == "change":
            return see_other(url_for("checkin.contact_update"))
        flow.contact_confirmed = True
        save_flow(flow)
        return see_other(url_for("checkin.insurance"))
    record_audit("contact_viewed", kiosk_id=kiosk_id(), patient_id=patient.id, field="phone")
    db.session.commit()
    return render_template(
        "kiosk/checkin/contact.html",
        phone_tail=masked_tail(patient.phone),
        back_url=url_for("checkin.confirm"),
        **progress("contact"),
    )


@bp.route("/contact/phone", methods=["GET", "POST"])
def contact_update() -> Response | str | tuple[str, int]:
    """A new phone number, held for staff to review rather than overwriting the record."""
    flow = identified_flow()
    if flow is None or not flow.confirmed:
        return restart()
    if request.method == "GET":
        return render_template("kiosk/checkin/phone.html", typed="", **progress("contact"))
    typed = request.form.get("phone", "")
    phone = typed_digits(typed)
    if not valid_phone(phone):
        return render_template(
            "kiosk/checkin/phone.html",
            invalid=True,
            typed=typed.strip()[:PHONE_INPUT_CHARS],
            **progress("contact"),
        ), 422
    flow.new_phone, flow.contact_confirmed = phone, True
    save_flow(flow)
    return see_other(url_for("checkin.insurance"))


@bp.route("/insurance", methods=["GET", "POST"])
def insurance() -> Response | str:
    """Same as last time, a new card, or no insurance (self-pay)."""
    flow = identified_flow()
    if flow is None or not flow.contact_confirmed:
        return restart()
    on_file = insurance_on_file(flow.patient_id)
    if request.method == "POST":
        choice = request.form.get("choice", "")
        if choice not in ("same", "new", "self_pay") or (choice == "same" and on_file is None):
            return see_other(url_for("checkin.insurance"))
        flow.insurance = choice
        save_flow(flow)
        if choice == "new":
            return see_other(url_for("checkin.card", side="front"))
        return see_other(url_for("checkin.consent"))
    if on_file is not None:
        record_audit("insurance_viewed", kiosk_id=kiosk_id(), patient_id=flow.patient_id)
        db.session.commit()
    patient = db.session.get(Patient, flow.patient_id)
    # A patient without a phone on file skipped the phone question, so Back skips it too.
    asked_phone = patient is not None and bool(patient.phone)
    return render_template(
        "kiosk/checkin/insurance.html",
        on_file=on_file,
        back_url=url_for("checkin.contact" if asked_phone else "checkin.confirm"),
        **progress("insurance"),
    )


@bp.route("/insurance/card/<side>", methods=["GET", "POST"])
def card(side: str) -> Response | str | tuple[str, int]:
    """A photo of the card's front, then its back: kiosk camera or a file, with retake."""
    flow = identified_flow()
    if flow is None or flow.insurance != "new" or side not in CARD_SIDES:
        return restart()
    have_photo = bool(flow.card_front if side == "front" else flow.card_back)
    if request.method == "GET":
        return render_template(
            "kiosk/checkin/card.html", side=side, have_photo=have_photo, **progress("insurance")
        )
    upload = request.files.get("photo")
    try:
        photo = sanitise_card_photo(upload.read() if upload else b"")
    except RejectedPhoto as rejected:
        return render_template(
            "kiosk/checkin/card.html",
            side=side,
            have_photo=have_photo,
            problem=PHOTO_MESSAGES[rejected.reason],
            **progress("insurance"),
        ), 422
    store = store_for(current_app)
    name = store.put(photo.jpeg, purpose=f"card_{side}")
    previous = flow.card_front if side == "front" else flow.card_back
    if previous:
        store.delete(previous)  # a retake replaces the earlier photo
    if side == "front":
        flow.card_front = name
    else:
        flow.card_back = name
    save_flow(flow)
    if side == "front":
        return see_other(url_for("checkin.card", side="back"))
    return see_other(url_for("checkin.card_details"))


@bp.route("/insurance/details", methods=["GET", "POST"])
def card_details() -> Response | str | tuple[str, int]:
    """Member ID and group as printed on the card; shown back masked, never in full."""
    flow = identified_flow()
    if flow is None or not (flow.card_front and flow.card_back):
        return restart()
    if request.method == "GET":
        return render_template(
            "kiosk/checkin/card_details.html",
            member_tail=masked_tail(flow.member_id),
            **progress("insurance"),
        )
    member_id = "".join(request.form.get("member_id", "").split()).upper()
    group_number = "".join(request.form.get("group_number", "").split()).upper()
    if not valid_member_id(member_id) or (group_number and not valid_member_id(group_number)):
        return render_template(
            "kiosk/checkin/card_details.html",
            invalid=True,
            member_tail="",
            **progress("insurance"),
        ), 422
    flow.member_id, flow.group_number = member_id, group_number
    save_flow(flow)
    return see_other(url_for("checkin.consent"))


@bp.route("/consent", methods=["GET", "POST"])
def consent() -> Response | str | tuple[str, int]:
    """Privacy notice, signed with a finger (or acknowledged by a tap), then check in."""
    flow = load_flow()
    if flow is not None and flow.done:
        return see_other(url_for("checkin.done"))  # a second tap on "Check in"
    flow = identified_flow()
    if flow is None or not flow.insurance:
        return restart()
    if request.method == "GET":
        return render_template(
            "kiosk/checkin/consent.html",
            back_url=before_consent_screen(flow),
            **progress("consent"),
        )
    method = request.form.get("method", "")
    if method == "signature":
        try:
            signature = sanitise_signature(data_url_bytes(request.form.get("signature", "")))
        except RejectedPhoto as rejected:
            return render_template(
                "kiosk/checkin/consent.html",
                problem=PHOTO_MESSAGES[rejected.reason],
                back_url=before_consent_screen(flow),
                **progress("consent"),
            ), 422
        flow.signature_file = store_for(current_app).put(signature, purpose="signature")
    elif method != "tap":
        return render_template(
            "kiosk/checkin/consent.html",
            problem=PHOTO_MESSAGES[RejectionReason.BLANK],
            back_url=before_consent_screen(flow),
            **progress("consent"),
        ), 422
    flow.consent_method = method
    return finish(flow)


def before_consent_screen(flow: CheckinFlow) -> str:
    """Where Back on the privacy notice goes: the member ID after a new card, else insurance."""
    return url_for("checkin.card_details" if flow.insurance == "new" else "checkin.insurance")


def data_url_bytes(data_url: str) -> bytes:
    """The bytes of a `data:image/png;base64,...` URL from the signature pad (empty if not one)."""
    if len(data_url) > SIGNATURE_MAX_CHARS or not data_url.startswith("data:image/png;base64,"):
        return b""
    try:
        return base64.b64decode(data_url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return b""


def finish(flow: CheckinFlow) -> Response | tuple[str, int]:
    """Commit the check-in and show its tickets, also to a repeated tap or a retry of this same
    check-in; someone else's check-in of these appointments is told it is already done."""
    try:
        issued = complete_check_in(flow, g.kiosk, select_locale(), utcnow(), route_profile())
    except AlreadyCheckedIn:
        abandon_flow()
        return render_template("kiosk/checkin/already.html"), 409
    discard_unreferenced_uploads(flow)  # a losing double tap's own signature
    flow.done = [[ticket.check_in_id, ticket.token, ticket.print_job_id] for ticket in issued]
    save_flow(flow)
    return see_other(url_for("checkin.done"))


@bp.get("/done")
def done() -> Response | str:
    """The ticket: number, estimated wait, where to go, arrival notes and the way there."""
    flow = load_flow()
    if flow is None or not flow.done:
        return restart()
    profile = route_profile()
    tickets = issued_ticket_views(flow.done, g.kiosk, select_locale(), profile)
    return render_template(
        "kiosk/checkin/done.html",
        tickets=tickets,
        step_free=profile is Profile.STEP_FREE,
        offer_step_free=any(ticket.step_free_differs for ticket in tickets),
    )


@bp.post("/done/step-free")
def done_step_free() -> Response:
    """Switch the step-free route on or off after check-in: each ticket whose way changes is
    printed again with directions that way, and the done screen shows them. A repeated tap
    (no change) prints nothing."""
    flow = load_flow()
    if flow is None or not flow.done:
        return restart()
    wanted = Profile.STEP_FREE if request.form.get("step_free") == "on" else Profile.STANDARD
    if wanted is not route_profile():
        choose_step_free(wanted is Profile.STEP_FREE)
        flow.done = reprint_tickets(flow.done, g.kiosk, select_locale(), wanted, utcnow())
        save_flow(flow)
    return see_other(url_for("checkin.done"))


@bp.get("/done/print-status/<int:job_id>")
def print_status(job_id: int) -> str:
    """How one of this check-in's ticket receipts is printing, for the done screen to poll.

    Only the session whose check-in queued the job may ask (any other gets a 404)."""
    flow = load_flow()
    if flow is None or job_id not in flow.print_job_ids():
        abort(404)
    return render_template("kiosk/_print_delivery.html", notice=ticket_delivery(job_id))
