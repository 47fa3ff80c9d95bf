"""Flask session interface that keeps kiosk sessions in the database.

Why not Flask's signed cookie: it cannot be revoked, so a screen reset could not guarantee that the
previous person's answers are gone. Why not a third-party session extension: the schema must come
from our migrations only, and expiry must follow the kiosk's idle timer. The browser holds only a
random id; the row is deleted on reset and is unusable once idle for longer than the kiosk's
countdown.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Request, Response, g, request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, select, update
from werkzeug.datastructures import CallbackDict

from kiosk.extensions import db
from kiosk.models import KioskSession
from kiosk.models.types import utcnow
from kiosk.tokens import new_token, token_hash


class KioskSessionData(CallbackDict[str, Any], SessionMixin):
    """The session dict; remembers its id and whether it changed."""

    def __init__(self, initial: dict[str, Any] | None = None, session_id: str | None = None):
        def on_update(data: KioskSessionData) -> None:
            data.modified = True

        super().__init__(initial, on_update)
        self.session_id = session_id
        self.modified = False

    @property
    def new(self) -> bool:  # type: ignore[override]
        return self.session_id is None


class DatabaseSessionInterface(SessionInterface):
    """Load and store `KioskSessionData` rows in `kiosk_sessions`."""

    def idle_lifetime(self, app: Flask) -> timedelta:
        """A session dies shortly after the screen's idle countdown should have reset it."""
        return timedelta(
            seconds=app.config["IDLE_SECONDS"]
            + app.config["IDLE_COUNTDOWN_SECONDS"]
            + app.config["IDLE_SERVER_GRACE_SECONDS"]
        )

    def open_session(self, app: Flask, request: Request) -> KioskSessionData:
        session_id = request.cookies.get(self.get_cookie_name(app))
        if not session_id:
            return KioskSessionData()
        with db.engine.connect() as connection:
            data = connection.execute(
                select(KioskSession.data).where(
                    KioskSession.id_hash == token_hash(session_id),
                    KioskSession.expires_at > utcnow(),
                )
            ).scalar_one_or_none()
        if data is None:
            # Unknown, reset or expired: start afresh under a new id, never reuse the old one.
            return KioskSessionData()
        return KioskSessionData(dict(data), session_id)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, KioskSessionData)
        cookie_name = self.get_cookie_name(app)
        if not session:
            if session.session_id is not None:
                delete_session(session.session_id)
                response.delete_cookie(
                    cookie_name, path=self.get_cookie_path(app), domain=self.get_cookie_domain(app)
                )
            return
        if not (session.modified or session.accessed or session.new):
            return
        expires_at = utcnow() + self.idle_lifetime(app)
        if session.session_id is None:
            session.session_id = new_token(32)
            kiosk = getattr(g, "kiosk", None)
            with db.engine.begin() as connection:
                connection.execute(delete(KioskSession).where(KioskSession.expires_at <= utcnow()))
                connection.execute(
                    insert(KioskSession).values(
                        id_hash=token_hash(session.session_id),
                        data=dict(session),
                        kiosk_id=kiosk.id if kiosk is not None else None,
                        created_at=utcnow(),
                        expires_at=expires_at,
                    )
                )
        else:
            with db.engine.begin() as connection:
                connection.execute(
                    update(KioskSession)
                    .where(KioskSession.id_hash == token_hash(session.session_id))
                    .values(data=dict(session), expires_at=expires_at)
                )
        response.set_cookie(
            cookie_name,
            session.session_id,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
            samesite=self.get_cookie_samesite(app),
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app),
        )
        response.vary.add("Cookie")


def delete_session(session_id: str) -> None:
    """Forget a session for good (screen reset)."""
    with db.engine.begin() as connection:
        connection.execute(
            delete(KioskSession).where(KioskSession.id_hash == token_hash(session_id))
        )
