"""Staff account operations shared by the `flask user` commands and the system admin's page:
create, disable, enable, set a password, reset two-step sign-in, end sessions.

Each takes the account and who acts, writes an event to the account's trail and leaves the
commit to the caller. Anything that takes access away also ends every session of the account
at once (a disabled person, a changed password, a lost phone).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context, request
from flask_security import SQLAlchemyUserDatastore
from flask_security.utils import hash_password
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import StaffAccountEvent, StaffRole, StaffRoleName, StaffUser
from kiosk.shell.sessions import end_user_sessions


class AccountError(ValueError):
    """An account operation refused, with a message for the person who asked."""


@dataclass(frozen=True)
class NewAccount:
    """What `create_account` needs."""

    email: str
    password: str
    roles: tuple[StaffRoleName, ...]
    full_name: str = ""


def staff_datastore() -> SQLAlchemyUserDatastore:
    """The application's Flask-Security datastore."""
    datastore: SQLAlchemyUserDatastore = current_app.extensions["security"].datastore
    return datastore


def record_account_event(
    action: str, subject: StaffUser, *, actor: StaffUser | None = None
) -> None:
    """Add an event to the account's trail (the caller commits)."""
    address = request.remote_addr if has_request_context() else None
    db.session.add(
        StaffAccountEvent(
            action=action,
            subject_id=subject.id,
            actor_id=actor.id if actor is not None else None,
            address=address,
        )
    )


def find_account(email: str) -> StaffUser | None:
    """The account with this email, ignoring case."""
    user = staff_datastore().find_user(case_insensitive=True, email=email.strip())
    return user if isinstance(user, StaffUser) else None


def checked_password(password: str) -> str:
    """The password as it will be hashed (Unicode-normalised as at sign-in), or AccountError
    when it is shorter than the policy's minimum (`SECURITY_PASSWORD_LENGTH_MIN`)."""
    normalised = str(current_app.extensions["security"].password_util.normalize(password))
    minimum = int(current_app.config["SECURITY_PASSWORD_LENGTH_MIN"])
    if len(normalised) < minimum:
        raise AccountError(f"a password needs at least {minimum} characters")
    return normalised


def role_row(name: StaffRoleName) -> StaffRole:
    """The role's row, created the first time an account gets the role."""
    role = staff_datastore().find_or_create_role(name.value)
    assert isinstance(role, StaffRole)
    return role


def create_account(new: NewAccount, *, actor: StaffUser | None = None) -> StaffUser:
    """A new active account with the given roles and password (checked against the policy)."""
    if not new.roles:
        raise AccountError("an account needs at least one role")
    if find_account(new.email) is not None:
        raise AccountError(f"an account for {new.email} exists already")
    datastore = staff_datastore()
    user = datastore.create_user(
        email=new.email.strip(),
        full_name=new.full_name.strip(),
        password=hash_password(checked_password(new.password)),
        roles=[role_row(name) for name in new.roles],
    )
    assert isinstance(user, StaffUser)
    db.session.flush()
    record_account_event("created", user, actor=actor)
    return user


def end_sessions(user: StaffUser, *, actor: StaffUser | None = None) -> int:
    """Sign the account out everywhere now; return how many sessions ended."""
    ended = end_user_sessions(user.id)
    record_account_event("sessions_ended", user, actor=actor)
    return ended


def set_password(user: StaffUser, password: str, *, actor: StaffUser | None = None) -> None:
    """Replace the password and end every session of the account."""
    user.password = hash_password(checked_password(password))
    # A new uniquifier also voids anything Flask-Security signed for the old password.
    staff_datastore().set_uniquifier(user)
    record_account_event("password_set", user, actor=actor)
    end_sessions(user, actor=actor)


def disable(user: StaffUser, *, actor: StaffUser | None = None) -> None:
    """Take all access away now; the account and its history stay."""
    if actor is not None and actor.id == user.id:
        raise AccountError("you cannot disable your own account")
    user.active = False
    record_account_event("disabled", user, actor=actor)
    end_sessions(user, actor=actor)


def enable(user: StaffUser, *, actor: StaffUser | None = None) -> None:
    """Let a disabled account sign in again."""
    user.active = True
    record_account_event("enabled", user, actor=actor)


def reset_two_factor(user: StaffUser, *, actor: StaffUser | None = None) -> None:
    """Forget the authenticator (a lost phone): the next sign-in sets up a new one, and for
    an admin role it cannot be skipped. Ends every session of the account."""
    user.tf_primary_method = None
    user.tf_totp_secret = None
    user.tf_totp_last_counter = None
    record_account_event("two_factor_reset", user, actor=actor)
    end_sessions(user, actor=actor)


def all_accounts() -> list[StaffUser]:
    """Every staff account, by email."""
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.email)))
