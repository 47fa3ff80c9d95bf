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
from collections.abc import Sequence
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
    working.

    Raises ValueError when the appointment's day is already over: such a code could never work.
    """
    return issue_codes([appointment], now=now, timezone=timezone, key=key)[0]


def issue_codes(
    appointments: Sequence[Appointment], *, now: datetime, timezone: ZoneInfo, key: bytes
) -> list[str]:
    """`issue_code` for many appointments at once (a schedule import's batch), with one
    database query for the whole batch instead of one per code; the codes in the same order.

    A code is drawn again in the (1 in 10^12) case that its hash is already stored or drawn
    earlier in the batch, so one code never names two appointments. Raises ValueError, before
    changing anything, when any appointment's day is already over.
    """
    expiries = [local_day_bounds(booked.starts_at, timezone)[1] for booked in appointments]
    if any(expires_at <= now for expires_at in expiries):
        raise ValueError("the appointment's day is over; its code would never work")
    codes = [random_canonical_code() for _ in appointments]
    while True:
        digests = [code_digest(code, key) for code in codes]
        # Pending appointments of the caller's batch are not flushed for this lookup: their
        # digests are the ones being checked.
        with db.session.no_autoflush:
            taken = set(
                db.session.scalars(
                    select(Appointment.code_digest).where(Appointment.code_digest.in_(digests))
                )
            )
        clashes = []
        for index, digest in enumerate(digests):
            if digest in taken:
                clashes.append(index)
            taken.add(digest)
        if not clashes:
            break
        for index in clashes:
            codes[index] = random_canonical_code()
    for appointment, digest, expires_at in zip(appointments, digests, expiries, strict=True):
        appointment.code_digest = digest
        appointment.code_expires_at = expires_at
    return [format_code(code) for code in codes]


def mark_code_used(appointment: Appointment) -> None:
    """Make the appointment's code unusable (single use); the caller commits with the check-in."""
    appointment.code_digest = None
    appointment.code_expires_at = None
