"""The review queue's decisions: who accepted, corrected or rejected a card captured at a kiosk
(and why), who accepted or rejected a contact change (and the value it replaced), and who
verified a walk-in or merged it into an existing patient's record.

Revision ID: 0012_review_decisions
Revises: 0011_kiosk_alerts
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_review_decisions"
down_revision = "0011_kiosk_alerts"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("insurance_coverages") as batch:
        batch.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("review_outcome", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("rejection_reason", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("rejection_note", sa.String(length=200), nullable=True))
    with op.batch_alter_table("contact_changes") as batch:
        batch.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decided_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("old_value", sa.String(length=200), nullable=True))
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("verified_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verified_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("patients") as batch:
        batch.drop_column("merged_into_id")
        batch.drop_column("verified_at")
        batch.drop_column("verified_by")
    with op.batch_alter_table("contact_changes") as batch:
        batch.drop_column("old_value")
        batch.drop_column("decided_at")
        batch.drop_column("decided_by")
    with op.batch_alter_table("insurance_coverages") as batch:
        batch.drop_column("rejection_note")
        batch.drop_column("rejection_reason")
        batch.drop_column("review_outcome")
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
