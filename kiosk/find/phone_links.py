"""Short, unguessable, expiring links that carry a route from the kiosk to a phone.

The token (about 60 random bits in 10 URL-safe characters, so the QR code stays small and easy
to scan) is only ever in the QR code and the URL; the database keeps its SHA-256.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import PhoneRouteLink
from kiosk.tokens import new_token, token_hash

TOKEN_BYTES = 8


def create_phone_link(origin: str, destination_id: str, profile: str, lang: str) -> str:
    """Add a link for this route (the caller commits) and return its token."""
    token = new_token(TOKEN_BYTES)
    hours = float(current_app.config["PHONE_LINK_HOURS"])
    db.session.add(
        PhoneRouteLink(
            token_hash=token_hash(token),
            origin=origin,
            destination_id=destination_id,
            profile=profile,
            lang=lang,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return token


def find_phone_link(token: str) -> PhoneRouteLink | None:
    """The unexpired link for `token`, if any."""
    link: PhoneRouteLink | None = db.session.scalar(
        select(PhoneRouteLink).where(
            PhoneRouteLink.token_hash == token_hash(token),
            PhoneRouteLink.expires_at > utcnow(),
        )
    )
    return link
