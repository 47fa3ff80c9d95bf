"""Receiving one HL7 message: store it with its outcome, commit, then hand back the ACK.

The order is what makes an acknowledged message impossible to lose:

1. A message whose sender and control id (MSH-4, MSH-10) are already stored is a re-send:
   it is stored as a duplicate and answered with the original outcome; nothing is applied.
2. Otherwise the message is applied through the schedule store, which commits its changes.
3. The message, its outcome and reason are stored and committed.
4. Only then is the ACK returned to the listener to send.

A crash between 2 and 3 leaves the change applied but the message unstored and unacknowledged;
the sender sends it again (no ACK came) and the schedule store, being idempotent, changes
nothing the second time, so the message is then stored and acknowledged once. A database that
fails raises out of `receive_message`: no ACK is sent and the sender keeps the message.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from admin.hl7.acks import Receiver, build_ack
from admin.hl7.applying import ApplySettings, apply_message, header_refusal
from admin.hl7.header import MessageHeader, decode_message, parse_message, read_header
from admin.hl7.refusals import AckCode, ErrorCondition, Refusal, application_error, rejected
from admin.schedule.store import ScheduleConflict
from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.models import InboundHl7Message, InboundMessageStatus
from kiosk.models.hl7_inbound import CONTROL_ID_LENGTH, MESSAGE_TYPE_LENGTH, SENDER_LENGTH

logger = logging.getLogger(__name__)

# Control characters (a NUL among them) never go into the text columns.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
INTERNAL_ERROR_TEXT = "Lobby could not apply the message (internal error)"


def oversized(limit: int) -> Refusal:
    """The AR for a message longer than the listener reads."""
    return rejected(
        ErrorCondition.DATA_TYPE, "", f"the message is longer than {limit} bytes, the limit here"
    )


@dataclass(frozen=True)
class InboxSettings:
    """The site's configuration for receiving messages (read once per listener)."""

    receiver: Receiver
    apply: ApplySettings

    @classmethod
    def from_app(cls, app: Flask) -> InboxSettings:
        """The settings from `HL7_*` configuration and the facility's time zone."""
        config = app.config
        return cls(
            receiver=Receiver(
                application=str(config["HL7_LISTENER_APPLICATION"]),
                facility=str(config["HL7_LISTENER_FACILITY"]),
                processing_id=str(config["HL7_PROCESSING_ID"]),
            ),
            apply=ApplySettings(
                processing_id=str(config["HL7_PROCESSING_ID"]),
                facility_zone=facility_timezone(app),
                department_codes=dict(config["HL7_DEPARTMENT_CODES"]),
            ),
        )


@dataclass(frozen=True)
class Reply:
    """The ACK to send, and what the listener may log about it (no patient data)."""

    ack: str
    control_id: str
    message_type: str
    status: InboundMessageStatus
    ack_code: AckCode
    error_condition: str


def column_text(value: str, limit: int) -> str:
    """Header text fit for its column: no control characters, at most `limit` characters."""
    return CONTROL_CHARACTERS.sub("", value)[:limit]


def header_columns(header: MessageHeader | None) -> dict[str, str | None]:
    """The stored header columns of a message; empty for bytes that never parsed."""
    if header is None:
        return {"sending_application": "", "sending_facility": "", "control_id": None}
    return {
        "sending_application": column_text(header.sending_application, SENDER_LENGTH),
        "sending_facility": column_text(header.sending_facility, SENDER_LENGTH),
        "control_id": column_text(header.control_id, CONTROL_ID_LENGTH) or None,
        "message_type": column_text(header.type_and_trigger, MESSAGE_TYPE_LENGTH),
    }


def stored_refusal(row: InboundHl7Message) -> Refusal | None:
    """The refusal a stored message was answered with, to answer its re-sends alike."""
    if row.ack_code == AckCode.ACCEPT or row.error_condition is None:
        return None
    return Refusal(
        AckCode(row.ack_code), ErrorCondition(row.error_condition), row.error_location, row.reason
    )


def first_with_control_id(header: MessageHeader) -> InboundHl7Message | None:
    """The stored message that first used this sender's control id, if any (compared as
    stored, so an overlong id refused once is recognised when it comes again)."""
    return db.session.scalar(
        select(InboundHl7Message).where(
            InboundHl7Message.sending_facility
            == column_text(header.sending_facility, SENDER_LENGTH),
            InboundHl7Message.control_id == column_text(header.control_id, CONTROL_ID_LENGTH),
            InboundHl7Message.status != InboundMessageStatus.DUPLICATE,
        )
    )


