"""HL7 v2 text: escaping, fields, segments and timestamps.

Every value from the database goes through `escape`, which replaces the delimiters declared in
MSH-2 (`|^~\\&`) with their escape sequences and every control character with a hex escape.
Line breaks matter twice over: a carriage return would end the segment, and the MLLP framing
bytes (0x0B, 0x1C) would cut the frame; escaped, a name such as "Ana|Núñez" or one with a typed
newline reaches the interface engine as the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

FIELD_SEPARATOR = "|"
COMPONENT_SEPARATOR = "^"
# MSH-2: component, repetition, escape, subcomponent.
ENCODING_CHARACTERS = "^~\\&"
SEGMENT_TERMINATOR = "\r"
ESCAPES = {
    "\\": "\\E\\",
    "|": "\\F\\",
    "^": "\\S\\",
    "&": "\\T\\",
    "~": "\\R\\",
}
DELETE = 0x7F


def escape(value: str) -> str:
    """`value` with HL7's delimiters and control characters escaped (HL7 v2.5, 2.7)."""
    escaped = []
    for character in value:
        code = ord(character)
        if character in ESCAPES:
            escaped.append(ESCAPES[character])
        elif code < 0x20 or code == DELETE:
            escaped.append(f"\\X{code:02X}\\")
        else:
            escaped.append(character)
    return "".join(escaped)


def field(*components: str) -> str:
    """A field of escaped components, trailing empty ones left out.

    Spaces around a value are dropped: they are never data (a name, an id), and at the end of
    a segment a receiver's parser would drop them anyway, so the value would differ by where
    its field happens to stand.
    """
    return COMPONENT_SEPARATOR.join(escape(component.strip()) for component in components).rstrip(
        COMPONENT_SEPARATOR
    )


def segment(name: str, fields: Iterable[str]) -> str:
    """A segment from already built fields (numbered from 1), trailing empty ones left out."""
    return FIELD_SEPARATOR.join([name, *fields]).rstrip(FIELD_SEPARATOR)


def numbered_fields(values: dict[int, str]) -> list[str]:
    """Fields 1..n where `values` gives some of them by number: the rest are empty."""
    return [values.get(number, "") for number in range(1, max(values) + 1)]


def message_text(segments: Iterable[str]) -> str:
    """The message: segments each ended by a carriage return."""
    return "".join(f"{line}{SEGMENT_TERMINATOR}" for line in segments)


def hl7_timestamp(moment: datetime) -> str:
    """DTM in UTC with its offset (YYYYMMDDHHMMSS+0000): unambiguous wherever it is read."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")


def hl7_date(day: date) -> str:
    """DT: YYYYMMDD."""
    return day.strftime("%Y%m%d")
