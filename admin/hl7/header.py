"""Reading an HL7 v2 message's bytes: its text, its parse, and the MSH header the listener
needs before anything else (who sent it, its control id, its type).

python-hl7 (`hl7.parse`) does the parsing. It raises assorted exceptions on malformed input
(ParseException, IndexError, ...), so any failure to parse is one AR with one fixed reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import hl7

from admin.hl7.refusals import ErrorCondition, Refusal, rejected

# Segments end with a carriage return; some senders (and hand-made test files) use newlines.
LINE_ENDINGS = ("\r\n", "\n")
STANDARD_SEPARATORS = "|^~\\&"


def decode_message(raw: bytes) -> str:
    """The message as text: UTF-8 (what v2.5 senders use today), else Windows-1252/Latin-1,
    which maps every byte, so even garbage is kept as received."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    for ending in LINE_ENDINGS:
        text = text.replace(ending, "\r")
    return text


@dataclass(frozen=True)
class MessageHeader:
    """What MSH says about a message, as sent (components joined with the sender's '^')."""

    separators: str
    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str
    message_type: str
    trigger_event: str
    control_id: str
    processing_id: str
    version: str

    @property
    def type_and_trigger(self) -> str:
        """ "SIU^S12", as stored and listed."""
        return (
            f"{self.message_type}^{self.trigger_event}" if self.trigger_event else self.message_type
        )


def unreadable() -> Refusal:
    """The AR for text that is not an HL7 v2 message. A new one each time: raising one
    exception object again and again would grow its traceback for as long as the listener
    runs."""
    return rejected(
        ErrorCondition.SEGMENT_SEQUENCE, "MSH", "the message could not be read as HL7 v2"
    )


def parse_message(text: str) -> Any:
    """The python-hl7 message, or an AR when the text is not an HL7 v2 message at all."""
    if not text.startswith("MSH"):
        raise unreadable()
    try:
        return hl7.parse(text)
    except Exception:  # python-hl7 raises many kinds on broken input; all mean the same here
        raise unreadable() from None


def whole_field(segment: Any, number: int) -> str:
    """A field with all its components as sent ("GENHOSP^1.2.3^ISO"), or "" when absent. MSH
    counts its field separator as MSH-1, so MSH-n is `segment[n]`."""
    return str(segment[number]) if len(segment) > number else ""


def field_text(message: Any, path: str) -> str:
    """The value at an accessor path such as "PID.F3.R1.C1", unescaped; "" when the segment or
    field is absent (python-hl7 raises KeyError or IndexError for those)."""
    try:
        return str(message[path])
    except (KeyError, IndexError):
        return ""


def read_header(message: Any) -> MessageHeader:
    """The MSH fields of a parsed message; an AR when the control id (MSH-10) is missing,
    because without it no ACK can name the message."""
    msh = message.segment("MSH")
    header = MessageHeader(
        separators=f"{msh[1]}{msh[2]}",
        sending_application=whole_field(msh, 3),
        sending_facility=whole_field(msh, 4),
        receiving_application=whole_field(msh, 5),
        receiving_facility=whole_field(msh, 6),
        message_type=field_text(message, "MSH.F9.R1.C1"),
        trigger_event=field_text(message, "MSH.F9.R1.C2"),
        control_id=whole_field(msh, 10),
        processing_id=field_text(message, "MSH.F11.R1.C1"),
        version=field_text(message, "MSH.F12.R1.C1"),
    )
    if not header.control_id:
        raise rejected(
            ErrorCondition.REQUIRED_FIELD_MISSING, "MSH-10", "the message control id is missing"
        )
    return header
