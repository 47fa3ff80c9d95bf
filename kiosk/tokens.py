"""Random tokens that stand for something (a device, a session, a link) and their stored form.

The token itself only ever travels to the browser, a QR code or a printed link; the database
keeps its SHA-256, so a copy of the database cannot be replayed as a device, a session or a link.
A plain hash is enough here, unlike for appointment codes: every token carries at least 64
random bits, too many to try against a leaked table.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token(random_bytes: int) -> str:
    """A URL-safe token carrying `random_bytes` bytes from `secrets`."""
    return secrets.token_urlsafe(random_bytes)


def token_hash(token: str) -> str:
    """The stored form of a token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()
