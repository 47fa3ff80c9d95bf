"""`/t/<token>`: a patient's live ticket status on their phone ("We'll call R-014").

It shows the ticket number, the place and how many are waiting ahead — nothing that could
identify the patient, since a link can be shared or seen over a shoulder. htmx refreshes the
status part every half minute (no full-page refresh, which would move a screen reader's place);
without JavaScript a "Refresh now" link does it.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import force_locale

from kiosk.checkin.tickets import find_ticket, wait_in_words, waiting_ahead
from kiosk.models import QueueTicket
from kiosk.shell.i18n import available_languages
from kiosk.shell.links import is_htmx, public_url, qr_code_response

bp = Blueprint("ticket_status", __name__, url_prefix="/t")

REFRESH_SECONDS = 30


def chosen_language(ticket: QueueTicket | None) -> str:
    """`?lang=` when it names a language Lobby has, else the language of the check-in (so a
    Spanish check-in's printed QR code opens a Spanish page)."""
    fallback = ticket.lang if ticket is not None else "en"
    lang = request.args.get("lang", fallback)
    return lang if lang in available_languages() else fallback


@bp.get("/<token>")
def show(token: str) -> str | tuple[str, int]:
    """The ticket's place in its queue: the page, or its status part for htmx polling."""
    ticket = find_ticket(token)
    lang = chosen_language(ticket)
    with force_locale(lang):
        if ticket is None:
            return render_template("kiosk/phone/ticket_unknown.html", current_lang=lang), 404
        ahead = waiting_ahead(ticket.department_id, ticket.service_date, ticket.number)
        template = "kiosk/phone/_ticket_status.html" if is_htmx() else "kiosk/phone/ticket.html"
        return render_template(
            template,
            current_lang=lang,
            ticket=ticket,
            place=ticket.department.place_label(lang),
            wait_text=wait_in_words(ahead, ahead * ticket.department.minutes_per_patient),
            refresh_seconds=REFRESH_SECONDS,
            token=token,
        )


@bp.get("/<token>/qr.svg")
def qr_code(token: str) -> Response:
    """The QR code on the done screen that opens this page on a phone."""
    if find_ticket(token) is None:
        abort(404)
    return qr_code_response(public_url(request.path.rsplit("/", 1)[0]))
