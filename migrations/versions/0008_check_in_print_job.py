"""The print job of a check-in's ticket, so the done screen can say how its printing went.

Revision ID: 0008_check_in_print_job
Revises: 0007_print_delivery
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_check_in_print_job"
down_revision = "0007_print_delivery"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_check_ins_print_job_id_print_jobs"


def upgrade():
    with op.batch_alter_table("check_ins") as batch_op:
        batch_op.add_column(sa.Column("print_job_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            FOREIGN_KEY, "print_jobs", ["print_job_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("check_ins") as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("print_job_id")
