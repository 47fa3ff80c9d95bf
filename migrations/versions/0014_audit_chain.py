"""The audit log becomes a tamper-evident chain: append-only, numbered, hashed.

`audit_events` gains `sequence` (strictly increasing, unique, given as a row's transaction
commits), `chain_hash` and `key_version`; the table `audit_chain_head` holds the last sequence
handed out and its hash (the lock sealing takes, kiosk/audit/chain.py). The database itself
refuses UPDATE and DELETE on `audit_events` (a PostgreSQL trigger function, SQLite triggers)
except sealing: setting the hash, the key version and, where there is none yet, the sequence of
a row without a hash, every other column unchanged. The foreign keys to kiosks and patients go:
they would block deleting a kiosk or purging a walk-in, or rewrite the log (SET NULL) to follow
them, and a log must keep what it recorded.

Rows written before this migration are numbered in id order and keep `chain_hash` NULL (the
migration cannot compute the keyed hashes without importing application code); the head's
`legacy_through` names the last of them, and `flask audit seal`, run once after the upgrade,
seals them as a chain of their own (README, "Audit log").

Revision ID: 0014_audit_chain
Revises: 0013_floorplan_versions
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_audit_chain"
down_revision = "0013_floorplan_versions"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
# SQLite's foreign keys are unnamed in 0004; batch mode names them with this convention.
SQLITE_NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s"}
FOREIGN_KEYS = {"kiosk_id": ("kiosks", "SET NULL"), "patient_id": ("patients", None)}

POSTGRESQL_GUARD = (
    """
    CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL
            AND (OLD.sequence IS NULL OR NEW.sequence IS NOT DISTINCT FROM OLD.sequence)
            AND (NEW.id, NEW.occurred_at, NEW.action, NEW.kiosk_id, NEW.patient_id,
                 NEW.detail::text)
            IS NOT DISTINCT FROM (OLD.id, OLD.occurred_at, OLD.action, OLD.kiosk_id,
                 OLD.patient_id, OLD.detail::text)
        THEN
            RETURN NEW;  -- sealing a row: numbered and hashed once, nothing else changed
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()
    """,
)
SEALING_ONLY = " AND ".join(
    [
        "OLD.chain_hash IS NULL",
        "NEW.chain_hash IS NOT NULL",
        "(OLD.sequence IS NULL OR NEW.sequence IS OLD.sequence)",
    ]
    + [
        f"NEW.{column} IS OLD.{column}"
        for column in ("id", "occurred_at", "action", "kiosk_id", "patient_id", "detail")
    ]
)
SQLITE_GUARD = (
    f"""
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    WHEN NOT ({SEALING_ONLY})
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END
    """,
)


def foreign_key_name(dialect: str, column: str) -> str:
    """The name the database gave 0004's unnamed foreign key on `column`."""
    if dialect == "postgresql":
        return f"audit_events_{column}_fkey"
    return f"fk_audit_events_{column}"


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("audit_events", naming_convention=SQLITE_NAMING) as batch:
        for column in FOREIGN_KEYS:
            batch.drop_constraint(foreign_key_name(dialect, column), type_="foreignkey")
        batch.add_column(sa.Column("sequence", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("key_version", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE audit_events SET sequence = numbered.n FROM"
        " (SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_events) AS numbered"
        " WHERE audit_events.id = numbered.id"
    )
    # Nullable: a row gets its number as its transaction commits (kiosk/audit/chain.py).
    op.create_index("ix_audit_events_sequence", "audit_events", ["sequence"], unique=True)
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.Column("legacy_through", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute(
        "INSERT INTO audit_chain_head (id, sequence, chain_hash, legacy_through)"
        f" SELECT 1, COALESCE(MAX(sequence), 0), '{GENESIS_HASH}', COALESCE(MAX(sequence), 0)"
        " FROM audit_events"
    )
    for statement in POSTGRESQL_GUARD if dialect == "postgresql" else SQLITE_GUARD:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_refuse_change()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_sequence")
        batch.drop_column("key_version")
        batch.drop_column("chain_hash")
        batch.drop_column("sequence")
        for column, (table, ondelete) in FOREIGN_KEYS.items():
            batch.create_foreign_key(
                foreign_key_name(dialect, column), table, [column], ["id"], ondelete=ondelete
            )
