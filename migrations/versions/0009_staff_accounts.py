"""Staff accounts with roles, two-step sign-in and login tracking; sign-in failures for the
throttle; the staff account event trail. Role rows are created when an account
first gets the role.

Revision ID: 0009_staff_accounts
Revises: 0008_check_in_print_job
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_staff_accounts"
down_revision = "0008_check_in_print_job"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("password", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("fs_uniquifier", sa.String(length=64), nullable=False),
        sa.Column("tf_primary_method", sa.String(length=32), nullable=True),
        sa.Column("tf_totp_secret", sa.String(length=255), nullable=True),
        sa.Column("tf_totp_last_counter", sa.Integer(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_ip", sa.String(length=64), nullable=True),
        sa.Column("current_login_ip", sa.String(length=64), nullable=True),
        sa.Column("login_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("fs_uniquifier"),
    )
    op.create_table(
        "staff_user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["role_id"], ["staff_roles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role_id"),
    )
    op.create_table(
        "staff_signin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_signin_failures") as batch_op:
        batch_op.create_index("ix_staff_signin_failures_occurred_at", ["occurred_at"])
        batch_op.create_index("ix_staff_signin_failures_account_key", ["account_key"])
        batch_op.create_index("ix_staff_signin_failures_address", ["address"])
    op.create_table(
        "staff_account_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["subject_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_account_events") as batch_op:
        batch_op.create_index("ix_staff_account_events_occurred_at", ["occurred_at"])
        batch_op.create_index("ix_staff_account_events_action", ["action"])
        batch_op.create_index("ix_staff_account_events_subject_id", ["subject_id"])


def downgrade():
    op.drop_table("staff_account_events")
    op.drop_table("staff_signin_failures")
    op.drop_table("staff_user_roles")
    op.drop_table("staff_users")
    op.drop_table("staff_roles")
