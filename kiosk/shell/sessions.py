"""Flask session interface that keeps sessions in the database, under a policy per audience.

Why not Flask's signed cookie: it cannot be revoked, so a screen reset could not guarantee that the
previous person's answers are gone. Why not a third-party session extension: the schema must come
from our migrations only, and expiry must follow the kiosk's idle timer. The browser holds only a
random id; the row is deleted on reset and is unusable once idle for longer than its policy allows.

Two audiences share the table. A kiosk session ends shortly after the screen's idle countdown; a
staff session after 15 idle minutes and at the latest 12 hours after sign-in, and all of one
user's sessions can be ended at once (a password change, a system admin's "sign out everywhere").

However a session ends — a reset, a sign-out, or expiry noticed on the server after a power cut —
the features' session-end hooks see its data once, so they can delete what it left behind (the
card photos of an unfinished check-in, say) without the shell knowing any feature.

A request writes its session row only when the data changed, or to move the idle expiry forward
when it was last moved more than `TOUCH_SECONDS` ago: a kiosk's every tap and search keystroke
would otherwise be a database write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, Response, current_app, g, request, session
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from werkzeug.datastructures import CallbackDict

from kiosk.extensions import db
from kiosk.models import KioskSession
from kiosk.models.types import utcnow
from kiosk.tokens import new_token, token_hash

log = logging.getLogger(__name__)

KIOSK_AUDIENCE = "kiosk"
STAFF_AUDIENCE = "staff"
# The idle expiry is moved forward at most this often: a tap within it writes nothing.
TOUCH_SECONDS = 5
SESSION_ID_BYTES = 32
SESSIONLESS_REQUEST = "lobby.sessionless"

SessionEndHook = Callable[[Mapping[str, Any]], None]
_session_end_hooks: list[SessionEndHook] = []


def on_session_end(hook: SessionEndHook) -> SessionEndHook:
    """Register `hook(data)` to run once with the data of every session that ends (reset,
    sign-out, revocation or expiry), inside an application context. Usable as a decorator."""
    if hook not in _session_end_hooks:
        _session_end_hooks.append(hook)
    return hook


def run_session_end_hooks(data: Mapping[str, Any]) -> None:
    """Give an ended session's data to every hook; one failing hook does not stop the rest."""
    for hook in _session_end_hooks:
        try:
            hook(data)
        except Exception:
            log.exception("session-end cleanup failed")


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session of one audience lives: idle time, and an absolute limit or none."""

    audience: str
    idle: timedelta
    absolute: timedelta | None


def session_policy(app: Flask, audience: str) -> SessionPolicy:
    """The configured policy for `audience`."""
    config = app.config
    if audience == STAFF_AUDIENCE:
        return SessionPolicy(
            STAFF_AUDIENCE,
            idle=timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]),
            absolute=timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]),
        )
    # A kiosk session dies shortly after the screen's idle countdown should have reset it.
    idle_seconds = (
        config["IDLE_SECONDS"]
        + config["IDLE_COUNTDOWN_SECONDS"]
        + config["IDLE_SERVER_GRACE_SECONDS"]
    )
    return SessionPolicy(KIOSK_AUDIENCE, idle=timedelta(seconds=idle_seconds), absolute=None)


class KioskSessionData(CallbackDict[str, Any], SessionMixin):
    """The session dict; remembers its row, its policy and whether it changed."""

    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        session_id: str | None = None,
        *,
        audience: str = KIOSK_AUDIENCE,
        user_id: int | None = None,
        expires_at: datetime | None = None,
        absolute_expires_at: datetime | None = None,
    ):
        def on_update(data: KioskSessionData) -> None:
            data.modified = True

        super().__init__(initial, on_update)
        self.session_id = session_id
        self.audience = audience
        self.user_id = user_id
        self.expires_at = expires_at
        self.absolute_expires_at = absolute_expires_at
        # Set when the row must be replaced under a new id (sign-in: no session fixation).
        self.rotate = False
        self.modified = False

    @property
    def new(self) -> bool:  # type: ignore[override]
        return self.session_id is None


class DatabaseSessionInterface(SessionInterface):
    """Load and store `KioskSessionData` rows in `kiosk_sessions`."""

    def open_session(self, app: Flask, request: Request) -> KioskSessionData:
        session_id = request.cookies.get(self.get_cookie_name(app))
        if not session_id:
            return KioskSessionData()
        with db.engine.connect() as connection:
            row = connection.execute(
                select(
                    KioskSession.data,
                    KioskSession.audience,
                    KioskSession.user_id,
                    KioskSession.expires_at,
                    KioskSession.absolute_expires_at,
                ).where(KioskSession.id_hash == token_hash(session_id))
            ).one_or_none()
        now = utcnow()
        if row is None or not still_alive(row.expires_at, row.absolute_expires_at, now):
            # Unknown, reset or expired: start afresh under a new id, never reuse the old one.
            # An expired row's cleanup runs when housekeeping or the next new session purges it.
            return KioskSessionData()
        return KioskSessionData(
            dict(row.data),
            session_id,
            audience=row.audience,
            user_id=row.user_id,
            expires_at=row.expires_at,
            absolute_expires_at=row.absolute_expires_at,
        )

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, KioskSessionData)
        if request.environ.get(SESSIONLESS_REQUEST):
            return
        cookie_name = self.get_cookie_name(app)
        # An empty session nobody is signed in to is not worth a row (a first visit, a
        # staff sign-in page requested by a crawler).
        if not session and session.user_id is None:
            if session.session_id is not None:
                delete_session(session.session_id)
                response.delete_cookie(
                    cookie_name, path=self.get_cookie_path(app), domain=self.get_cookie_domain(app)
                )
            return
        now = utcnow()
        policy = session_policy(app, session.audience)
        expires_at = now + policy.idle
        if session.session_id is None or session.rotate:
            self.insert_row(session, policy, now, expires_at)
        elif session.modified:
            self.update_row(session, data=dict(session), expires_at=expires_at)
        elif needs_touch(session.expires_at, expires_at):
            self.update_row(session, expires_at=expires_at)
        else:
            return
        response.set_cookie(
            cookie_name,
            session.session_id or "",
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
            samesite=self.get_cookie_samesite(app),
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app),
        )
        response.vary.add("Cookie")

    def insert_row(
        self, session: KioskSessionData, policy: SessionPolicy, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new session (or a rotated one under its new id); purge expired rows first."""
        old_id = session.session_id if session.rotate else None
        session.session_id = new_token(SESSION_ID_BYTES)
        session.rotate = False
        if session.absolute_expires_at is None and policy.absolute is not None:
            session.absolute_expires_at = now + policy.absolute
        kiosk = getattr(g, "kiosk", None)
        purge_now_and_then(now)
        with db.engine.begin() as connection:
            if old_id is not None:
                connection.execute(
                    delete(KioskSession).where(KioskSession.id_hash == token_hash(old_id))
                )
            connection.execute(
                insert(KioskSession).values(
                    id_hash=token_hash(session.session_id),
                    data=dict(session),
                    kiosk_id=kiosk.id if kiosk is not None else None,
                    audience=policy.audience,
                    user_id=session.user_id,
                    created_at=now,
                    expires_at=expires_at,
                    absolute_expires_at=session.absolute_expires_at,
                )
            )
        session.expires_at = expires_at

    def update_row(self, session: KioskSessionData, **values: Any) -> None:
        """Write the changed columns of an existing session."""
        assert session.session_id is not None
        with db.engine.begin() as connection:
            connection.execute(
                update(KioskSession)
                .where(KioskSession.id_hash == token_hash(session.session_id))
                .values(**values)
            )
        session.expires_at = values.get("expires_at", session.expires_at)


