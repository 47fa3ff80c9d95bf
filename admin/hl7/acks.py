"""HL7 v2.5 acknowledgements (original mode): MSH with sender and receiver swapped, MSA with
AA / AE / AR and the message's control id, and for a refusal an ERR segment and MSA-3 with the
reason (a fixed phrase that names a field, never patient data).

Built by hand rather than with python-hl7's `Message.create_ack`, because an ACK is also owed
for bytes that never parsed (no message to call it on), and a refusal needs ERR besides MSA.
The ACK uses the sender's own separators, so the header fields it echoes stay valid as sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from admin.hl7.header import STANDARD_SEPARATORS, MessageHeader
from admin.hl7.refusals import AckCode, Refusal

ACK_VERSION = "2.5"
ERROR_SEVERITY = "E"
ERROR_TABLE = "HL70357"


@dataclass(frozen=True)
class Receiver:
    """How Lobby names itself in an ACK's MSH-3 and MSH-4, and the processing id it uses when
    the message's own is unknown."""

    application: str
    facility: str
    processing_id: str


def escape_text(text: str, separators: str) -> str:
    """Free text made safe inside one field, with HL7's escape sequences (\\F\\ \\S\\ \\T\\
    \\R\\ \\E\\) for whichever characters are this message's separators."""
    field, component, repetition, escape, subcomponent = (separators[i] for i in range(5))
    replacements = {
        escape: f"{escape}E{escape}",
        field: f"{escape}F{escape}",
        component: f"{escape}S{escape}",
        subcomponent: f"{escape}T{escape}",
        repetition: f"{escape}R{escape}",
    }
    return "".join(replacements.get(character, character) for character in text)


def error_location(location: str, component: str) -> str:
    """ERR-2 (type ERL) from "SCH-11": segment id, segment sequence 1, field position."""
    segment, _, field = location.partition("-")
    return component.join(part for part in (segment, "1", field) if part)


def build_ack(
    header: MessageHeader | None,
    refusal: Refusal | None,
    *,
    note: str = "",
    ack_control_id: str,
    receiver: Receiver,
    now: datetime,
) -> str:
    """The ACK text for a message (header None: it could not be read), segments joined by
    carriage returns. AA without `refusal` (with `note`, if any, in MSA-3); its code, MSA-3
    and ERR with it."""
    separators = header.separators if header else STANDARD_SEPARATORS
    field, component = separators[0], separators[1]
    trigger = header.trigger_event if header else ""
    msh = [
        "MSH",
        separators[1:],
        escape_text(receiver.application, separators),
        escape_text(receiver.facility, separators),
        header.sending_application if header else "",
        header.sending_facility if header else "",
        now.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000"),
        "",
        component.join(("ACK", trigger, "ACK")),
        ack_control_id,
        (header.processing_id if header else "") or receiver.processing_id,
        ACK_VERSION,
    ]
    code = refusal.ack_code if refusal else AckCode.ACCEPT
    msa = ["MSA", code.value, header.control_id if header else ""]
    segments = [field.join(msh)]
    if refusal is None:
        segments.append(field.join([*msa, escape_text(note, separators)] if note else msa))
    else:
        reason = escape_text(refusal.reason, separators)
        segments.append(field.join([*msa, reason]))
        condition = component.join(
            (refusal.condition.value, refusal.condition.name.replace("_", " ").lower(), ERROR_TABLE)
        )
        location = error_location(refusal.location, component)
        segments.append(
            field.join(["ERR", "", location, condition, ERROR_SEVERITY, "", "", "", reason])
        )
    return "\r".join(segments) + "\r"
