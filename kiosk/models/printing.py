"""Print jobs: the durable queue between a kiosk request and its receipt printer.

A job is written in the same transaction as what it prints, so a committed action always has
its receipt queued; a separate worker per printer sends it. `/healthz` reports the queue depth.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, utcnow


class PrintJobStatus(enum.StrEnum):
    """Where a job is; every job ends printed or failed, never silently dropped."""

    QUEUED = "queued"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


class PrintJob(Base):
    """One receipt waiting for, being sent to, or finished on a printer."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_printer_status", "printer_uri", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id", ondelete="SET NULL"))
    printer_uri: Mapped[str] = mapped_column(String(255))
    status: Mapped[PrintJobStatus] = mapped_column(
        Enum(
            PrintJobStatus,
            name="print_job_status",
            values_callable=lambda statuses: [status.value for status in statuses],
        ),
        default=PrintJobStatus.QUEUED,
    )
    # The exact ESC/POS bytes to send: rendering happens before queueing, not in the worker.
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