def purge_now_and_then(now: datetime) -> None:
    """Purge expired sessions if this app has not done so for `SESSION_PURGE_EVERY_SECONDS`:
    often enough that a crashed screen's leftovers go soon, rarely enough to cost nothing
    (`flask housekeeping` purges the rest)."""
    last = current_app.extensions.get("lobby_sessions_purged_at")
    every = timedelta(seconds=current_app.config["SESSION_PURGE_EVERY_SECONDS"])
    if last is None or now - last >= every:
        current_app.extensions["lobby_sessions_purged_at"] = now
        purge_expired_sessions(now)


def still_alive(expires_at: datetime, absolute_expires_at: datetime | None, now: datetime) -> bool:
    """Neither idle too long nor past its absolute end."""
    return expires_at > now and (absolute_expires_at is None or absolute_expires_at > now)


def needs_touch(stored: datetime | None, wanted: datetime) -> bool:
    """Whether the stored idle expiry lags the wanted one by more than `TOUCH_SECONDS`."""
    return stored is None or wanted - stored > timedelta(seconds=TOUCH_SECONDS)


def leave_session_untouched() -> None:
    """Neither write nor extend this request's session, nor set a cookie: for machine-to-machine
    requests (the FHIR API), which are authorised by their own token and must not keep a
    browser's kiosk or staff session alive that happened to be sent along. Marked on the
    request itself: an application context (and its `g`) can outlive one request."""
    request.environ[SESSIONLESS_REQUEST] = True


def end_current_session() -> None:
    """End this request's session now (screen reset, sign-out): its end hooks run, its data is
    gone, and the row is deleted when the response is saved."""
    run_session_end_hooks(dict(session))
    session.clear()
    if isinstance(session, KioskSessionData):
        session.audience = KIOSK_AUDIENCE
        session.user_id = None


def start_staff_session(user_id: int) -> None:
    """Turn this request's session into a staff session for `user_id`, under a fresh id so a
    session id seen before sign-in is worth nothing after it."""
    assert isinstance(session, KioskSessionData)
    session.audience = STAFF_AUDIENCE
    session.user_id = user_id
    session.absolute_expires_at = None
    session.rotate = True
    session.modified = True


def delete_rows(connection: Connection, condition: Any) -> int:
    """Delete the sessions matching `condition` after running their end hooks; return how many."""
    rows = connection.execute(select(KioskSession.id_hash, KioskSession.data).where(condition))
    ended = rows.all()
    for ended_row in ended:
        run_session_end_hooks(ended_row.data or {})
    if ended:
        connection.execute(
            delete(KioskSession).where(KioskSession.id_hash.in_([r.id_hash for r in ended]))
        )
    return len(ended)


def delete_session(session_id: str) -> None:
    """Forget a session for good (its end hooks ran when it was ended or run now)."""
    with db.engine.begin() as connection:
        connection.execute(
            delete(KioskSession).where(KioskSession.id_hash == token_hash(session_id))
        )


def end_user_sessions(user_id: int) -> int:
    """End every session of a staff user (revocation, password change); return how many."""
    with db.engine.begin() as connection:
        return delete_rows(connection, KioskSession.user_id == user_id)


def purge_expired_sessions(now: datetime | None = None) -> int:
    """Delete sessions that are idle past their policy or past their absolute end, running
    their end hooks first (a screen that lost power never sends its reset); return how many."""
    now = now or utcnow()
    expired = (KioskSession.expires_at <= now) | (
        KioskSession.absolute_expires_at.is_not(None) & (KioskSession.absolute_expires_at <= now)
    )
    with db.engine.begin() as connection:
        return delete_rows(connection, expired)


def init_app(app: Flask) -> None:
    """Keep the app's sessions in the database."""
    app.session_interface = DatabaseSessionInterface()
