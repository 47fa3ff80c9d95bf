"""The durable print queue: jobs are rows, claimed atomically, retried, and always finished.

A kiosk request only renders bytes and adds a row (`enqueue_receipt`), inside the transaction
of whatever it prints, so it never waits on a printer and a committed action always has its
receipt. A worker per printer claims due jobs one at a time, prints, and records the outcome.
Every job ends PRINTED, SENT or FAILED: failures (and printers that should but do not confirm)
retry with exponential backoff up to a limit, and a job left PRINTING by a crashed worker
returns to the queue when its lease runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update

from kiosk.extensions import db
from kiosk.models import Kiosk, PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from kiosk.printing.connections import canonical_printer_uri
from kiosk.printing.escpos_render import render_escpos
from kiosk.printing.receipt import Receipt
from kiosk.printing.settings import PrintSettings

PURPOSE_LENGTH = 40
ABANDONED_ERROR = "worker stopped while printing; the receipt may have printed"


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds, copied out of the session so no transaction stays open while
    the printer is slow."""

    id: int
    printer_uri: str
    printer_profile: str
    payload: bytes
    attempts: int


def enqueue_receipt(kiosk: Kiosk, receipt: Receipt) -> PrintJob:
    """Render `receipt` for the kiosk's printer and add the job to the session.

    Does not commit: commit it together with what it prints. Never touches the printer.
    Raises `PrinterUriError` or `PrinterProfileError` when the kiosk's printer is misconfigured.
    """
    job = PrintJob(
        kiosk_id=kiosk.id,
        printer_uri=canonical_printer_uri(kiosk.printer_uri),
        printer_profile=kiosk.printer_profile,
        purpose=receipt.purpose[:PURPOSE_LENGTH],
        payload=render_escpos(receipt, kiosk.printer_profile),
        status=PrintJobStatus.QUEUED,
        attempts=0,
        last_error="",
        next_attempt_at=utcnow(),
    )
    db.session.add(job)
    return job


def backoff_delay(attempts: int, settings: PrintSettings) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2 x base, 4 x base ... cap."""
    seconds = settings.backoff_base * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(settings.backoff_cap, seconds))


def claim(conditions: list[ColumnElement[bool]], now: datetime) -> ClaimedJob | None:
    """Atomically move the first queued job matching `conditions` to PRINTING, and commit.

    One statement, `UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)`: on PostgreSQL
    concurrent claimers skip each other's rows; SQLite ignores the locking clause but runs the
    whole statement under its single write lock, and the repeated `status = 'queued'` test
    makes the update conditional either way. The attempt is counted here, so a job that crashes
    the worker still runs out of attempts.
    """
    queued = PrintJob.status == PrintJobStatus.QUEUED
    candidate = (
        select(PrintJob.id)
        .where(queued, *conditions)
        .order_by(PrintJob.next_attempt_at, PrintJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = db.session.execute(
        update(PrintJob)
        .where(PrintJob.id == candidate, queued)
        .values(
            status=PrintJobStatus.PRINTING,
            claimed_at=now,
            attempts=PrintJob.attempts + 1,
            updated_at=now,
        )
        .returning(
            PrintJob.id,
            PrintJob.printer_uri,
            PrintJob.printer_profile,
            PrintJob.payload,
            PrintJob.attempts,
        )
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()
    if claimed is None:
        return None
    job_id, printer_uri, printer_profile, payload, attempts = claimed
    # Retention drops receipts of ended jobs only, so a queued job always has its bytes.
    assert payload is not None
    return ClaimedJob(job_id, printer_uri, printer_profile, payload, attempts)


def claim_next_job(
    printer_uri: str, due_by: datetime | None = None, now: datetime | None = None
) -> ClaimedJob | None:
    """The oldest job for this printer that was due by `due_by` (default: now), claimed; None
    when nothing is due. A pass over the queue passes its start as `due_by`, so a job it retried
    is not due again in the same pass however short the backoff."""
    now = now or utcnow()
    due = PrintJob.next_attempt_at <= (due_by or now)
    return claim([PrintJob.printer_uri == printer_uri, due], now)


def claim_job(job_id: int, now: datetime | None = None) -> ClaimedJob | None:
    """Claim one particular queued job (staff printing a reprint now); None if it is taken."""
    return claim([PrintJob.id == job_id], now or utcnow())


def has_queued_jobs(printer_uri: str) -> bool:
    """Whether jobs wait for this printer (due now or after a backoff)."""
    return (
        db.session.scalar(
            select(PrintJob.id)
            .where(PrintJob.printer_uri == printer_uri, PrintJob.status == PrintJobStatus.QUEUED)
            .limit(1)
        )
        is not None
    )


def printers_with_due_jobs(now: datetime | None = None) -> set[str]:
    """Printers that have a job due now: one query for a dispatcher's every printer, reading
    the queued entries of the status index only."""
    now = now or utcnow()
    return set(
        db.session.scalars(
            select(PrintJob.printer_uri)
            .where(PrintJob.status == PrintJobStatus.QUEUED, PrintJob.next_attempt_at <= now)
            .distinct()
        )
    )


def finish(job: ClaimedJob, values: dict[str, Any], now: datetime) -> None:
    """Record an attempt's outcome, only if the job is still ours (PRINTING, or SENT and
    waiting for the printer's answer)."""
    db.session.execute(
        update(PrintJob)
        .where(
            PrintJob.id == job.id,
            PrintJob.status.in_((PrintJobStatus.PRINTING, PrintJobStatus.SENT)),
        )
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )


