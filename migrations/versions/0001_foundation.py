"""Foundation: kiosks, server-side kiosk sessions, print jobs.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

# Model columns use kiosk.models.types.UTCDateTime, which stores exactly this database type.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("printer_uri", sa.String(length=255), nullable=False),
        sa.Column("printer_profile", sa.String(length=40), nullable=False),
        sa.Column("enrolment_token_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolment_expires_at", UTC_DATETIME, nullable=True),
        sa.Column("device_token_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolled_at", UTC_DATETIME, nullable=True),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_token_hash"),
        sa.UniqueConstraint("enrolment_token_hash"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "kiosk_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_index("ix_kiosk_sessions_expires_at", "kiosk_sessions", ["expires_at"])
    op.create_index("ix_kiosk_sessions_kiosk_id", "kiosk_sessions", ["kiosk_id"])
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=True),
        sa.Column("printer_uri", sa.String(length=255), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "printing", "printed", "failed", name="print_job_status"),
            nullable=False,
        ),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_print_jobs_printer_status", "print_jobs", ["printer_uri", "status"])


def downgrade():
    op.drop_index("ix_print_jobs_printer_status", table_name="print_jobs")
    op.drop_table("print_jobs")
    op.drop_index("ix_kiosk_sessions_kiosk_id", table_name="kiosk_sessions")
    op.drop_index("ix_kiosk_sessions_expires_at", table_name="kiosk_sessions")
    op.drop_table("kiosk_sessions")
    op.drop_table("kiosks")
    sa.Enum(name="print_job_status").drop(op.get_bind(), checkfirst=True)
