"""Short, unguessable, expiring links that carry a route from the kiosk to a phone.

A link is shared, not made per view: everyone shown the same route (origin, destination,
profile, language) within the same link period gets the same token, derived with a keyed hash
(HMAC) from the route and the period. So showing a route screen writes nothing, the first QR
code of a route in a period writes one row, and every later screen, receipt or reload reuses it.
A link handed out during a period stays valid until the end of the next one, so it works for at
least `PHONE_LINK_HOURS` (and at most twice that); `flask housekeeping` deletes expired rows.

The token (64 bits in 11 URL-safe characters, so the QR code stays small and easy to scan) is
only ever in the QR code and the URL; the database keeps its SHA-256. Without the server's
secret key nobody can derive a token from a route, and a copy of the table cannot be replayed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from cryptography.hazmat.primitives import hashes, hmac
from flask import current_app
from sqlalchemy import CursorResult, delete, select

from kiosk.database import dialect_insert
from kiosk.extensions import db
from kiosk.keys import purpose_key
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import PhoneRouteLink
from kiosk.shell.housekeeping import housekeeping_task
from kiosk.tokens import token_hash

TOKEN_BYTES = 8


@dataclass(frozen=True)
class RouteKey:
    """What a phone link opens: the same four things always give the same link in a period."""

    origin: str
    destination_id: str
    profile: str
    lang: str


@dataclass(frozen=True)
class LinkPeriod:
    """A slice of time of `PHONE_LINK_HOURS`; links handed out in it expire at `expires_at`."""

    number: int
    seconds: float
    expires_at: datetime


def link_period(now: datetime) -> LinkPeriod:
    """The period `now` falls in; its links last until the end of the following period."""
    seconds = float(current_app.config["PHONE_LINK_HOURS"]) * 3600
    number = int(now.timestamp() // seconds)
    return LinkPeriod(number, seconds, datetime.fromtimestamp((number + 2) * seconds, UTC))


def link_key() -> bytes:
    """This installation's key for phone-link tokens (its own purpose, see `kiosk.keys`)."""
    return purpose_key(current_app, "phone_link")


def route_token(route: RouteKey, period: LinkPeriod) -> str:
    """The token of `route` in `period`: a keyed hash, so equal routes share it."""
    signer = hmac.HMAC(link_key(), hashes.SHA256())
    fields = [route.origin, route.destination_id, route.profile, route.lang]
    signer.update(json.dumps([*fields, period.seconds, period.number]).encode())
    digest = signer.finalize()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def phone_link_for(route: RouteKey) -> str:
    """The token of the valid link for `route`, adding its row only when this period has none
    yet (the caller commits). Safe when two screens ask at once: the insert is an upsert."""
    now = utcnow()
    period = link_period(now)
    token = route_token(route, period)
    stored = token_hash(token)
    if find_link_row(stored, now) is None:
        db.session.execute(
            dialect_insert(PhoneRouteLink.__table__)
            .values(
                token_hash=stored,
                origin=route.origin,
                destination_id=route.destination_id,
                profile=route.profile,
                lang=route.lang,
                created_at=now,
                expires_at=period.expires_at,
            )
            .on_conflict_do_update(
                index_elements=["token_hash"], set_={"expires_at": period.expires_at}
            )
        )
    return token


def find_link_row(stored_hash: str, now: datetime) -> PhoneRouteLink | None:
    """The link stored under `stored_hash` if it has not expired by `now`."""
    link: PhoneRouteLink | None = db.session.scalar(
        select(PhoneRouteLink).where(
            PhoneRouteLink.token_hash == stored_hash, PhoneRouteLink.expires_at > now
        )
    )
    return link


def stored_phone_link(token: str) -> PhoneRouteLink | None:
    """The row stored for `token`, expired or not (housekeeping deletes expired rows later):
    an expired link still knows the language its "expired" page should speak."""
    link: PhoneRouteLink | None = db.session.scalar(
        select(PhoneRouteLink).where(PhoneRouteLink.token_hash == token_hash(token))
    )
    return link


def is_current(link: PhoneRouteLink) -> bool:
    """Whether `link` still opens its route."""
    return link.expires_at > utcnow()


@housekeeping_task
def forget_expired_phone_links(now: datetime) -> str:
    """Delete links nobody can open any more (their QR codes only lead to "expired")."""
    removed = cast(
        CursorResult[Any],
        db.session.execute(delete(PhoneRouteLink).where(PhoneRouteLink.expires_at <= now)),
    )
    db.session.commit()
    return f"{removed.rowcount} expired phone link(s) removed."
