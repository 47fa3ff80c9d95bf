"""The outbox of messages to the hospital's interface engine (transactional outbox).

A check-in, a queue change or an accepted insurance card adds a row here in its own
transaction, so a committed change always has its message and a rolled-back one has none. The
delivery worker (`flask interfaces send`) renders the HL7 message when it sends it and records
the outcome. No column holds patient data: the row names the appointment or insurance card by
id, the status it reports, and short technical errors; the message itself, which does carry
the patient's name and MRN, is rendered for each attempt and never stored.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow


class OutboundKind(enum.StrEnum):
    """What a message reports."""

    APPOINTMENT_STATUS = "appointment_status"
    COVERAGE_ACCEPTED = "coverage_accepted"


class OutboundState(enum.StrEnum):
    """Where a message is: waiting (or waiting to retry), in a worker's hands, acknowledged by
    the interface engine, or given up on (shown on the staff Interfaces screen)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboundMessage(Base):
    """One HL7 message to send, with its delivery history."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        # The worker's "next due message" reads the pending entries only, in due order.
        Index("ix_outbound_messages_state_due", "state", "next_attempt_at"),
        # Messages of one appointment go out in order: the claim looks for an earlier one.
        Index("ix_outbound_messages_appointment", "appointment_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OutboundKind] = mapped_column(enum_column(OutboundKind, "outbound_kind"))
    # The HL7 message type chosen when the change was recorded ("SIU^S14", "ADT^A10",
    # "ADT^A08"), so a configuration change later does not turn a queued row into another kind.
    message_type: Mapped[str] = mapped_column(String(10))
    # SET NULL: a message whose appointment or card disappeared fails with that reason instead
    # of blocking the deletion.
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    coverage_id: Mapped[int | None] = mapped_column(
        ForeignKey("insurance_coverages.id", ondelete="SET NULL")
    )
    # The appointment status the message reports, as it was when the change was committed.
    reported_status: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[OutboundState] = mapped_column(
        enum_column(OutboundState, "outbound_state"), default=OutboundState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When a worker took the message; one still sending long after this was abandoned.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A short technical reason ("no answer within 5 s", "negative acknowledgement AE"); never
    # text from the message or from the interface engine's answer.
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # MSH-10 of the rendered message, kept for every retry so the engine can drop duplicates.
    control_id: Mapped[str | None] = mapped_column(String(20))
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<OutboundMessage {self.id} {self.message_type} {self.state}>"
