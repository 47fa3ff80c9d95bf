"""The front desk's queue: ticket versions and where a ticket was called to, the history of
staff actions on tickets (queue_events), check-ins marked kiosk or desk, and waiting-room boards.

Revision ID: 0010_queue_calls
Revises: 0009_staff_accounts
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_queue_calls"
down_revision = "0009_staff_accounts"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)

QUEUE_ACTION = sa.Enum(
    "call", "recall", "requeue", "roomed", "done", "no_show", "undo", name="queue_action"
)
ARRIVAL_CHANNEL = sa.Enum("kiosk", "desk", name="arrival_channel")
# Types made by earlier revisions: used here, never created or dropped again.
QUEUE_TICKET_STATUS = postgresql.ENUM(
    "waiting",
    "called",
    "requeued",
    "roomed",
    "done",
    "no_show",
    name="queue_ticket_status",
    create_type=False,
)
APPOINTMENT_STATUS = postgresql.ENUM(
    "booked",
    "arrived",
    "in_room",
    "done",
    "cancelled",
    "no_show",
    name="appointment_status",
    create_type=False,
)


def upgrade():
    bind = op.get_bind()
    ARRIVAL_CHANNEL.create(bind, checkfirst=True)
    QUEUE_ACTION.create(bind, checkfirst=True)
    with op.batch_alter_table("queue_tickets") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("called_to", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("called_at", UTC_DATETIME, nullable=True))
    with op.batch_alter_table("check_ins") as batch:
        batch.add_column(
            sa.Column(
                "channel",
                postgresql.ENUM("kiosk", "desk", name="arrival_channel", create_type=False),
                nullable=False,
                server_default="kiosk",
            )
        )
    op.create_table(
        "queue_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column(
            "action",
            postgresql.ENUM(*QUEUE_ACTION.enums, name="queue_action", create_type=False),
            nullable=False,
        ),
        sa.Column("ticket_status_before", QUEUE_TICKET_STATUS, nullable=False),
        sa.Column("ticket_status_after", QUEUE_TICKET_STATUS, nullable=False),
        sa.Column("appointment_status_before", APPOINTMENT_STATUS, nullable=True),
        sa.Column("appointment_status_after", APPOINTMENT_STATUS, nullable=True),
        sa.Column("called_to_before", sa.String(length=40), nullable=True),
        sa.Column("called_to_after", sa.String(length=40), nullable=True),
        sa.Column("called_at_before", UTC_DATETIME, nullable=True),
        sa.Column("version_after", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.Column("occurred_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["queue_tickets.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["undone_by"], ["queue_events.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("queue_events") as batch:
        batch.create_index("ix_queue_events_ticket_id", ["ticket_id"])
        batch.create_index(
            "ix_queue_events_department_day", ["department_id", "service_date", "id"]
        )
    op.create_table(
        "boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("area", sa.String(length=80), nullable=False),
        sa.Column("enrolment_token_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolment_expires_at", UTC_DATETIME, nullable=True),
        sa.Column("device_token_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolled_at", UTC_DATETIME, nullable=True),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("enrolment_token_hash"),
        sa.UniqueConstraint("device_token_hash"),
    )


def downgrade():
    bind = op.get_bind()
    op.drop_table("boards")
    op.drop_table("queue_events")
    with op.batch_alter_table("check_ins") as batch:
        batch.drop_column("channel")
    with op.batch_alter_table("queue_tickets") as batch:
        batch.drop_column("called_at")
        batch.drop_column("called_to")
        batch.drop_column("version")
    QUEUE_ACTION.drop(bind, checkfirst=True)
    ARRIVAL_CHANNEL.drop(bind, checkfirst=True)
