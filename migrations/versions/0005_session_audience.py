"""Sessions know their audience (kiosk or staff), their user and an absolute end.

Revision ID: 0005_session_audience
Revises: 0004_patient_arrival
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_session_audience"
down_revision = "0004_patient_arrival"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("kiosk_sessions") as batch:
        batch.add_column(
            sa.Column("audience", sa.String(length=16), nullable=False, server_default="kiosk")
        )
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("absolute_expires_at", UTC_DATETIME, nullable=True))
        batch.create_index("ix_kiosk_sessions_user_id", ["user_id"])


def downgrade():
    with op.batch_alter_table("kiosk_sessions") as batch:
        batch.drop_index("ix_kiosk_sessions_user_id")
        batch.drop_column("absolute_expires_at")
        batch.drop_column("user_id")
        batch.drop_column("audience")
