"""Print jobs and printer status: the durable queue between a kiosk request and its printer.

A job is written in the same transaction as what it prints, so a committed action always has
its receipt queued; a print dispatcher sends it, one writer per printer. `/healthz` reports the
queue depth from an index, so its cost follows the queue, not the history. No column holds
patient data: the payload is the receipt as printed (which by policy carries none), `purpose` is
a label such as "directions", and errors are short technical phrases. The payload is dropped a
configurable number of days after the job ended (`PRINT_JOB_RETENTION_DAYS`).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow


class PrintJobStatus(enum.StrEnum):
    """Where a job is; every job ends printed, sent or failed, never silently dropped.

    PRINTING: a worker holds the job and is writing its bytes. SENT: every byte left Lobby, but
    no printer has yet proven it read them; a printer whose profile answers status queries
    moves the job on to PRINTED (it answered after the data) or back to QUEUED / FAILED (it
    did not), while a printer that cannot answer (a device file, a model without status)
    leaves the job SENT for good. PRINTED: the printer answered a status query sent after the
    data, online and with paper — see `kiosk.printing` for exactly what that proves.
    """

    QUEUED = "queued"
    PRINTING = "printing"
    SENT = "sent"
    PRINTED = "printed"
    FAILED = "failed"


# Jobs a worker still has to take or finish: what `/healthz` reports as the queue depth.
PENDING_PRINT_JOB_STATUSES = (PrintJobStatus.QUEUED, PrintJobStatus.PRINTING)
# Jobs nothing will touch again (a SENT job may still become PRINTED within one attempt, but
# a job SENT for longer than the lease is over: its printer cannot confirm).
ENDED_PRINT_JOB_STATUSES = (PrintJobStatus.SENT, PrintJobStatus.PRINTED, PrintJobStatus.FAILED)


class PrinterState(enum.StrEnum):
    """What the worker last learnt about a printer.

    UNKNOWN is its own state because ESC/POS printers often do not answer status queries (and
    device files cannot be asked): silence is not evidence of a fault.
    """

    ONLINE = "online"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class PrintJob(Base):
    """One receipt waiting for, being sent to, or finished on a printer."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        # Status first: `/healthz` counts pending jobs from this index alone, reading only the
        # pending entries; the worker's "next due job of this printer" uses all three columns.
        Index("ix_print_jobs_status_printer_due", "status", "printer_uri", "next_attempt_at"),
        # Retention finds ended jobs that still keep their receipt without reading the others.
        Index(
            "ix_print_jobs_ended_with_receipt",
            "ended_at",
            sqlite_where=text("payload IS NOT NULL"),
            postgresql_where=text("payload IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id", ondelete="SET NULL"))
    printer_uri: Mapped[str] = mapped_column(String(255))
    # The python-escpos profile the payload was rendered for; previews need its paper width.
    printer_profile: Mapped[str] = mapped_column(String(40), default="TM-T20II")
    # What kind of receipt this is ("directions", "ticket"): for staff lists, never patient data.
    purpose: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[PrintJobStatus] = mapped_column(
        enum_column(PrintJobStatus, "print_job_status"),
        default=PrintJobStatus.QUEUED,
    )
    # The exact ESC/POS bytes to send: rendering happens before queueing, not in the worker.
    # None once retention dropped them (the row stays for the history and the staff list).
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # When the worker may try (again); retries back off by moving this forward.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When a worker took the job; a job still printing long after this was abandoned by a
    # crashed worker and goes back to the queue.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the printer proved it read the bytes (status PRINTED).
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the job reached SENT, PRINTED or FAILED; retention counts its days from here.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reprint_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("print_jobs.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<PrintJob {self.id} {self.status} on {self.printer_uri!r}>"


class PrinterStatus(Base):
    """The worker's latest knowledge of one printer, read by kiosks to offer the QR instead."""

    __tablename__ = "printer_statuses"

    printer_uri: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[PrinterState] = mapped_column(
        enum_column(PrinterState, "printer_state"),
        default=PrinterState.UNKNOWN,
    )
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<PrinterStatus {self.printer_uri!r} {self.state}>"