class Inbox:
    """Receives messages for one listener: each call stores one message and returns its ACK.
    Needs an application context; not for use from two threads at once."""

    def __init__(self, settings: InboxSettings) -> None:
        self.settings = settings

    def receive_message(self, raw: bytes, *, now: datetime) -> Reply:
        """Store the framed bytes with their outcome and return the ACK (see the module
        docstring for the order). Raises SQLAlchemyError when the database fails: then
        nothing may be acknowledged."""
        header: MessageHeader | None = None
        try:
            message = parse_message(decode_message(raw))
            header = read_header(message)
        except Refusal as unreadable:
            return self.store(raw, header, unreadable, note="", now=now)
        original = first_with_control_id(header) if header.control_id else None
        if original is not None:
            return self.store_resend(raw, header, original, now)
        refusal = header_refusal(header, self.settings.apply)
        note = ""
        if refusal is None:
            refusal, note = self.apply(message, header, now)
        try:
            return self.store(raw, header, refusal, note=note, now=now)
        except IntegrityError:
            # Another listener stored this control id since the lookup: this one is a re-send.
            db.session.rollback()
            original = first_with_control_id(header)
            if original is None:
                raise
            return self.store_resend(raw, header, original, now)

    def store_resend(
        self, raw: bytes, header: MessageHeader, original: InboundHl7Message, now: datetime
    ) -> Reply:
        """Store a re-send of `original` as a duplicate and answer it as `original` was."""
        refusal = stored_refusal(original)
        note = "" if refusal else original.reason
        return self.store(raw, header, refusal, note=note, now=now, original=original)

    def receive_oversized(self, limit: int, *, now: datetime) -> Reply:
        """Record that a message over `limit` bytes was refused (an AR; its bytes are not
        kept, they were never read in full) and return the ACK."""
        return self.store(b"", None, oversized(limit), note="", now=now)

    def apply(
        self, message: Any, header: MessageHeader, now: datetime
    ) -> tuple[Refusal | None, str]:
        """Apply the message: (None, note) when applied, (refusal, "") when not. A database
        failure propagates (no ACK); any other unexpected error is an AE, logged by type."""
        try:
            return None, apply_message(message, header, self.settings.apply, now)
        except Refusal as refusal:
            db.session.rollback()
            return refusal, ""
        except (SQLAlchemyError, ScheduleConflict):
            # Not the message's fault: no ACK, so the engine sends it again.
            db.session.rollback()
            raise
        except Exception as error:  # an unforeseen bug must not leave the sender retrying forever
            db.session.rollback()
            logger.error(
                "HL7 message %s not applied: unexpected %s",
                column_text(header.control_id, 40),
                type(error).__name__,
            )
            return application_error(ErrorCondition.INTERNAL_ERROR, "", INTERNAL_ERROR_TEXT), ""

    def store(
        self,
        raw: bytes,
        header: MessageHeader | None,
        refusal: Refusal | None,
        *,
        note: str,
        now: datetime,
        original: InboundHl7Message | None = None,
    ) -> Reply:
        """Write the message and its outcome, commit, and build the ACK it gets."""
        if original is not None:
            status = InboundMessageStatus.DUPLICATE
        elif refusal is None:
            status = InboundMessageStatus.ACCEPTED
        else:
            status = InboundMessageStatus.REJECTED
        row = InboundHl7Message(
            received_at=now,
            **header_columns(header),
            raw=raw,
            status=status,
            ack_code=(refusal.ack_code if refusal else AckCode.ACCEPT).value,
            error_condition=refusal.condition.value if refusal else None,
            error_location=refusal.location if refusal else "",
            reason=refusal.text if refusal else note,
            processed_at=now,
            duplicate_of_id=original.id if original else None,
        )
        db.session.add(row)
        db.session.flush()
        ack = build_ack(
            header,
            refusal,
            note=note,
            ack_control_id=f"ACK{row.id}",
            receiver=self.settings.receiver,
            now=now,
        )
        db.session.commit()
        return Reply(
            ack=ack,
            control_id=row.control_id or "",
            message_type=row.message_type,
            status=status,
            ack_code=refusal.ack_code if refusal else AckCode.ACCEPT,
            error_condition=refusal.condition.value if refusal else "",
        )
