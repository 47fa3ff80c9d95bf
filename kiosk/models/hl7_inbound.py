"""Inbound HL7 v2 messages: every message the interface engine sent the MLLP listener, kept with
the outcome it was acknowledged with.

A message is written, with its outcome, and committed before its ACK leaves, so an
acknowledged message is never lost. The raw message holds protected health information (names,
dates of birth, MRNs): this is a patient-data table like `patients`, never logged or shown on a
public screen. `reason` is a fixed phrase naming a segment and field, never a value.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow

# Column widths: the listener fits header text to them (a longer control id is refused).
SENDER_LENGTH = 180
CONTROL_ID_LENGTH = 199
MESSAGE_TYPE_LENGTH = 20


class InboundMessageStatus(enum.StrEnum):
    """What became of a message: applied (AA), refused (AE or AR, with the reason), or a
    re-send of a control id already stored (answered with the original outcome, applied
    nowhere)."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class InboundHl7Message(Base):
    """One HL7 v2 message as received, and how it was acknowledged."""

    __tablename__ = "hl7_inbound_messages"
    __table_args__ = (
        # A sender's control id (MSH-10) names one message: the first arrival owns it, so a
        # re-send is recognised. Re-sends are stored too (status "duplicate"), outside the index.
        # Messages too broken to carry a control id store NULL, which never collides.
        Index(
            "uq_hl7_inbound_messages_control_id",
            "sending_facility",
            "control_id",
            unique=True,
            sqlite_where=text("status <> 'duplicate'"),
            postgresql_where=text("status <> 'duplicate'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # MSH-3 and MSH-4 as sent (all components), MSH-10, and MSH-9's type and trigger ("SIU^S12").
    sending_application: Mapped[str] = mapped_column(String(SENDER_LENGTH), default="")
    sending_facility: Mapped[str] = mapped_column(String(SENDER_LENGTH), default="")
    control_id: Mapped[str | None] = mapped_column(String(CONTROL_ID_LENGTH))
    message_type: Mapped[str] = mapped_column(String(MESSAGE_TYPE_LENGTH), default="")
    # The bytes exactly as framed (no decoding, so nothing is lost or refused by the database:
    # PostgreSQL text cannot hold a NUL byte, which garbage may carry).
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[InboundMessageStatus] = mapped_column(
        enum_column(InboundMessageStatus, "hl7_inbound_status")
    )
    # The acknowledgement sent (AA, AE or AR) and, when refused, why: the HL7 error condition
    # (table 0357), the field it concerns ("SCH-11") and a phrase without patient data.
    ack_code: Mapped[str] = mapped_column(String(2))
    error_condition: Mapped[str | None] = mapped_column(String(3))
    error_location: Mapped[str] = mapped_column(String(20), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # For a re-send: the first message with its control id, whose outcome it was answered with.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("hl7_inbound_messages.id", ondelete="CASCADE")
    )
