"""Kiosk alerts for the front desk ("Call staff", repeated failed lookups, printer problems),
the departments each coordinator works for, and queue events tied to the staff account that
acted (set to NULL if the account is deleted).

Revision ID: 0011_kiosk_alerts
Revises: 0010_queue_calls
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_kiosk_alerts"
down_revision = "0010_queue_calls"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
KIOSK_ALERT_KIND = sa.Enum(
    "help_requested",
    "failed_lookups",
    "printer_offline",
    "print_failed",
    name="kiosk_alert_kind",
)
OPEN_ALERT = sa.text("resolved_at IS NULL")


def upgrade():
    op.create_table(
        "kiosk_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("kind", KIOSK_ALERT_KIND, nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("raised_at", UTC_DATETIME, nullable=False),
        sa.Column("acknowledged_at", UTC_DATETIME, nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["acknowledged_by"], ["staff_users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolved_by"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_kiosk_alerts_open_kind",
        "kiosk_alerts",
        ["kiosk_id", "kind"],
        unique=True,
        sqlite_where=OPEN_ALERT,
        postgresql_where=OPEN_ALERT,
    )
    op.create_index("ix_kiosk_alerts_changed_at", "kiosk_alerts", ["changed_at"])
    op.create_table(
        "staff_departments",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("staff_id", "department_id"),
    )
    # Actions by accounts that never existed (recorded before staff accounts did) lose their id.
    op.execute(
        "UPDATE queue_events SET staff_id = NULL"
        " WHERE staff_id IS NOT NULL AND staff_id NOT IN (SELECT id FROM staff_users)"
    )
    with op.batch_alter_table("queue_events") as batch:
        batch.create_foreign_key(
            "fk_queue_events_staff_id", "staff_users", ["staff_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("queue_events") as batch:
        batch.drop_constraint("fk_queue_events_staff_id", type_="foreignkey")
    op.drop_table("staff_departments")
    op.drop_index("ix_kiosk_alerts_changed_at", table_name="kiosk_alerts")
    op.drop_index("uq_kiosk_alerts_open_kind", table_name="kiosk_alerts")
    op.drop_table("kiosk_alerts")
    KIOSK_ALERT_KIND.drop(op.get_bind(), checkfirst=True)
