"""Sealing the rows written before the chain existed (`flask audit seal`, once after upgrading
to migration 0014).

Those rows were numbered by the migration, which could not hash them: the key lives in the
application. Sealing chains them from the genesis hash in sequence order, as a segment of their
own that ends at the head's `legacy_through`; the rows sealed as they were written follow it,
also from the genesis hash (they were sealed before this segment existed). The database lets
exactly this UPDATE through its append-only guard: the hash and key version of a row that has
none, every other column unchanged. Until it has run, `flask audit verify` counts those rows
as not sealed.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select, update

from kiosk.audit.chain import (
    EVENTS,
    GENESIS_HASH,
    HEAD,
    HEAD_ID,
    canonical_row,
    link_hash,
    row_columns,
)

BATCH_ROWS = 10_000


def seal_rows_before_chain(connection: Connection, key: bytes, version: int) -> int:
    """Seal every unsealed row up to the head's `legacy_through` in `connection`'s transaction;
    the number sealed (0 when they are sealed already). Locks the head while it runs."""
    legacy_through = connection.scalar(
        select(HEAD.c.legacy_through).where(HEAD.c.id == HEAD_ID).with_for_update()
    )
    if not legacy_through:
        return 0
    columns = row_columns(connection.dialect.name)
    sealing = (
        update(EVENTS)
        .where(EVENTS.c.id == bindparam("row_id"), EVENTS.c.chain_hash.is_(None))
        .values(chain_hash=bindparam("sealed_hash"), key_version=version)
    )
    previous_hash, last_sequence, sealed = GENESIS_HASH, 0, 0
    while True:
        rows = connection.execute(
            select(*columns)
            .where(EVENTS.c.sequence > last_sequence, EVENTS.c.sequence <= legacy_through)
            .order_by(EVENTS.c.sequence)
            .limit(BATCH_ROWS)
        ).all()
        if not rows or rows[0].chain_hash is not None:
            return sealed
        seals = []
        for row_id, sequence, moment, action, kiosk_id, patient_id, detail, *_ in rows:
            encoded = canonical_row(sequence, moment, action, kiosk_id, patient_id, detail)
            previous_hash = link_hash(key, previous_hash, encoded)
            seals.append({"row_id": row_id, "sealed_hash": previous_hash})
        connection.execute(sealing, seals)
        sealed += len(seals)
        last_sequence = rows[-1].sequence
