"""Print queue: retry schedule, lease, outcome and profile on print jobs; printer status.

Revision ID: 0002_print_queue
Revises: 0001_foundation
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_print_queue"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# Model columns use kiosk.models.types.UTCDateTime, which stores exactly this database type.
UTC_DATETIME = sa.DateTime(timezone=True)
REPRINT_FOREIGN_KEY = "fk_print_jobs_reprint_of_id_print_jobs"


def upgrade():
    op.create_table(
        "printer_statuses",
        sa.Column("printer_uri", sa.String(length=255), nullable=False),
        sa.Column(
            "state",
            sa.Enum("online", "offline", "unknown", name="printer_state"),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_success_at", UTC_DATETIME, nullable=True),
        sa.Column("checked_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("printer_uri"),
    )
    # Jobs queued before this revision keep working: they become due at their creation time and
    # are taken to be for the default 80 mm profile. The server defaults only fill those rows;
    # the application always sets the values itself, so they are dropped again below.
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.add_column(
            sa.Column(
                "printer_profile",
                sa.String(length=40),
                nullable=False,
                server_default="TM-T20II",
            )
        )
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("next_attempt_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("claimed_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("printed_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(
            sa.Column(
                "confirmed_by_printer",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch_op.add_column(sa.Column("reprint_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            REPRINT_FOREIGN_KEY, "print_jobs", ["reprint_of_id"], ["id"], ondelete="SET NULL"
        )
    op.execute("UPDATE print_jobs SET next_attempt_at = created_at")
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.alter_column("next_attempt_at", existing_type=UTC_DATETIME, nullable=False)
        batch_op.alter_column(
            "printer_profile", existing_type=sa.String(length=40), server_default=None
        )
        batch_op.alter_column("purpose", existing_type=sa.String(length=40), server_default=None)
        batch_op.alter_column(
            "confirmed_by_printer", existing_type=sa.Boolean(), server_default=None
        )


def downgrade():
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.drop_constraint(REPRINT_FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("reprint_of_id")
        batch_op.drop_column("confirmed_by_printer")
        batch_op.drop_column("printed_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("purpose")
        batch_op.drop_column("printer_profile")
    op.drop_table("printer_statuses")
    sa.Enum(name="printer_state").drop(op.get_bind(), checkfirst=True)
