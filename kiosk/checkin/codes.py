"""Appointment codes: short, random, single-use, stored only as a keyed hash. This module owns a
code's whole life: issued with the appointment letter, spent by the check-in that uses it.

A code is 8 Crockford base32 characters (40 bits from `secrets`), shown in two groups as
"K7M2-9QXD". The alphabet has no I, L, O or U, so what people misread or mistype (O for 0,
I or L for 1, lower case, spaces, dashes) still maps onto the one code they were given, and a
keyboard-wedge scanner's trailing Enter is ignored.

The database keeps only an HMAC-SHA256 of the code, keyed with the appointment-code key derived
from the secret key (`kiosk.keys`): a plain hash of a 40-bit value could be reversed by trying
every code against a leaked table.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.facility import local_day_bounds
from kiosk.keys import purpose_key
from kiosk.models import Appointment

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
CODE_GROUP = 4
# Crockford's decoding rules for the letters people type instead of digits.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
SEPARATORS = frozenset("-_")
# Longer input is not a mistyped code but something else (a pasted text, a wrong barcode).
MAX_CODE_INPUT = 64


def format_code(canonical: str) -> str:
    """Show a canonical code as people read it aloud: two groups of four ("K7M2-9QXD")."""
    return f"{canonical[:CODE_GROUP]}-{canonical[CODE_GROUP:]}"


def random_canonical_code() -> str:
    """8 characters drawn from the 32-letter alphabet by `secrets`: 40 bits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_appointment_code() -> str:
    """A fresh random code in its display form ("K7M2-9QXD")."""
    return format_code(random_canonical_code())


def normalise_code(text: str) -> str | None:
    """The canonical 8 characters of what a person typed or a scanner sent, or None when the
    text cannot be a code. Never raises: any input is an ordinary "not found" case."""
    if len(text) > MAX_CODE_INPUT or not text.isascii():
        return None
    kept = (
        character
        for character in text
        # Non-printable: a scanner's Enter, Tab or STX/ETX framing around the code.
        if character.isprintable() and not character.isspace() and character not in SEPARATORS
    )
    candidate = "".join(kept).upper().translate(LOOKALIKES)
    if len(candidate) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in candidate):
        return None
    return candidate


def code_key(app: Flask) -> bytes:
    """The key of the codes' keyed hash; rotating it (`KEY_VERSIONS["appointment_code"]`)
    retires every code issued before, and nothing else."""
    return purpose_key(app, "appointment_code")


def code_digest(code: str, key: bytes) -> str:
    """The keyed hash (HMAC-SHA256, hex) stored for a canonical code (see `normalise_code`)."""
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def issue_code(appointment: Appointment, *, now: datetime, timezone: ZoneInfo, key: bytes) -> str:
    """Give the appointment a new code that works until the end of its day in the facility's
    time zone; return the code for the patient (the caller commits). Any earlier code stops
    working. A code is drawn again in the (1 in 10^12) case that its hash is already stored,
    so one code never names two appointments.

    Raises ValueError when the appointment's day is already over: such a code could never work.
    """
    _, expires_at = local_day_bounds(appointment.starts_at, timezone)
    if expires_at <= now:
        raise ValueError("the appointment's day is over; its code would never work")
    while True:
        code = random_canonical_code()
        digest = code_digest(code, key)
        taken = db.session.scalar(select(Appointment.id).where(Appointment.code_digest == digest))
        if taken is None:
            break
    appointment.code_digest = digest
    appointment.code_expires_at = expires_at
    return format_code(code)


def mark_code_used(appointment: Appointment) -> None:
    """Make the appointment's code unusable (single use); the caller commits with the check-in."""
    appointment.code_digest = None
    appointment.code_expires_at = None
