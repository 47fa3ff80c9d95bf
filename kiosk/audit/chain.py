"""The audit log's hash chain: every row is sealed onto the row before it when its
transaction commits.

`chain_hash = HMAC-SHA256(key, previous chain_hash ‖ canonical encoding of this row)`, where the
encoding covers the row's sequence, time, action, kiosk, patient and detail (the staff member
who acted is in the detail). The key is the `audit_chain` purpose key (`kiosk/keys.py`), so an
attacker with the database alone cannot recompute a hash after editing a row; each row records
the key version it was sealed with, so verification survives a key rotation.

A row is inserted without sequence or hash; just before its transaction commits, after the
last flush, the session takes the chain head (`audit_chain_head`, one row, locked FOR UPDATE on
PostgreSQL; SQLite's write lock is already held) and seals the rows its transaction inserted,
in id order: the next sequence numbers, the hashes, the head moved onto the last. A row written
around the application is never sealed by it, so `flask audit verify` reports it. The lock is held
only from there to the commit, so it is the last lock a transaction takes: two transactions
never chain onto the same predecessor, and no transaction holds the head while it waits for
another row (sealing at each flush did, and a desk check-in racing a kiosk check-in for the same
department's next ticket number could deadlock on PostgreSQL). A rolled-back transaction or
savepoint takes its rows back before they are numbered, so numbers have no gaps.

The hash covers the time and the detail as the database's own text (`row_columns`): sealing and
verification read the same bytes, and verification parses no timestamps or JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii as json_string
from typing import Any
from typing import cast as typed

from flask import Flask, current_app
from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Table,
    Text,
    bindparam,
    cast,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapper, Session, SessionTransaction, object_session

from kiosk.keys import key_version, purpose_key
from kiosk.models import AuditChainHead, AuditEvent

KEY_PURPOSE = "audit_chain"
# The predecessor of the first sealed row.
GENESIS_HASH = "0" * 64
HEAD_ID = 1
HEAD = typed(Table, AuditChainHead.__table__)
EVENTS = typed(Table, AuditEvent.__table__)
# Where a session keeps the ids of the audit rows its transaction inserted, for its commit.
ROWS_TO_SEAL = "lobby_audit_rows_to_seal"
# Ids per statement when reading them back (SQLite allows at most 32,766 parameters).
ID_CHUNK = 10_000
POSTGRESQL_MOMENT = func.to_char(
    func.timezone("UTC", EVENTS.c.occurred_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
)
SQLITE_MOMENT = func.replace(cast(EVENTS.c.occurred_at, Text), " ", "T").concat("+00:00")


# One audit row as `row_columns` reads it.
AuditRow = Row[*tuple[Any, ...]]


def row_columns(dialect: str) -> tuple[ColumnElement[Any], ...]:
    """What sealing and verification read of a row, in this order; the time and the detail as
    the database's text, already as the hash covers them (`moment_text`, `detail_text`)."""
    moment = POSTGRESQL_MOMENT if dialect == "postgresql" else SQLITE_MOMENT
    return (
        EVENTS.c.id,
        EVENTS.c.sequence,
        moment.label("moment"),
        EVENTS.c.action,
        EVENTS.c.kiosk_id,
        EVENTS.c.patient_id,
        cast(EVENTS.c.detail, Text).label("detail"),
        EVENTS.c.chain_hash,
        EVENTS.c.key_version,
    )


def moment_text(occurred_at: datetime) -> str:
    """A row's time as the hash covers it: UTC to the microsecond (what both databases keep),
    "2026-12-07T15:22:30.123456+00:00"; verification has the database write the same text."""
    return occurred_at.astimezone(UTC).isoformat(timespec="microseconds")


def detail_text(detail: Mapping[str, Any]) -> str:
    """A row's detail as the hash covers it when written with these keys in this order: the
    JSON text the ORM stores (for rows built outside the application, such as benchmarks)."""
    return json.dumps(detail)


def canonical_row(
    sequence: int,
    moment: str,
    action: str,
    kiosk_id: int | None,
    patient_id: int | None,
    detail: str,
) -> bytes:
    """The bytes a row's hash covers: sequence, time (`moment_text`), action, kiosk and patient
    as a compact JSON array, a newline (which compact JSON never holds), then the detail's JSON
    text as the database holds it.
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


def lock_head(connection: Connection) -> tuple[int, str]:
    """Take the chain head's lock: (last sequence, its hash)."""
    head = connection.execute(
        select(HEAD.c.sequence, HEAD.c.chain_hash).where(HEAD.c.id == HEAD_ID).with_for_update()
    ).first()
    if head is None:
        restore_head(connection)
        return lock_head(connection)
    return int(head.sequence), str(head.chain_hash)


