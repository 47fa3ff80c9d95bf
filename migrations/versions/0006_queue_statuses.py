"""Queue ticket and contact-change statuses become enums; a ticket keeps its check-in's language.

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


def downgrade():
    bind = op.get_bind()
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
