"""The hospital's own appointment ids, so schedule imports update instead of duplicating, and
the table of published floorplan versions.

Revision ID: 0013_floorplan_versions
Revises: 0012_review_decisions
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_floorplan_versions"
down_revision = "0012_review_decisions"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_appointments_external_id", ["external_id"])
    op.create_table(
        "floorplan_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False, unique=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", UTC_DATETIME, nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("restores_number", sa.Integer(), nullable=True),
    )


def downgrade():
    op.drop_table("floorplan_versions")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_constraint("uq_appointments_external_id", type_="unique")
        batch.drop_column("external_id")
