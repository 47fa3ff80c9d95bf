"""The shared floorplan draft that facility staff edit before publishing (with the revision that
refuses a stale save) and its bounded undo and redo history.

Revision ID: 0020_floorplan_drafts
Revises: 0018_api_clients
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_floorplan_drafts"
down_revision = "0018_api_clients"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
DRAFT_STACK = sa.Enum("undo", "redo", name="draft_stack")


def upgrade():
    op.create_table(
        "floorplan_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base_number", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["updated_by"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "floorplan_draft_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stack", DRAFT_STACK, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["saved_by"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_floorplan_draft_snapshots_stack", "floorplan_draft_snapshots", ["stack", "id"]
    )


def downgrade():
    op.drop_index("ix_floorplan_draft_snapshots_stack", table_name="floorplan_draft_snapshots")
    op.drop_table("floorplan_draft_snapshots")
    op.drop_table("floorplan_drafts")
    DRAFT_STACK.drop(op.get_bind(), checkfirst=True)
