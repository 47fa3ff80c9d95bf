"""Short, unguessable, expiring links that carry a route from the kiosk to a phone.

The token (about 60 random bits in 10 URL-safe characters, so the QR code stays small and easy
to scan) is only ever in the QR code and the URL; the database keeps its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import PhoneRouteLink

TOKEN_BYTES = 8
DEFAULT_PHONE_LINK_HOURS = 4


def hash_link_token(token: str) -> str:
    """The stored form of a link token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_phone_link(origin: str, destination_id: str, profile: str, lang: str) -> str:
    """Add a link for this route (the caller commits) and return its token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    hours = float(current_app.config.get("PHONE_LINK_HOURS", DEFAULT_PHONE_LINK_HOURS))
    db.session.add(
        PhoneRouteLink(
            token_hash=hash_link_token(token),
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
            PhoneRouteLink.token_hash == hash_link_token(token),
            PhoneRouteLink.expires_at > utcnow(),
        )
    )
    return link


def public_url(path: str) -> str:
    """An absolute URL phones can reach: `PUBLIC_BASE_URL` if set, else this request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + path
