"""Queue ticket and contact-change statuses become enums; a ticket keeps its check-in's language;
the lookup throttle counts failures in sliding windows (one row per attempt) and remembers when
staff lifted a lockout.

Revision ID: 0006_queue_statuses
Revises: 0005_session_audience
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_queue_statuses"
down_revision = "0005_session_audience"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)

QUEUE_TICKET_STATUS = sa.Enum(
    "waiting", "called", "requeued", "roomed", "done", "no_show", name="queue_ticket_status"
)
CONTACT_CHANGE_STATUS = sa.Enum("pending", "accepted", "rejected", name="contact_change_status")
STATUS_COLUMNS = (
    ("queue_tickets", QUEUE_TICKET_STATUS),
    ("contact_changes", CONTACT_CHANGE_STATUS),
)


def upgrade():
    bind = op.get_bind()
    for table, status_type in STATUS_COLUMNS:
        # PostgreSQL needs the type before a column can use it; SQLite stores plain text.
        status_type.create(bind, checkfirst=True)
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "status",
                existing_type=sa.String(length=20),
                type_=status_type,
                existing_nullable=False,
                postgresql_using=f"status::{status_type.name}",
            )
    with op.batch_alter_table("queue_tickets") as batch:
        batch.add_column(
            sa.Column("lang", sa.String(length=8), nullable=False, server_default="en")
        )
    with op.batch_alter_table("lookup_throttles") as batch:
        batch.drop_column("consecutive_failures")
        batch.drop_column("blocked_until")
        batch.add_column(sa.Column("lifted_at", UTC_DATETIME, nullable=True))
    op.create_table(
        "lookup_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("attempted_at", UTC_DATETIME, nullable=False),
        sa.Column("failed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lookup_attempts") as batch:
        batch.create_index("ix_lookup_attempts_bucket_attempted_at", ["bucket", "attempted_at"])
        batch.create_index("ix_lookup_attempts_attempted_at", ["attempted_at"])


def downgrade():
    bind = op.get_bind()
    op.drop_table("lookup_attempts")
    with op.batch_alter_table("lookup_throttles") as batch:
        batch.drop_column("lifted_at")
        batch.add_column(sa.Column("blocked_until", UTC_DATETIME, nullable=True))
        batch.add_column(
            sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("queue_tickets") as batch:
        batch.drop_column("lang")
    for table, status_type in STATUS_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "status",
                existing_type=status_type,
                type_=sa.String(length=20),
                existing_nullable=False,
                postgresql_using="status::text",
            )
        status_type.drop(bind, checkfirst=True)
