"""Why an HL7 message is not applied, in the terms its ACK carries back to the sender.

HL7 v2 distinguishes two refusals. AR (application reject): the message is one Lobby never
processes — unreadable, an unsupported type or trigger, the wrong processing id; sending it
again will not help. AE (application error): a message Lobby processes, whose content it cannot
apply — a missing MRN, a date that is no date, a department it does not know; the sender can fix
the data and send a corrected message.

Every reason is a fixed phrase naming the segment and field ("SCH-11"), never the value found
there: a reason is stored, logged by the listener and sent back over the wire, and must not
carry one patient's data anywhere, let alone into another patient's context.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class AckCode(enum.StrEnum):
    """MSA-1, HL7 table 0008 (original acknowledgement mode)."""

    ACCEPT = "AA"
    ERROR = "AE"
    REJECT = "AR"


class ErrorCondition(enum.StrEnum):
    """ERR-3, HL7 table 0357 (message error condition codes) that Lobby reports."""

    SEGMENT_SEQUENCE = "100"
    REQUIRED_FIELD_MISSING = "101"
    DATA_TYPE = "102"
    TABLE_VALUE_NOT_FOUND = "103"
    UNSUPPORTED_MESSAGE_TYPE = "200"
    UNSUPPORTED_EVENT = "201"
    UNSUPPORTED_PROCESSING_ID = "202"
    UNSUPPORTED_VERSION = "203"
    RECORD_LOCKED = "206"
    INTERNAL_ERROR = "207"


# Not frozen: Python code (contextlib among others) sets __traceback__ on exceptions it passes on.
@dataclass
class Refusal(Exception):
    """A message Lobby will not apply: the ACK code, the HL7 error condition, the field it
    concerns ("SCH-11", or "" for the whole message) and a phrase without patient data."""

    ack_code: AckCode
    condition: ErrorCondition
    location: str
    text: str

    def __str__(self) -> str:
        return self.reason

    @property
    def reason(self) -> str:
        """What is stored and sent in MSA-3: the field first, then the phrase."""
        return f"{self.location}: {self.text}" if self.location else self.text


def rejected(condition: ErrorCondition, location: str, text: str) -> Refusal:
    """An AR: a message Lobby never processes (resending it will not help)."""
    return Refusal(AckCode.REJECT, condition, location, text)


def application_error(condition: ErrorCondition, location: str, text: str) -> Refusal:
    """An AE: a supported message whose content cannot be applied."""
    return Refusal(AckCode.ERROR, condition, location, text)
