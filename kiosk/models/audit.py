"""The audit log: who touched which patient's data, when and how, as a tamper-evident chain.

Rows are only ever added (the database refuses UPDATE and DELETE but the sealing of a row, see
migration 0014_audit_chain). Each row carries its place in the chain (`sequence`, strictly
increasing, without gaps) and `chain_hash`, a keyed hash over the previous row's hash and this
row's fields, both given as its transaction commits (`kiosk/audit/chain.py`), so an edited,
deleted, inserted or reordered row breaks the chain at that row. `AuditChainHead` holds the last
sequence handed out and its hash: sealing locks it, so two transactions never chain onto the
same predecessor.

Kiosk and patient are plain ids, not foreign keys: the log outlives what it names (a kiosk
retired, a walk-in merged or purged) and must never be rewritten to follow them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, utcnow


class AuditEvent(Base):
    """Who (which kiosk or staff member) touched which patient's data, when and how. No PHI in
    `detail`; the staff member who acted is `detail["staff_id"]`."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    kiosk_id: Mapped[int | None]
    patient_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Assigned as the row's transaction commits, under the chain head's lock
    # (kiosk/audit/chain.py); NULL only until then.
    sequence: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)
    # NULL only for rows written before the chain existed, until `flask audit seal` seals them.
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    key_version: Mapped[int | None] = mapped_column(Integer)


class AuditChainHead(Base):
    """The one row (id 1) naming the chain's last sequence and hash: the lock sealing takes."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger)
    chain_hash: Mapped[str] = mapped_column(String(64))
    # The last row written before the chain existed (0 if none): rows up to it were numbered by
    # migration 0014 and form their own chain once `flask audit seal` has run; the chain of
    # rows sealed as written starts after it, from the genesis hash.
    legacy_through: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
