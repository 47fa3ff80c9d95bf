"""Demo staff accounts for `make run`: one patient service coordinator and one facility admin
with two-step sign-in already set up, both clearly marked as demo accounts.

There are no default passwords: every seeding gives both accounts a new random password and
prints it, with the facility admin's authenticator key, for the person running the demo.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from flask_security.utils import hash_password

from kiosk.extensions import db
from kiosk.models import StaffRoleName, StaffUser
from kiosk.shell.sessions import end_user_sessions

# example.org is reserved for examples (RFC 2606): these addresses reach nobody.
DEMO_STAFF = (
    ("demo-coordinator@example.org", "Demo Coordinator (synthetic)", StaffRoleName.COORDINATOR),
    ("demo-admin@example.org", "Demo Facility Admin (synthetic)", StaffRoleName.FACILITY_ADMIN),
)
DEMO_PASSWORD_BYTES = 12


@dataclass(frozen=True)
class DemoSignin:
    """What the person running the demo needs to sign in as one demo account."""

    email: str
    role: StaffRoleName
    password: str
    totp_key: str | None
    totp_uri: str | None


def seed_demo_staff() -> list[DemoSignin]:
    """Create the demo accounts that are missing, give both a fresh password (ending their
    sessions) and return their sign-in details."""
    security = current_app.extensions["security"]
    datastore = security.datastore
    totp = security.totp_factory
    signins = []
    for email, full_name, role in DEMO_STAFF:
        user = datastore.find_user(case_insensitive=True, email=email)
        password = secrets.token_urlsafe(DEMO_PASSWORD_BYTES)
        if user is None:
            user = datastore.create_user(
                email=email,
                full_name=full_name,
                password=hash_password(password),
                roles=[datastore.find_or_create_role(role.value)],
                is_demo=True,
            )
            db.session.flush()
        else:
            user.password = hash_password(password)
            end_user_sessions(user.id)
        assert isinstance(user, StaffUser)
        if role != StaffRoleName.COORDINATOR and not user.tf_totp_secret:
            user.tf_totp_secret = totp.generate_totp_secret()
            user.tf_primary_method = "authenticator"
        key = totp.get_totp_b32_key(user.tf_totp_secret) if user.tf_totp_secret else None
        uri = totp.get_totp_uri(email, user.tf_totp_secret) if user.tf_totp_secret else None
        signins.append(DemoSignin(email, role, password, key, uri))
    db.session.commit()
    return signins
