"""Inbound HL7 v2 messages from the hospital's interface engine, each with the outcome it was
acknowledged with; a sender's control id is recognised when the message is sent again.

Revision ID: 0016_hl7_inbound
Revises: 0014_audit_chain
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_hl7_inbound"
down_revision = "0014_audit_chain"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
STATUS = sa.Enum("accepted", "rejected", "duplicate", name="hl7_inbound_status")
NOT_A_DUPLICATE = sa.text("status <> 'duplicate'")


def upgrade():
    op.create_table(
        "hl7_inbound_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
        sa.Column("sending_application", sa.String(length=180), nullable=False),
        sa.Column("sending_facility", sa.String(length=180), nullable=False),
        sa.Column("control_id", sa.String(length=199), nullable=True),
        sa.Column("message_type", sa.String(length=20), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("ack_code", sa.String(length=2), nullable=False),
        sa.Column("error_condition", sa.String(length=3), nullable=True),
        sa.Column("error_location", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("processed_at", UTC_DATETIME, nullable=False),
        sa.Column(
            "duplicate_of_id",
            sa.Integer(),
            sa.ForeignKey("hl7_inbound_messages.id", ondelete="CASCADE"),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_hl7_inbound_messages_received_at", "hl7_inbound_messages", ["received_at"]
    )
    op.create_index(
        "uq_hl7_inbound_messages_control_id",
        "hl7_inbound_messages",
        ["sending_facility", "control_id"],
        unique=True,
        sqlite_where=NOT_A_DUPLICATE,
        postgresql_where=NOT_A_DUPLICATE,
    )


def downgrade():
    op.drop_index("uq_hl7_inbound_messages_control_id", table_name="hl7_inbound_messages")
    op.drop_index("ix_hl7_inbound_messages_received_at", table_name="hl7_inbound_messages")
    op.drop_table("hl7_inbound_messages")
    STATUS.drop(op.get_bind(), checkfirst=True)
