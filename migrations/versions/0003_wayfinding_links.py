"""Phone route links and anonymous wayfinding analytics.

Revision ID: 0003_wayfinding_links
Revises: 0002_print_queue
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_wayfinding_links"
down_revision = "0002_print_queue"
branch_labels = None
depends_on = None

# Model columns use kiosk.models.types.UTCDateTime, which stores exactly this database type.
UTC_DATETIME = sa.DateTime(timezone=True)
EVENT_KINDS = ("search", "search_no_result", "route_shown", "route_printed", "phone_link_opened")


def upgrade():
    op.create_table(
        "phone_route_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=120), nullable=False),
        sa.Column("destination_id", sa.String(length=120), nullable=False),
        sa.Column("profile", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_phone_route_links_expires_at", "phone_route_links", ["expires_at"])
    op.create_table(
        "wayfinding_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*EVENT_KINDS, name="wayfinding_event_kind"), nullable=False),
        sa.Column("occurred_at", UTC_DATETIME, nullable=False),
        sa.Column("query", sa.String(length=60), nullable=True),
        sa.Column("destination_id", sa.String(length=120), nullable=True),
        sa.Column("profile", sa.String(length=20), nullable=True),
        sa.Column("origin", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wayfinding_events_kind", "wayfinding_events", ["kind"])
    op.create_index("ix_wayfinding_events_occurred_at", "wayfinding_events", ["occurred_at"])


def downgrade():
    op.drop_index("ix_wayfinding_events_occurred_at", table_name="wayfinding_events")
    op.drop_index("ix_wayfinding_events_kind", table_name="wayfinding_events")
    op.drop_table("wayfinding_events")
    sa.Enum(name="wayfinding_event_kind").drop(op.get_bind(), checkfirst=True)
    op.drop_index("ix_phone_route_links_expires_at", table_name="phone_route_links")
    op.drop_table("phone_route_links")