def mark_sent(job: ClaimedJob, now: datetime | None = None) -> None:
    """Every byte left Lobby; the printer has not yet proven it read them (caller commits).

    For a printer that cannot confirm, this is where the job ends.
    """
    now = now or utcnow()
    finish(job, {"status": PrintJobStatus.SENT, "ended_at": now}, now)


def mark_printed(job: ClaimedJob, now: datetime | None = None) -> None:
    """The printer answered a status query sent after the data, online and with paper (the
    caller commits). The earlier error, if any, stays in `last_error` as history."""
    now = now or utcnow()
    finish(job, {"status": PrintJobStatus.PRINTED, "printed_at": now, "ended_at": now}, now)


def mark_attempt_failed(
    job: ClaimedJob, error: str, settings: PrintSettings, now: datetime | None = None
) -> PrintJobStatus:
    """Schedule a retry with backoff, or fail the job after its last attempt (caller commits)."""
    now = now or utcnow()
    if job.attempts >= settings.max_attempts:
        finish(job, {"status": PrintJobStatus.FAILED, "last_error": error, "ended_at": now}, now)
        return PrintJobStatus.FAILED
    retry_at = now + backoff_delay(job.attempts, settings)
    finish(
        job,
        {"status": PrintJobStatus.QUEUED, "last_error": error, "next_attempt_at": retry_at},
        now,
    )
    return PrintJobStatus.QUEUED


def requeue_abandoned_jobs(
    printer_uri: str, settings: PrintSettings, now: datetime | None = None
) -> int:
    """Return jobs stuck in PRINTING past the lease to the queue (caller commits).

    Their worker died mid-job, so the receipt may or may not have printed: printing it again
    risks a duplicate, never a loss. Jobs out of attempts fail instead. Returns how many.
    """
    now = now or utcnow()
    abandoned = (
        PrintJob.printer_uri == printer_uri,
        PrintJob.status == PrintJobStatus.PRINTING,
        PrintJob.claimed_at < now - timedelta(seconds=settings.lease_seconds),
    )
    outcomes: tuple[tuple[ColumnElement[bool], dict[str, Any]], ...] = (
        (
            PrintJob.attempts >= settings.max_attempts,
            {"status": PrintJobStatus.FAILED, "ended_at": now},
        ),
        (PrintJob.attempts < settings.max_attempts, {"status": PrintJobStatus.QUEUED}),
    )
    changed = 0
    for attempts_condition, values in outcomes:
        result = db.session.execute(
            update(PrintJob)
            .where(*abandoned, attempts_condition)
            .values(last_error=ABANDONED_ERROR, next_attempt_at=now, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        changed += int(getattr(result, "rowcount", 0))
    return changed


class PrintJobNotFound(LookupError):
    """No print job has this id."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"there is no print job {job_id}")


class ReceiptDropped(LookupError):
    """The job exists but retention has dropped its receipt bytes."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"the receipt of print job {job_id} was deleted after its retention")


def job_with_receipt(job_id: int) -> tuple[PrintJob, bytes]:
    """The job and its receipt bytes; raise `PrintJobNotFound` or `ReceiptDropped`."""
    job = db.session.get(PrintJob, job_id)
    if job is None:
        raise PrintJobNotFound(job_id)
    if job.payload is None:
        raise ReceiptDropped(job_id)
    return job, job.payload


def reprint_job(job_id: int, printer_uri: str | None = None) -> PrintJob:
    """Queue a byte-identical copy of a job now, on its own printer or on `printer_uri` (the
    caller commits, and checks that printer takes the same paper: the bytes are not rendered
    again).

    Raises `PrintJobNotFound` or `ReceiptDropped` when there is nothing to reprint, and
    `PrinterUriError` for an ill-formed `printer_uri`.
    """
    original, payload = job_with_receipt(job_id)
    target = canonical_printer_uri(printer_uri) if printer_uri else original.printer_uri
    copy = PrintJob(
        kiosk_id=original.kiosk_id,
        printer_uri=target,
        printer_profile=original.printer_profile,
        purpose=original.purpose,
        payload=payload,
        status=PrintJobStatus.QUEUED,
        attempts=0,
        last_error="",
        next_attempt_at=utcnow(),
        reprint_of_id=original.id,
    )
    db.session.add(copy)
    return copy
