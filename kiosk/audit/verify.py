"""`flask audit verify`: recompute the audit log's hash chain and name the first broken row.

Rows are streamed in sequence order as plain tuples (a server-side cursor on PostgreSQL, one
lazily read statement on SQLite), never as ORM objects: a million rows take seconds, not minutes
(bench/bench_audit_verify.py). Each row is checked against the stored hash of the row before it,
so a break is found at the row where it happened, not smeared over the rest of the log.

What a break most likely was:
- deleted: a sequence number is missing (or the log ends before the last one handed out);
- inserted: a sequence number appears twice, or a row lies beyond the last one handed out;
- reordered: the row's hash is right for another position nearby;
- edited: anything else whose hash does not match (changed fields, a forged or removed hash,
  a chain recomputed with another key).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Connection, or_, select

from kiosk.audit.chain import (
    EVENTS,
    GENESIS_HASH,
    HEAD,
    HEAD_ID,
    AuditRow,
    ChainKeys,
    canonical_row,
    link_hash,
    row_columns,
)

BATCH_ROWS = 10_000
# How far past a broken row the diagnosis looks for where a reordered row belongs (it tries
# every position against every hash there: LOOKAHEAD_ROWS squared HMACs, on a break only).
LOOKAHEAD_ROWS = 200


class BreakKind(enum.StrEnum):
    """The most likely kind of tampering at a broken row."""

    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"


@dataclass(frozen=True)
class ChainBreak:
    """The first row where the chain does not hold, and why it most likely does not."""

    kind: BreakKind
    sequence: int | None
    row_id: int | None
    explanation: str


@dataclass(frozen=True)
class ChainReport:
    """What a verification found: rows whose hash held, rows written before the chain existed
    (not sealed, so not verifiable), and the first break if any."""

    verified: int
    before_chain: int
    first_break: ChainBreak | None


def row_hash(keys: ChainKeys, previous_hash: str, row: AuditRow, sequence: int) -> str | None:
    """The hash `row` would have if it were sealed at `sequence` after `previous_hash` (None
    when it names no key version)."""
    _id, _sequence, moment, action, kiosk_id, patient_id, detail, _hash, version = row
    if version is None:
        return None
    encoded = canonical_row(sequence, moment, action, kiosk_id, patient_id, detail)
    return link_hash(keys[version], previous_hash, encoded)


def predecessor(connection: Connection, from_sequence: int) -> tuple[int, str]:
    """Where a verification from `from_sequence` starts: the sequence it expects first and the
    hash that row must follow (that of the last sealed row before it, or the genesis)."""
    before = connection.execute(
        select(EVENTS.c.sequence, EVENTS.c.chain_hash)
        .where(EVENTS.c.sequence < from_sequence)
        .order_by(EVENTS.c.sequence.desc())
        .limit(1)
    ).first()
    if before is None:
        return from_sequence, GENESIS_HASH
    return int(before.sequence) + 1, before.chain_hash or GENESIS_HASH


def verify_chain(
    connection: Connection, keys: ChainKeys, from_sequence: int = 1, batch_rows: int = BATCH_ROWS
) -> ChainReport:
    """Recompute the chain from `from_sequence` to the end and report the first break."""
    # Read before the rows: a row appended meanwhile can only lie beyond it, never before.
    head = connection.execute(
        select(HEAD.c.sequence, HEAD.c.legacy_through).where(HEAD.c.id == HEAD_ID)
    ).first()
    head_sequence, legacy_through = (head.sequence, head.legacy_through) if head else (None, 0)
    # Rows sealed as they were written chain from the genesis after the legacy segment.
    chain_start = legacy_through + 1
    expected, previous_hash = predecessor(connection, from_sequence)
    verified = before_chain = 0
    rows = connection.execute(
        select(*row_columns(connection.dialect.name))
        .where(EVENTS.c.sequence >= from_sequence)
        .order_by(EVENTS.c.sequence, EVENTS.c.id)
        .execution_options(stream_results=True, max_row_buffer=batch_rows)
    )
    for batch in rows.partitions(batch_rows):
        for row in batch:
            _id, sequence, moment, action, kiosk_id, patient_id, detail, stored, version = row
            # The path of every intact row, kept to the bare steps: it runs a million times.
            if sequence == expected and stored is not None and version is not None:
                if sequence == chain_start:
                    previous_hash = GENESIS_HASH
                encoded = canonical_row(sequence, moment, action, kiosk_id, patient_id, detail)
                if link_hash(keys[version], previous_hash, encoded) == stored:
                    verified += 1
                    expected, previous_hash = sequence + 1, stored
                    continue
            elif stored is None and sequence == expected and sequence < chain_start:
                if previous_hash == GENESIS_HASH:  # none of the legacy segment sealed yet
                    before_chain += 1
                    expected = sequence + 1
                    continue
            rows.close()
            broken = classify(connection, keys, row, expected, previous_hash, head_sequence)
            return ChainReport(verified, before_chain, broken)
    found = tail_break(expected, head_sequence) or row_without_sequence(connection)
    return ChainReport(verified, before_chain, found)


def classify(
    connection: Connection,
    keys: ChainKeys,
    row: AuditRow,
    expected: int,
    previous_hash: str,
    head_sequence: int | None,
) -> ChainBreak:
    """Why `row` breaks the chain: its number, a removed hash, or a hash that does not follow."""
    found = sequence_break(row, expected)
    if found is not None:
        return found
    if row.chain_hash is None:
        return ChainBreak(BreakKind.EDITED, row.sequence, row.id, "its chain hash was removed")
    return diagnose(connection, keys, row, previous_hash, head_sequence)


def row_without_sequence(connection: Connection) -> ChainBreak | None:
    """A committed row that was never sealed: the application seals every row it writes before
    its transaction commits, so this one was written around it."""
    row_id = connection.scalar(
        select(EVENTS.c.id).where(EVENTS.c.sequence.is_(None)).order_by(EVENTS.c.id).limit(1)
    )
    if row_id is None:
        return None
    why = "it has no sequence: it was written around the application"
    return ChainBreak(BreakKind.INSERTED, None, row_id, why)


def sequence_break(row: AuditRow, expected: int) -> ChainBreak | None:
    """A row numbered other than the next sequence: a duplicate (inserted) or a gap (deleted)."""
    if row.sequence == expected:
        return None
    if row.sequence < expected:
        why = f"a second row is numbered {row.sequence}"
        return ChainBreak(BreakKind.INSERTED, row.sequence, row.id, why)
    gap = f"{expected}" if row.sequence == expected + 1 else f"{expected}-{row.sequence - 1}"
    why = f"sequence {gap} is missing before it"
    return ChainBreak(BreakKind.DELETED, row.sequence, row.id, why)


def tail_break(expected: int, head_sequence: int | None) -> ChainBreak | None:
    """The log ends before the last sequence the application handed out: its last rows were
    deleted."""
    if head_sequence is None or expected > head_sequence:
        return None
    gap = f"{expected}" if expected == head_sequence else f"{expected}-{head_sequence}"
    return ChainBreak(BreakKind.DELETED, expected, None, f"sequence {gap} at the end is missing")


def diagnose(
    connection: Connection,
    keys: ChainKeys,
    row: AuditRow,
    previous_hash: str,
    head_sequence: int | None,
) -> ChainBreak:
    """Why `row`'s hash does not follow `previous_hash`: read the rows after it to tell an
    inserted or reordered row from an edited one."""
    after = connection.execute(
        select(*row_columns(connection.dialect.name))
        .where(
            or_(
                EVENTS.c.sequence > row.sequence,
                (EVENTS.c.sequence == row.sequence) & (EVENTS.c.id > row.id),
            )
        )
        .order_by(EVENTS.c.sequence, EVENTS.c.id)
        .limit(LOOKAHEAD_ROWS)
    ).all()

    def broken(kind: BreakKind, why: str) -> ChainBreak:
        return ChainBreak(kind, row.sequence, row.id, why)

    if after and after[0].sequence == row.sequence:
        return broken(BreakKind.INSERTED, f"a second row is numbered {row.sequence}")
    if head_sequence is not None and row.sequence > head_sequence:
        why = f"it lies beyond the last sequence the application handed out ({head_sequence})"
        return broken(BreakKind.INSERTED, why)
    # A row moved from position j was sealed after the hash of the row then before j, which is
    # now somewhere nearby (or is the hash before this position).
    hashes_nearby = {previous_hash} | {later.chain_hash for later in after if later.chain_hash}
    for later in after:
        for hash_before in hashes_nearby:
            if row_hash(keys, hash_before, row, later.sequence) == row.chain_hash:
                why = f"it was sealed as sequence {later.sequence}"
                return broken(BreakKind.REORDERED, why)
    return broken(BreakKind.EDITED, "its fields or hash differ from what was sealed")
