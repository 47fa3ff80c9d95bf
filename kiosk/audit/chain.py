"""The audit log's hash chain: every row is sealed, as it is flushed, onto the row before it.

`chain_hash = HMAC-SHA256(key, previous chain_hash ‖ canonical encoding of this row)`, where the
encoding covers the row's sequence, time, action, kiosk, patient and detail (the staff member
who acted is in the detail). The key is the `audit_chain` purpose key (`kiosk/keys.py`), so an
attacker with the database alone cannot recompute a hash after editing a row; each row records
the key version it was sealed with, so verification survives a key rotation.

Appends are serialised by the chain head (`audit_chain_head`, one row): the first statement of
a seal is `UPDATE ... SET sequence = sequence + 1 ... RETURNING`, which takes the head's row
lock on PostgreSQL and SQLite's write lock, both held until the caller's transaction ends. Two
transactions therefore never chain onto the same predecessor, and the sequence is assigned
under the lock in the same transaction as the row: a rollback takes back both, leaving no gap.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii as json_string
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import Connection, Table, event, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapper

from kiosk.keys import key_version, purpose_key
from kiosk.models import AuditChainHead, AuditEvent
from kiosk.models.types import utcnow

KEY_PURPOSE = "audit_chain"
# The predecessor of the first sealed row.
GENESIS_HASH = "0" * 64
HEAD_ID = 1
HEAD = cast(Table, AuditChainHead.__table__)
EVENTS = cast(Table, AuditEvent.__table__)


def moment_text(occurred_at: datetime) -> str:
    """A row's time as the hash covers it: UTC to the microsecond (what both databases keep),
    "2026-12-07T15:22:30.123456+00:00"; verification has the database write the same text."""
    return occurred_at.astimezone(UTC).isoformat(timespec="microseconds")


def detail_text(detail: Mapping[str, Any]) -> str:
    """A row's detail as the hash covers it: JSON with sorted keys. `seal` stores the detail in
    this key order, so the database's text of the column is exactly this and verification reads
    it without parsing JSON (the costliest step of reading a million rows)."""
    return json.dumps(detail, sort_keys=True)


def canonical_row(
    sequence: int,
    moment: str,
    action: str,
    kiosk_id: int | None,
    patient_id: int | None,
    detail: str,
) -> bytes:
    """The bytes a row's hash covers: sequence, time (`moment_text`), action, kiosk and patient
    as a compact JSON array, a newline (which compact JSON never holds), then `detail_text`.
    Written out by hand because verification encodes a million rows: a JSON encoder call per
    row cost a third of its time."""
    kiosk = "null" if kiosk_id is None else int(kiosk_id)
    patient = "null" if patient_id is None else int(patient_id)
    fields = f"[{int(sequence)},{json_string(moment)},{json_string(action)},{kiosk},{patient}]"
    return f"{fields}\n{detail}".encode()


def link_hash(key: bytes, previous_hash: str, row: bytes) -> str:
    """The chain hash of a row whose encoding is `row`, following `previous_hash`."""
    return hmac.digest(key, bytes.fromhex(previous_hash) + row, hashlib.sha256).hex()


class ChainKeys:
    """The audit chain's keys by version, derived once each (verification meets every version
    the log was sealed with)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.by_version: dict[int, bytes] = {}

    def __getitem__(self, version: int) -> bytes:
        if version not in self.by_version:
            self.by_version[version] = purpose_key(self.app, KEY_PURPOSE, version)
        return self.by_version[version]


def advance_head(connection: Connection) -> tuple[int, str]:
    """Take the chain head's lock and the next sequence: (new sequence, previous hash)."""
    advanced = connection.execute(
        update(HEAD)
        .where(HEAD.c.id == HEAD_ID)
        .values(sequence=HEAD.c.sequence + 1)
        .returning(HEAD.c.sequence, HEAD.c.chain_hash)
    ).first()
    if advanced is None:
        restore_head(connection)
        return advance_head(connection)
    return int(advanced.sequence), str(advanced.chain_hash)


def restore_head(connection: Connection) -> None:
    """Recreate a missing head row from the log's last row (or the genesis of an empty log),
    counting unsealed rows as written before the chain. Two transactions doing this at once
    insert it once (ON CONFLICT DO NOTHING). Only an emptied log (TRUNCATE) lacks the row;
    anywhere else its loss is tampering, which `flask audit verify` then reports."""
    last = connection.execute(
        select(EVENTS.c.sequence, EVENTS.c.chain_hash).order_by(EVENTS.c.sequence.desc()).limit(1)
    ).first()
    unsealed = connection.scalar(
        select(func.max(EVENTS.c.sequence)).where(EVENTS.c.chain_hash.is_(None))
    )
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(
        insert(HEAD)
        .values(
            id=HEAD_ID,
            sequence=int(last.sequence) if last else 0,
            chain_hash=(last.chain_hash if last else None) or GENESIS_HASH,
            legacy_through=unsealed or 0,
        )
        .on_conflict_do_nothing(index_elements=[HEAD.c.id])
    )


def seal(connection: Connection, event_row: AuditEvent, app: Flask) -> None:
    """Give `event_row` the next sequence and its chain hash, and move the head onto it."""
    if event_row.occurred_at is None:
        event_row.occurred_at = utcnow()
    detail = detail_text(event_row.detail or {})
    # Stored with its keys in the hashed order (what the column's JSON text will be).
    event_row.detail = json.loads(detail)
    sequence, previous_hash = advance_head(connection)
    version = key_version(app, KEY_PURPOSE)
    moment = moment_text(event_row.occurred_at)
    row = canonical_row(
        sequence, moment, event_row.action, event_row.kiosk_id, event_row.patient_id, detail
    )
    chain_hash = link_hash(purpose_key(app, KEY_PURPOSE, version), previous_hash, row)
    connection.execute(update(HEAD).where(HEAD.c.id == HEAD_ID).values(chain_hash=chain_hash))
    event_row.sequence = sequence
    event_row.chain_hash = chain_hash
    event_row.key_version = version


def seal_before_insert(_mapper: Mapper[AuditEvent], connection: Connection, target: Any) -> None:
    """Every audit row written through the ORM is sealed in the flush that inserts it, inside
    the caller's transaction."""
    seal(connection, target, current_app._get_current_object())  # type: ignore[attr-defined]


def seal_every_insert() -> None:
    """Register `seal_before_insert` for the AuditEvent mapper (once per process)."""
    if not event.contains(AuditEvent, "before_insert", seal_before_insert):
        event.listen(AuditEvent, "before_insert", seal_before_insert)
