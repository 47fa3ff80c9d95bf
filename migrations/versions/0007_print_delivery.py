"""Print delivery: a "sent" status (bytes out, not yet proven read), when a job ended, receipts
that retention may drop, and an index that counts pending jobs without reading history.

Jobs that were "printed" without the printer ever answering become "sent": that is all they
ever were. `confirmed_by_printer` goes, since "printed" now always means confirmed.

Revision ID: 0007_print_delivery
Revises: 0006_queue_statuses
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_print_delivery"
down_revision = "0006_queue_statuses"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
OLD_STATUSES = ("queued", "printing", "printed", "failed")
NEW_STATUSES = ("queued", "printing", "sent", "printed", "failed")
OLD_INDEX = "ix_print_jobs_printer_status"
PENDING_INDEX = "ix_print_jobs_status_printer_due"
RETENTION_INDEX = "ix_print_jobs_ended_with_receipt"
KEPT_RECEIPT = sa.text("payload IS NOT NULL")


def set_status_values(values):
    """Give PostgreSQL's enum type exactly `values` (rebuilt, as values cannot be removed).

    SQLite stores the status as VARCHAR(8) without a CHECK constraint, which "sent" fits.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TYPE print_job_status RENAME TO print_job_status_old")
    sa.Enum(*values, name="print_job_status").create(op.get_bind())
    op.execute(
        "ALTER TABLE print_jobs ALTER COLUMN status TYPE print_job_status"
        " USING status::text::print_job_status"
    )
    op.execute("DROP TYPE print_job_status_old")


def upgrade():
    set_status_values(NEW_STATUSES)
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.add_column(sa.Column("ended_at", UTC_DATETIME, nullable=True))
        batch_op.alter_column("payload", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.drop_index(OLD_INDEX)
        batch_op.create_index(PENDING_INDEX, ["status", "printer_uri", "next_attempt_at"])
    op.execute(
        "UPDATE print_jobs SET status = 'sent' WHERE status = 'printed'"
        " AND NOT confirmed_by_printer"
    )
    op.execute(
        "UPDATE print_jobs SET ended_at = updated_at WHERE status IN ('sent', 'printed', 'failed')"
    )
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.drop_column("confirmed_by_printer")
    op.create_index(
        RETENTION_INDEX,
        "print_jobs",
        ["ended_at"],
        sqlite_where=KEPT_RECEIPT,
        postgresql_where=KEPT_RECEIPT,
    )


def downgrade():
    op.drop_index(RETENTION_INDEX, table_name="print_jobs")
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.add_column(
            sa.Column(
                "confirmed_by_printer", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    # A sent job was printed-unconfirmed before; a dropped receipt cannot come back, so it
    # becomes an empty one (reprinting it prints nothing rather than failing).
    op.execute(
        "UPDATE print_jobs SET confirmed_by_printer = (status = 'printed'),"
        " status = CASE WHEN status = 'sent' THEN 'printed' ELSE status END"
    )
    op.execute(
        sa.text("UPDATE print_jobs SET payload = :empty WHERE payload IS NULL").bindparams(
            empty=b""
        )
    )
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.alter_column(
            "confirmed_by_printer", existing_type=sa.Boolean(), server_default=None
        )
        batch_op.alter_column("payload", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_index(PENDING_INDEX)
        batch_op.create_index(OLD_INDEX, ["printer_uri", "status"])
        batch_op.drop_column("ended_at")
    set_status_values(OLD_STATUSES)