def restore_head(connection: Connection) -> None:
    """Recreate a missing head row from the log's last row (or the genesis of an empty log),
    counting unsealed rows as written before the chain. Two transactions doing this at once
    insert it once (ON CONFLICT DO NOTHING). Only an emptied log (TRUNCATE) lacks the row;
    anywhere else its loss is tampering, which `flask audit verify` then reports."""
    last = connection.execute(
        select(EVENTS.c.sequence, EVENTS.c.chain_hash)
        .where(EVENTS.c.sequence.is_not(None))
        .order_by(EVENTS.c.sequence.desc())
        .limit(1)
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


def rows_to_seal(connection: Connection, row_ids: list[int]) -> list[AuditRow]:
    """The rows among `row_ids` still without a sequence (a rolled-back savepoint took some
    away), in id order, read in chunks so that no statement carries too many ids."""
    found: list[AuditRow] = []
    columns = row_columns(connection.dialect.name)
    for start in range(0, len(row_ids), ID_CHUNK):
        chunk = row_ids[start : start + ID_CHUNK]
        found += connection.execute(
            select(*columns).where(EVENTS.c.id.in_(chunk), EVENTS.c.sequence.is_(None))
        ).all()
    return sorted(found, key=lambda row: row.id)


def seal_rows(connection: Connection, row_ids: list[int], key: bytes, version: int) -> int:
    """Number and hash the rows `row_ids` (a transaction's own) in id order under the head's
    lock, and move the head onto the last; how many were sealed. Only a transaction's own rows:
    a row someone wrote around the application stays unsealed, for `verify` to report."""
    last_sequence, previous_hash = lock_head(connection)
    rows = rows_to_seal(connection, row_ids)
    if not rows:
        return 0
    seals = []
    for sequence, (row_id, _unset, moment, action, kiosk_id, patient_id, detail, *_) in enumerate(
        rows, start=last_sequence + 1
    ):
        encoded = canonical_row(sequence, moment, action, kiosk_id, patient_id, detail)
        previous_hash = link_hash(key, previous_hash, encoded)
        seals.append({"row_id": row_id, "sealed_sequence": sequence, "sealed_hash": previous_hash})
    connection.execute(
        update(EVENTS)
        .where(EVENTS.c.id == bindparam("row_id"), EVENTS.c.sequence.is_(None))
        .values(
            sequence=bindparam("sealed_sequence"),
            chain_hash=bindparam("sealed_hash"),
            key_version=version,
        ),
        seals,
    )
    connection.execute(
        update(HEAD)
        .where(HEAD.c.id == HEAD_ID)
        .values(sequence=seals[-1]["sealed_sequence"], chain_hash=previous_hash)
    )
    return len(seals)


def note_row_to_seal(_mapper: Mapper[AuditEvent], _connection: Connection, target: Any) -> None:
    """An audit row was inserted through a session: its transaction's commit must seal it."""
    session = object_session(target)
    if session is not None:
        session.info.setdefault(ROWS_TO_SEAL, []).append(target.id)


def seal_before_commit(session: Session) -> None:
    """Seal the rows this session's transaction inserted, after its last flush, just before it
    commits (not when a savepoint is released: the head must be the last lock taken)."""
    if session.in_nested_transaction():
        return
    session.flush()
    row_ids = session.info.pop(ROWS_TO_SEAL, None)
    if not row_ids:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    version = key_version(app, KEY_PURPOSE)
    seal_rows(session.connection(), row_ids, purpose_key(app, KEY_PURPOSE, version), version)


def forget_rows_to_seal(session: Session, previous_transaction: SessionTransaction) -> None:
    """A rolled-back transaction took its rows with it (a savepoint's rollback leaves the rest
    of the transaction's rows to seal; the ids of rows it took find nothing)."""
    if previous_transaction.parent is None:
        session.info.pop(ROWS_TO_SEAL, None)


def seal_every_commit() -> None:
    """Register the sealing listeners (once per process)."""
    listeners: list[tuple[Any, str, Any]] = [
        (AuditEvent, "after_insert", note_row_to_seal),
        (Session, "before_commit", seal_before_commit),
        (Session, "after_soft_rollback", forget_rows_to_seal),
    ]
    for target, name, listener in listeners:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
