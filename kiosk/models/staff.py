"""Staff accounts: the people who sign in at the front desk and behind it.

The columns follow what Flask-Security-Too reads and writes (email, Argon2 password hash,
`fs_uniquifier`, `active`, the TOTP two-factor fields and its login tracking), written as typed
SQLAlchemy 2 models so the schema comes from our migrations only. Sign-in failures and account
events are our own tables: the first feed the per-account and per-address throttle, the second
are the security trail of who did what to which account.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_security import RoleMixin, UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, utcnow


class StaffRoleName(enum.StrEnum):
    """The three staff roles. Both admin roles must use two-step sign-in (TOTP)."""

    COORDINATOR = "coordinator"
    FACILITY_ADMIN = "facility-admin"
    SYSTEM_ADMIN = "system-admin"


# Roles whose holders may not use anything before they have set up an authenticator app.
ROLES_REQUIRING_TWO_FACTOR = frozenset({StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN})

staff_user_roles = Table(
    "staff_user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("staff_roles.id", ondelete="CASCADE"), primary_key=True),
)


class StaffRole(Base, RoleMixin):
    """A role a staff account can hold; the names are `StaffRoleName` values."""

    __tablename__ = "staff_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))


class StaffUser(Base, UserMixin):
    """One person's staff account. Never deleted while it has history: disabled instead."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored as typed; Flask-Security finds accounts case-insensitively.
    email: Mapped[str] = mapped_column(String(255), unique=True)
    # Shown on staff screens next to "signed in as"; never a patient's name.
    full_name: Mapped[str] = mapped_column(String(120), default="")
    # Argon2id hash (PHC string, with its own salt); None until a password is set.
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Flask-Login's id for the account; replacing it invalidates anything signed for the old one.
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True)
    # "authenticator" once two-step sign-in is set up, else None.
    tf_primary_method: Mapped[str | None] = mapped_column(String(32))
    # The TOTP secret, encrypted with the staff TOTP key (kiosk/keys.py).
    tf_totp_secret: Mapped[str | None] = mapped_column(String(255))
    # Time step of the last accepted code: a code seen once is refused the second time.
    tf_totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    # Login tracking (Flask-Security "trackable"). Its mixin types these as never None; an
    # account that has not signed in yet has no sign-in time, hence the ignores.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # type: ignore[assignment]
    current_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # type: ignore[assignment]
    last_login_ip: Mapped[str | None] = mapped_column(String(64))
    current_login_ip: Mapped[str | None] = mapped_column(String(64))
    login_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Demo accounts of `flask seed-demo` are marked so a screen or a report can say so.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    # The mixin says list[RoleMixin]; ours holds the concrete StaffRole.
    roles: Mapped[list[StaffRole]] = relationship(  # type: ignore[assignment]
        secondary=staff_user_roles, lazy="selectin"
    )

    def role_names(self) -> set[str]:
        """The names of the roles this account holds."""
        return {role.name for role in self.roles}

    def check_tf_required(
        self, tf_setup_methods: list[tuple[str, str]], tf_fresh: bool
    ) -> tuple[bool, list[tuple[str, str]]]:
        """Flask-Security's question after a correct password: is a code needed? Always for
        admin roles (they enrol at their first sign-in) and for anyone who has set one up."""
        required = self.needs_two_factor() or bool(tf_setup_methods)
        return required, tf_setup_methods

    def check_tf_required_setup(self) -> bool:
        """Whether the setup page may offer no way out (admins cannot skip it)."""
        return self.needs_two_factor()

    def needs_two_factor(self) -> bool:
        """Whether a role of this account demands two-step sign-in."""
        return not ROLES_REQUIRING_TWO_FACTOR.isdisjoint(self.role_names())

    def __repr__(self) -> str:
        return f"<StaffUser {self.id}>"


class StaffSigninFailure(Base):
    """One failed sign-in step (password or code), for the sliding-window throttle.

    `account_key` is a keyed hash of the typed email, so a failure counts against the account
    whether or not it exists (the throttle reveals nothing) and the table holds no addresses
    anyone typed by mistake.
    """

    __tablename__ = "staff_signin_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


class StaffAccountEvent(Base):
    """Who did what to which staff account: sign-in, sign-out, sessions ended, disabled,
    password reset, two-step sign-in reset. No passwords, codes or secrets, ever."""

    __tablename__ = "staff_account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    # The account acted on, and who acted (None: the command line or the system).
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    address: Mapped[str | None] = mapped_column(String(64))
