"""Integration clients of the FHIR read API: name, token digest, scopes, who created them,
when they were last used and when they were revoked.

Revision ID: 0018_api_clients
Revises: 0017_outbox
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_api_clients"
down_revision = "0017_outbox"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=80), nullable=False, unique=True),
        sa.Column("token_digest", sa.String(length=64), nullable=False, unique=True),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.Column("last_used_at", UTC_DATETIME, nullable=True),
    )


def downgrade():
    op.drop_table("api_clients")
