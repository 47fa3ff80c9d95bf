"""The audit log's actions in words, for the viewer's list, pick list and CSV. An action
without a label here is shown by its name (a new event the viewer has not learned yet)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

ACTION_LABELS: dict[str, LazyString] = {
    "lookup_success": _l("Patient identified at a kiosk"),
    "lookup_failure": _l("Failed patient lookup"),
    "lookup_see_desk": _l("Patient sent to the desk"),
    "lookup_throttled": _l("Kiosk lookups paused after failures"),
    "lookup_alert": _l("Staff alerted: repeated failed lookups"),
    "lookup_lockout_lifted": _l("Kiosk lookup pause lifted"),
    "appointments_viewed": _l("Appointments shown at a kiosk"),
    "patient_confirm_viewed": _l("Patient confirmation shown"),
    "contact_viewed": _l("Contact details shown, masked"),
    "contact_change_requested": _l("Contact change requested"),
    "insurance_viewed": _l("Insurance on file shown"),
    "insurance_captured": _l("New insurance card captured"),
    "consent_signed": _l("Privacy notice acknowledged"),
    "check_in": _l("Checked in"),
    "walk_in_registered": _l("Walk-in registered at a kiosk"),
    "walk_in_limit_reached": _l("Walk-in limit reached at a kiosk"),
    "staff_called": _l("Staff called to a kiosk"),
    "queue_call": _l("Ticket called"),
    "queue_recall": _l("Ticket called again"),
    "queue_requeue": _l("Ticket sent back to the queue"),
    "queue_roomed": _l("Patient in a room"),
    "queue_done": _l("Visit done"),
    "queue_no_show": _l("Not there when called"),
    "queue_undo": _l("Last queue action undone"),
    "queue_search": _l("Today list searched"),
    "full_name_viewed": _l("Full name shown"),
    "staff_reprint": _l("Receipt reprinted"),
    "kiosk_alert_acknowledged": _l("Kiosk alert acknowledged"),
    "kiosk_alert_resolved": _l("Kiosk alert resolved"),
    "review_item_opened": _l("Review item opened"),
    "insurance_card_viewed": _l("Insurance card photo viewed"),
    "insurance_reviewed": _l("Insurance card reviewed"),
    "contact_change_reviewed": _l("Contact change reviewed"),
    "patient_search": _l("Patient records searched"),
    "walk_in_matched": _l("Walk-in matched to a patient record"),
    "walk_in_verified": _l("Walk-in registered as a new patient"),
    "audit_viewed": _l("Audit log viewed"),
    "audit_exported": _l("Audit log exported"),
    "audit_patient_search": _l("Audit log searched by MRN"),
}


def action_labels() -> dict[str, str]:
    """Every known action in the reader's language (taken once per request: an export streams
    after the request's language is gone)."""
    return {action: str(label) for action, label in ACTION_LABELS.items()}
