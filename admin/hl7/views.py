"""The staff HL7 messages screen (`/staff/hl7/`): what the interface engine sent lately, with
each message's outcome and, for a refused one, the field and the kind of problem — so an admin
can tell the interface team which control id to fix and why, without the command line.

Only the outcome columns are shown, never a message's content (it holds patient data). The
listener stores its reasons in English for the engine's ACKs; this screen shows the HL7 error
condition in the reader's language instead, with the field. Admins only: it is about the
hospital's systems, not the front desk.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin.access import require_roles
from admin.hl7.applying import UNKNOWN_PATIENT_NOTE
from admin.hl7.listing import latest_messages
from admin.hl7.refusals import ErrorCondition
from kiosk.models import InboundMessageStatus, StaffRoleName

SHOWN = 100
HL7_ROLES = (StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN)
STATUS_LABELS = {
    InboundMessageStatus.ACCEPTED: _l("Applied"),
    InboundMessageStatus.REJECTED: _l("Refused"),
    InboundMessageStatus.DUPLICATE: _l("Sent again"),
}
CONDITION_LABELS = {
    ErrorCondition.SEGMENT_SEQUENCE: _l("The message could not be read"),
    ErrorCondition.REQUIRED_FIELD_MISSING: _l("A required field is empty"),
    ErrorCondition.DATA_TYPE: _l("A value is not valid or too long"),
    ErrorCondition.TABLE_VALUE_NOT_FOUND: _l("The location is not a Lobby department"),
    ErrorCondition.UNSUPPORTED_MESSAGE_TYPE: _l("Lobby does not take this message type"),
    ErrorCondition.UNSUPPORTED_EVENT: _l("Lobby does not take this trigger event"),
    ErrorCondition.UNSUPPORTED_PROCESSING_ID: _l("Wrong processing id"),
    ErrorCondition.UNSUPPORTED_VERSION: _l("Not HL7 version 2"),
    ErrorCondition.RECORD_LOCKED: _l("The patient has already checked in"),
    ErrorCondition.INTERNAL_ERROR: _l("Lobby could not apply the message"),
}
NOTE_LABELS = {UNKNOWN_PATIENT_NOTE: _l("No patient with this MRN in Lobby; nothing to update")}

bp = Blueprint("admin_hl7", __name__, url_prefix="/staff/hl7")


@bp.get("/")
@require_roles(*HL7_ROLES)
def messages() -> str | tuple[str, int]:
    """The latest messages, all or of one outcome (`?status=rejected`)."""
    wanted = request.args.get("status", "")
    if wanted and wanted not in set(InboundMessageStatus):
        page = render_template(
            "admin/hl7/messages.html",
            messages=[],
            wanted="",
            error=_("There is no such list of messages. Choose one of the lists below."),
            **labels(),
        )
        return page, 400
    status = InboundMessageStatus(wanted) if wanted else None
    return render_template(
        "admin/hl7/messages.html",
        messages=latest_messages(SHOWN, status),
        wanted=wanted,
        error="",
        **labels(),
    )


def labels() -> dict[str, object]:
    """The translated labels the template shows for stored codes."""
    return {
        "status_labels": STATUS_LABELS,
        "condition_labels": CONDITION_LABELS,
        "note_labels": NOTE_LABELS,
        "shown": SHOWN,
    }
