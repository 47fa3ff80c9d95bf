"""The review screens (`/staff/review`): the list of what waits, a card with its photos and the
accept / correct / reject forms, and a contact change shown old against new.

Coordinators and both admin roles may review; every page that shows a patient's details or a
card photo is audited. A refused decision (a colleague was first, bad input) answers 4xx with a
message on the same page and changes nothing.
"""

from __future__ import annotations

from html import escape
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from admin.access import ALL_STAFF_ROLES, require_roles, signed_in_staff
from admin.review import card_forms, cards, contacts, walk_ins
from admin.review.decisions import AlreadyDecided, ReviewRefused, local_time, staff_name
from admin.review.summary import pending_counts
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.shell.links import see_other

bp = Blueprint("admin_review", __name__, url_prefix="/staff/review")

PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400">'
    '<rect width="640" height="400" fill="#f2f2f2" stroke="#555" stroke-width="4"/>'
    '<text x="320" y="190" font-family="sans-serif" font-size="28" text-anchor="middle" '
    'fill="#222">{headline}</text>'
    '<text x="320" y="235" font-family="sans-serif" font-size="22" text-anchor="middle" '
    'fill="#222">{advice}</text></svg>'
)


def reviewer_id() -> int:
    """The signed-in reviewer's account id (the role guard ran before any view)."""
    user = signed_in_staff()
    if user is None:  # pragma: no cover - require_roles sends strangers to sign in first
        abort(401)
    return user.id


