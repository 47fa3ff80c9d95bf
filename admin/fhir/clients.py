"""Integration clients and their bearer tokens: create, list, revoke, and recognise a request.

A token is 256 random bits, shown once at creation; the database keeps its SHA-256 only
(`kiosk.tokens.token_hash`). A request is recognised by looking that digest up through the
unique index: the comparison happens on a hash the caller cannot steer, so its timing tells
nothing about how close a guess came, and no stored token can leak from a copy of the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from kiosk.extensions import db
from kiosk.models import ApiClient
from kiosk.models.types import utcnow
from kiosk.tokens import new_token, token_hash

TOKEN_BYTES = 32
# The resources the API serves, each readable under its own scope.
SCOPES = ("Appointment.read", "Coverage.read")
NAME_MAX_LENGTH = 80
# `last_used_at` moves at most this often: a client polling every few seconds writes rarely.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiClientError(ValueError):
    """A client that cannot be created or revoked as asked; the message says why."""


@dataclass(frozen=True)
class IssuedClient:
    """A new client and its token, which exists nowhere else once this is gone."""

    client: ApiClient
    token: str


def find_client(name: str) -> ApiClient | None:
    """The client called `name`, revoked or not."""
    return db.session.scalar(select(ApiClient).where(ApiClient.name == name))


def create_client(name: str, scopes: tuple[str, ...], *, created_by: str) -> IssuedClient:
    """Add a client with `scopes` and a fresh token (the caller commits). Raises
    ApiClientError for an empty or taken name, no scope, or a scope the API does not have."""
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ApiClientError(f"a client name has 1 to {NAME_MAX_LENGTH} characters")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ApiClientError(f"unknown scope {', '.join(unknown)}; scopes: {', '.join(SCOPES)}")
    if not scopes:
        raise ApiClientError(f"give at least one --scope: {', '.join(SCOPES)}")
    if find_client(name) is not None:
        raise ApiClientError(f"there is already a client called {name}")
    token = new_token(TOKEN_BYTES)
    client = ApiClient(
        name=name,
        token_digest=token_hash(token),
        scopes=" ".join(scope for scope in SCOPES if scope in scopes),
        created_by=created_by[:120],
    )
    db.session.add(client)
    db.session.flush()
    return IssuedClient(client, token)


def all_clients() -> list[ApiClient]:
    """Every client, revoked ones included, by name."""
    return list(db.session.scalars(select(ApiClient).order_by(ApiClient.name)))


def revoke_client(name: str, *, now: datetime | None = None) -> ApiClient:
    """Revoke the client's token from now on (the caller commits); its row stays for the
    audit trail. Raises ApiClientError for an unknown or already revoked client."""
    client = find_client(name)
    if client is None:
        raise ApiClientError(f"no client called {name}")
    if client.revoked_at is not None:
        raise ApiClientError(f"{name} was already revoked")
    client.revoked_at = now or utcnow()
    return client


def client_for_token(token: str, *, now: datetime | None = None) -> ApiClient | None:
    """The live client holding `token`, or None for an unknown or revoked one. Notes the
    use (and commits it) when the last one noted is older than `LAST_USED_PRECISION`."""
    client = db.session.scalar(select(ApiClient).where(ApiClient.token_digest == token_hash(token)))
    if client is None or client.revoked_at is not None:
        return None
    now = now or utcnow()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_PRECISION:
        db.session.execute(
            update(ApiClient)
            .where(ApiClient.id == client.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return client
