"""Two-step sign-in with an authenticator app (TOTP), as Flask-Security-Too does it, plus what a
hospital needs on top: a code is accepted once only, secrets are sealed with their own key, and
the setup QR code is inline SVG (the strict Content-Security-Policy allows no `data:` images).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_security import Totp, UserMixin
from markupsafe import Markup
from passlib.totp import TotpMatch

from kiosk.keys import key_version, purpose_key
from kiosk.shell.links import qr_code_svg

TOTP_KEY_PURPOSE = "staff_totp"


def totp_secrets(app: Flask) -> dict[str, str]:
    """Every version of the staff TOTP key up to the current one, by version tag: new secrets
    are sealed with the newest, secrets sealed before a rotation still open."""
    newest = key_version(app, TOTP_KEY_PURPOSE)
    return {
        str(version): purpose_key(app, TOTP_KEY_PURPOSE, version).hex()
        for version in range(1, newest + 1)
    }


class StaffTotp(Totp):
    """Flask-Security's TOTP factory with replay protection and an inline QR code."""

    def get_last_counter(self, user: UserMixin) -> int | None:
        """The time step of the last code this account used (the caller commits the new one)."""
        counter: int | None = getattr(user, "tf_totp_last_counter", None)
        return counter

    def set_last_counter(self, user: UserMixin, tmatch: TotpMatch) -> None:
        """Remember the time step just used, so the same code cannot be replayed."""
        user.tf_totp_last_counter = tmatch.counter  # type: ignore[attr-defined]

    def generate_qrcode(self, username: str, totp: str) -> str:
        """The setup QR code as SVG markup for the page itself (not an `<img src>`)."""
        return qr_code_svg(self.get_totp_uri(username, totp))


def setup_qr_markup(svg: Any) -> Markup:
    """Template filter: the QR code SVG our own `generate_qrcode` made, as markup. It is built
    from the otpauth URI by the qrcode library (modules, no text), so nothing typed is in it."""
    return Markup(str(svg))