def render_review(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A review page, with the helpers every review template uses."""
    page = render_template(
        f"admin/review/{template}",
        local_time=local_time,
        staff_name=staff_name,
        **context,
    )
    return page, status


@bp.get("/")
@require_roles(*ALL_STAFF_ROLES)
def index() -> tuple[str, int]:
    """Everything waiting for review, oldest first."""
    return render_review(
        "index.html",
        counts=pending_counts(),
        cards=cards.pending_cards(),
        changes=contacts.pending_contact_changes(),
        walk_ins=walk_ins.pending_walk_ins(),
    )


def card_or_404(coverage_id: int) -> cards.CardForReview:
    """The card captured at a kiosk, or 404."""
    found = cards.card_for_review(coverage_id)
    if found is None:
        abort(404)
    return found


def card_page(
    found: cards.CardForReview,
    status: int = 200,
    *,
    problems: card_forms.Problems | None = None,
    error: str = "",
) -> tuple[str, int]:
    """The card's page: patient, arrival, photos and the two forms (with the last answers)."""
    return render_review(
        "card.html",
        status,
        item=found,
        form=request.form,
        problems=problems or {},
        error=error,
        reasons=card_forms.REJECTION_REASONS,
    )


@bp.get("/cards/<int:coverage_id>")
@require_roles(*ALL_STAFF_ROLES)
def card(coverage_id: int) -> tuple[str, int]:
    """A new card: who, when and where, both photos and the decision forms. Audited: the page
    shows the patient's full name and date of birth, to compare with the card."""
    found = card_or_404(coverage_id)
    record_audit(
        "review_item_opened",
        kiosk_id=None,
        patient_id=found.patient.id,
        choice="card",
        staff_id=reviewer_id(),
    )
    db.session.commit()
    return card_page(found)


@bp.get("/cards/<int:coverage_id>/<any(front, back):side>")
@require_roles(*ALL_STAFF_ROLES)
def card_image(coverage_id: int, side: str) -> Response:
    """One side of the card, decrypted for this response only; a placeholder image where the
    stored photo is missing or cannot safely be shown. Audited."""
    found = card_or_404(coverage_id)
    photo = cards.card_photo(found.coverage, side, staff_id=reviewer_id())
    db.session.commit()
    if photo is None:
        response = Response(
            PLACEHOLDER_SVG.format(
                headline=escape(_("This photo cannot be shown.")),
                advice=escape(_("Please ask the patient for the card.")),
            ),
            mimetype="image/svg+xml",
        )
    else:
        response = Response(photo, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.post("/cards/<int:coverage_id>/accept")
@require_roles(*ALL_STAFF_ROLES)
def accept_card(coverage_id: int) -> Response | tuple[str, int]:
    """Accept the card with the details as the coordinator read them (a correction when they
    differ from what the kiosk recorded)."""
    found = card_or_404(coverage_id)
    details, problems = card_forms.parse_card_details(request.form)
    if details is None:
        return card_page(found, 422, problems=problems)
    try:
        outcome = cards.accept_card(coverage_id, details, staff_id=reviewer_id())
    except ReviewRefused as refused:
        return refused_card_page(coverage_id, refused)
    if outcome == "corrected":
        flash(_("The card was accepted with your corrections."))
    else:
        flash(_("The card was accepted."))
    return see_other(url_for("admin_review.index"))


@bp.post("/cards/<int:coverage_id>/reject")
@require_roles(*ALL_STAFF_ROLES)
def reject_card(coverage_id: int) -> Response | tuple[str, int]:
    """Reject the card, with a reason from the list and, for "other", the coordinator's words."""
    found = card_or_404(coverage_id)
    rejection, problems = card_forms.parse_rejection(request.form)
    if rejection is None:
        return card_page(found, 422, problems=problems)
    try:
        cards.reject_card(coverage_id, rejection, staff_id=reviewer_id())
    except ReviewRefused as refused:
        return refused_card_page(coverage_id, refused)
    flash(_("The card was rejected."))
    return see_other(url_for("admin_review.index"))


def refused_card_page(coverage_id: int, refused: ReviewRefused) -> tuple[str, int]:
    """The card page, read afresh, with why the decision was refused."""
    status = 409 if isinstance(refused, AlreadyDecided) else 404
    return card_page(card_or_404(coverage_id), status, error=str(refused.message))


def change_or_404(change_id: int) -> contacts.ContactChangeForReview:
    """The contact change, or 404."""
    found = contacts.contact_change_for_review(change_id)
    if found is None:
        abort(404)
    return found


@bp.get("/contact-changes/<int:change_id>")
@require_roles(*ALL_STAFF_ROLES)
def contact_change(change_id: int) -> tuple[str, int]:
    """A contact change, the value on record against the new one. Audited: it shows the
    patient's name and contact details."""
    found = change_or_404(change_id)
    record_audit(
        "review_item_opened",
        kiosk_id=None,
        patient_id=found.patient.id,
        choice="contact_change",
        staff_id=reviewer_id(),
    )
    db.session.commit()
    return render_review("contact_change.html", item=found)


@bp.post("/contact-changes/<int:change_id>/<any(accept, reject):decision>")
@require_roles(*ALL_STAFF_ROLES)
def decide_contact_change(change_id: int, decision: str) -> Response | tuple[str, int]:
    """Accept the change into the record, or reject it."""
    change_or_404(change_id)
    try:
        contacts.decide_contact_change(
            change_id, accept=decision == "accept", staff_id=reviewer_id()
        )
    except ReviewRefused as refused:
        status = 409 if isinstance(refused, AlreadyDecided) else 404
        return render_review(
            "contact_change.html", status, item=change_or_404(change_id), error=refused.message
        )
    if decision == "accept":
        flash(_("The new contact details are now on record."))
    else:
        flash(_("The contact change was rejected; the record is unchanged."))
    return see_other(url_for("admin_review.index"))


def walk_in_or_404(patient_id: int) -> walk_ins.WalkInForReview:
    """The walk-in, or 404."""
    found = walk_ins.walk_in_for_review(patient_id)
    if found is None:
        abort(404)
    return found


def walk_in_page(
    found: walk_ins.WalkInForReview,
    status: int = 200,
    *,
    problems: dict[str, Any] | None = None,
    error: str = "",
) -> tuple[str, int]:
    """The walk-in's page: what they typed, where they arrived, the register form and the
    search for a record (with its results when a search was made)."""
    last_name = request.args.get("last_name", "")
    born = walk_ins.parse_birth_date(request.args.get("date_of_birth", ""))
    matches = None
    if last_name.strip() and born is not None:
        matches = walk_ins.search_records(
            last_name, born, walk_in_id=found.patient.id, staff_id=reviewer_id()
        )
        db.session.commit()
    return render_review(
        "walk_in.html",
        status,
        item=found,
        form=request.form,
        search=request.args,
        search_incomplete=bool(request.args) and matches is None,
        matches=matches,
        problems=problems or {},
        error=error,
    )


@bp.get("/walk-ins/<int:patient_id>")
@require_roles(*ALL_STAFF_ROLES)
def walk_in(patient_id: int) -> tuple[str, int]:
    """A walk-in: register them as new, or search the records (audited) and match them."""
    found = walk_in_or_404(patient_id)
    record_audit(
        "review_item_opened",
        kiosk_id=None,
        patient_id=found.patient.id,
        choice="walk_in",
        staff_id=reviewer_id(),
    )
    db.session.commit()
    return walk_in_page(found)


@bp.post("/walk-ins/<int:patient_id>/match")
@require_roles(*ALL_STAFF_ROLES)
def match_walk_in(patient_id: int) -> Response | tuple[str, int]:
    """The walk-in is a patient on record: move their check-in onto that record."""
    found = walk_in_or_404(patient_id)
    record_id = request.form.get("record_id", "")
    try:
        if not record_id.isdigit():
            raise ReviewRefused(walk_ins.NOT_A_MATCH)
        walk_ins.match_walk_in(patient_id, int(record_id), staff_id=reviewer_id())
    except ReviewRefused as refused:
        status = 409 if isinstance(refused, AlreadyDecided) else 422
        return walk_in_page(walk_in_or_404(found.patient.id), status, error=str(refused.message))
    flash(_("The walk-in was matched to the patient's record."))
    return see_other(url_for("admin_review.index"))


@bp.post("/walk-ins/<int:patient_id>/register")
@require_roles(*ALL_STAFF_ROLES)
def register_walk_in(patient_id: int) -> Response | tuple[str, int]:
    """The walk-in is new: keep their record with the confirmed details, verified."""
    found = walk_in_or_404(patient_id)
    details, problems = walk_ins.parse_confirmed_details(request.form)
    if details is None:
        return walk_in_page(found, 422, problems=problems)
    try:
        walk_ins.register_walk_in(patient_id, details, staff_id=reviewer_id())
    except ReviewRefused as refused:
        return walk_in_page(walk_in_or_404(patient_id), 409, error=str(refused.message))
    flash(_("The walk-in is registered as a new patient."))
    return see_other(url_for("admin_review.index"))
