"""The outbox of HL7 messages to the hospital's interface engine: arrivals, queue changes and
accepted insurance cards, each queued in the transaction of the change it reports.

Revision ID: 0017_outbox
Revises: 0016_hl7_inbound
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_outbox"
down_revision = "0016_hl7_inbound"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
OUTBOUND_KIND = sa.Enum("appointment_status", "coverage_accepted", name="outbound_kind")
OUTBOUND_STATE = sa.Enum("pending", "sending", "sent", "failed", name="outbound_state")


def upgrade():
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", OUTBOUND_KIND, nullable=False),
        sa.Column("message_type", sa.String(length=10), nullable=False),
        sa.Column(
            "appointment_id",
            sa.Integer(),
            sa.ForeignKey("appointments.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "coverage_id",
            sa.Integer(),
            sa.ForeignKey("insurance_coverages.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("reported_status", sa.String(length=20), nullable=False),
        sa.Column("state", OUTBOUND_STATE, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=False),
        sa.Column("claimed_at", UTC_DATETIME, nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.Column("control_id", sa.String(length=20), nullable=True),
        sa.Column("acked_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
    )
    op.create_index(
        "ix_outbound_messages_state_due", "outbound_messages", ["state", "next_attempt_at"]
    )
    op.create_index(
        "ix_outbound_messages_appointment", "outbound_messages", ["appointment_id", "id"]
    )


def downgrade():
    op.drop_index("ix_outbound_messages_appointment", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_state_due", table_name="outbound_messages")
    op.drop_table("outbound_messages")
    OUTBOUND_STATE.drop(op.get_bind(), checkfirst=True)
    OUTBOUND_KIND.drop(op.get_bind(), checkfirst=True)
