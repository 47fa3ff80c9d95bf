"""What a kiosk screen may tell the patient about their receipt: `delivery_state(job_id)`.

Screens poll this after queueing a ticket or directions. Only DeliveryState.PRINTED allows
"take your ticket": the printer then proved it read the receipt. Every other state says what
is true without promising paper, and the final ones point to the QR code or the desk.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from kiosk.extensions import db
from kiosk.models import PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from kiosk.printing.connections import PrinterUriError, printer_can_confirm
from kiosk.printing.profiles import PrinterProfileError
from kiosk.printing.settings import current_settings


class DeliveryState(enum.StrEnum):
    """A receipt's delivery as a patient should hear it."""

    # Queued or being written, or sent to a printer whose answer is still awaited.
    PRINTING = "printing"
    # An attempt failed (printer off, jammed, silent) and another one is scheduled.
    RETRYING = "retrying"
    # Every byte went to a printer that cannot confirm: paper is likely, not proven.
    SENT = "sent"
    # The printer answered after reading the receipt: "take your ticket".
    PRINTED = "printed"
    # No attempt is left, or there is no such job: nothing will come out.
    FAILED = "failed"

    @property
    def final(self) -> bool:
        """Whether the screen can stop polling."""
        return self in (DeliveryState.SENT, DeliveryState.PRINTED, DeliveryState.FAILED)


@dataclass(frozen=True)
class DeliveryNotice:
    """One receipt's status region on a screen (`kiosk/_print_delivery.html`): the state, the
    sentence that says it, the URL htmx polls until the state is final, and the page a browser
    without JavaScript reloads to check again."""

    state: DeliveryState
    message: str
    poll_url: str
    check_url: str


def awaiting_confirmation(job: PrintJob) -> bool:
    """A SENT job whose printer can still answer within this attempt (a status timeout)."""
    try:
        can_confirm = printer_can_confirm(job.printer_uri, job.printer_profile)
    except (PrinterUriError, PrinterProfileError):
        return False
    ended_at = job.ended_at or job.updated_at
    answer_window = timedelta(seconds=2 * current_settings().printer_timeout)
    return can_confirm and utcnow() - ended_at < answer_window


def delivery_state(job_id: int) -> DeliveryState:
    """The delivery of print job `job_id` as the kiosk should describe it (an unknown id is
    FAILED: nothing will print). Needs an application context; reads one row."""
    job = db.session.get(PrintJob, job_id)
    if job is None:
        return DeliveryState.FAILED
    match job.status:
        case PrintJobStatus.PRINTED:
            return DeliveryState.PRINTED
        case PrintJobStatus.FAILED:
            return DeliveryState.FAILED
        case PrintJobStatus.SENT:
            return DeliveryState.PRINTING if awaiting_confirmation(job) else DeliveryState.SENT
        case PrintJobStatus.QUEUED if job.attempts > 0:
            return DeliveryState.RETRYING
    return DeliveryState.PRINTING
