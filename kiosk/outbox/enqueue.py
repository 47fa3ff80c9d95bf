"""Adding messages to the outbox, in the caller's transaction.

The row is added to the caller's session and committed (or rolled back) with the change it
reports: a check-in that fails sends nothing, and a committed one is never lost, whatever
happens to the interface engine or the worker afterwards. Nothing is queued while no outbound
interface is configured (`HL7_OUTBOUND_URL` empty): messages with nowhere to go would only pile
up, and an interface switched on later starts from that moment rather than replaying the past.
"""

from __future__ import annotations

from flask import current_app

from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    InsuranceCoverage,
    OutboundKind,
    OutboundMessage,
)
from kiosk.models.types import utcnow

SIU_S14 = "SIU^S14"
ADT_A10 = "ADT^A10"
ADT_A08 = "ADT^A08"
ARRIVAL_MESSAGE_TYPES = (SIU_S14, ADT_A10)


class UnknownArrivalMessage(ValueError):
    """`HL7_ARRIVAL_MESSAGE` names a message type Lobby does not send."""

    def __init__(self, configured: str) -> None:
        super().__init__(
            f"HL7_ARRIVAL_MESSAGE must be one of {', '.join(ARRIVAL_MESSAGE_TYPES)},"
            f" not {configured!r}"
        )


def outbound_interface_configured() -> bool:
    """Whether an interface engine is configured to receive messages."""
    return bool(str(current_app.config.get("HL7_OUTBOUND_URL", "")).strip())


def arrival_message_type() -> str:
    """The configured message type for arrivals and queue changes."""
    configured = str(current_app.config.get("HL7_ARRIVAL_MESSAGE", SIU_S14)).strip().upper()
    if configured not in ARRIVAL_MESSAGE_TYPES:
        raise UnknownArrivalMessage(configured)
    return configured


def add_message(kind: OutboundKind, message_type: str, **target: int | str) -> OutboundMessage:
    """A pending message, due now, added to the session (the caller commits)."""
    message = OutboundMessage(
        kind=kind,
        message_type=message_type,
        attempts=0,
        last_error="",
        next_attempt_at=utcnow(),
        **target,
    )
    db.session.add(message)
    return message


def enqueue_appointment_status(
    appointment: Appointment, status: AppointmentStatus
) -> OutboundMessage | None:
    """Queue the message that tells the hospital `appointment` is now `status` (the caller
    commits it with the change). None when no interface is configured, or when the configured
    ADT^A10 cannot express the change (A10 says "arrived", nothing else)."""
    if not outbound_interface_configured():
        return None
    message_type = arrival_message_type()
    if message_type == ADT_A10 and status is not AppointmentStatus.ARRIVED:
        return None
    return add_message(
        OutboundKind.APPOINTMENT_STATUS,
        message_type,
        appointment_id=appointment.id,
        reported_status=status.value,
    )


def enqueue_coverage_accepted(coverage: InsuranceCoverage) -> OutboundMessage | None:
    """Queue the ADT^A08 with the insurance card a coordinator accepted, for the billing office
    (the caller commits it with the decision). None when no interface is configured."""
    if not outbound_interface_configured():
        return None
    return add_message(OutboundKind.COVERAGE_ACCEPTED, ADT_A08, coverage_id=coverage.id)
