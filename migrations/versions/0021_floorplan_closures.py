"""Closures staff add on the Closures screen: the element, a reason code, a staff-only note,
from when until when, who closed it and who lifted it early.

Revision ID: 0021_floorplan_closures
Revises: 0020_floorplan_drafts
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_floorplan_closures"
down_revision = "0020_floorplan_drafts"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
REASONS = ("works", "cleaning", "fault", "event", "other")


def upgrade():
    op.create_table(
        "floorplan_closures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("element", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Enum(*REASONS, name="floorplan_closure_reason"), nullable=False),
        sa.Column("staff_note", sa.String(length=500), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("until", UTC_DATETIME, nullable=False),
        sa.Column(
            "created_by",
            sa.Integer(),
            sa.ForeignKey("staff_users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column(
            "lifted_by",
            sa.Integer(),
            sa.ForeignKey("staff_users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("lifted_at", UTC_DATETIME, nullable=True),
        sa.Column("submission", sa.String(length=64), nullable=False, unique=True),
    )
    op.create_index("ix_floorplan_closures_until", "floorplan_closures", ["until"])


def downgrade():
    op.drop_index("ix_floorplan_closures_until", table_name="floorplan_closures")
    op.drop_table("floorplan_closures")
    sa.Enum(name="floorplan_closure_reason").drop(op.get_bind(), checkfirst=True)
