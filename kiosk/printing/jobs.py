"""Print jobs and printers as staff see them: recent jobs, one job's text, a reprint now, and
the state of every printer.

These functions return values and never print or exit: `flask print-jobs` formats them for a
terminal, and the staff "Printers" screen renders the same values. They need an application
context and raise `PrintJobNotFound`, `ReceiptDropped` or `PrinterUriError` for what staff can
get wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import Kiosk, PrinterState, PrinterStatus, PrintJob, PrintJobStatus
from kiosk.models.printing import PENDING_PRINT_JOB_STATUSES
from kiosk.printing.connections import PrinterUriError, canonical_printer_uri
from kiosk.printing.preview import receipt_text
from kiosk.printing.queue import job_with_receipt, reprint_job
from kiosk.printing.settings import PrintSettings
from kiosk.printing.worker import PrintWorker

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSummary:
    """One line of the job list: what, where, how it went. No receipt bytes."""

    id: int
    printer_uri: str
    purpose: str
    status: PrintJobStatus
    attempts: int
    created_at: datetime
    ended_at: datetime | None
    last_error: str
    receipt_kept: bool
    reprint_of_id: int | None


@dataclass(frozen=True)
class ReprintResult:
    """A reprint: the copy's id and printer, and how printing it right away went.

    `outcome` is None when the printer's own worker took the copy first (it prints it then).
    """

    copy_id: int
    original_id: int
    printer_uri: str
    outcome: PrintJobStatus | None
    last_error: str


@dataclass(frozen=True)
class PrinterOverview:
    """One printer as the staff screen shows it: its last known state and its queue."""

    printer_uri: str
    state: PrinterState
    last_error: str
    checked_at: datetime | None
    last_success_at: datetime | None
    waiting_jobs: int
    kiosks: tuple[str, ...]


def recent_jobs(limit: int = 20, printer_uri: str | None = None) -> list[JobSummary]:
    """The most recent jobs first, optionally of one printer (any spelling of its URI)."""
    query = (
        select(
            PrintJob.id,
            PrintJob.printer_uri,
            PrintJob.purpose,
            PrintJob.status,
            PrintJob.attempts,
            PrintJob.created_at,
            PrintJob.ended_at,
            PrintJob.last_error,
            PrintJob.payload.is_not(None).label("receipt_kept"),
            PrintJob.reprint_of_id,
        )
        .order_by(PrintJob.id.desc())
        .limit(limit)
    )
    if printer_uri:
        query = query.where(PrintJob.printer_uri == canonical_printer_uri(printer_uri))
    return [JobSummary(**row._asdict()) for row in db.session.execute(query)]


def job_text(job_id: int) -> str:
    """The job's receipt as text, as it reads on paper (accents, QR links, image sizes)."""
    job, payload = job_with_receipt(job_id)
    return receipt_text(payload, job.printer_profile)


def reprint_now(
    job_id: int, settings: PrintSettings, printer_uri: str | None = None
) -> ReprintResult:
    """Queue a copy (on the job's printer, or on `printer_uri`), then print it right away
    through the worker logic so staff see the result.

    If the printer's worker claims the copy first, it prints it instead (`outcome` None).
    """
    copy = reprint_job(job_id, printer_uri)
    db.session.commit()
    outcome = PrintWorker(copy.printer_uri, settings).print_now(copy.id)
    db.session.refresh(copy)
    return ReprintResult(copy.id, job_id, copy.printer_uri, outcome, copy.last_error)


def known_printer_uris() -> list[str]:
    """Every printer a kiosk prints to, in canonical spelling, sorted.

    A kiosk whose printer URI is ill-formed is logged and left out: no worker could print there,
    and its kiosk already tells patients the printer is not working.
    """
    uris: set[str] = set()
    for raw in db.session.scalars(select(Kiosk.printer_uri).distinct()):
        try:
            uris.add(canonical_printer_uri(raw))
        except PrinterUriError:
            logger.warning("a kiosk has an unusable printer URI %r", raw)
    return sorted(uris)


def kiosks_by_printer() -> dict[str, list[str]]:
    """Kiosk names per canonical printer URI (kiosks with unusable URIs are left out)."""
    names: dict[str, list[str]] = {}
    for name, raw in db.session.execute(select(Kiosk.name, Kiosk.printer_uri).order_by(Kiosk.name)):
        try:
            names.setdefault(canonical_printer_uri(raw), []).append(name)
        except PrinterUriError:
            continue
    return names


def waiting_jobs_by_printer() -> dict[str, int]:
    """Queued or printing jobs per printer, counted from the pending-jobs index."""
    rows = db.session.execute(
        select(PrintJob.printer_uri, func.count())
        .where(PrintJob.status.in_(PENDING_PRINT_JOB_STATUSES))
        .group_by(PrintJob.printer_uri)
    )
    return {printer_uri: count for printer_uri, count in rows}


def printer_states() -> list[PrinterOverview]:
    """Every printer known from kiosks, statuses or waiting jobs, sorted by URI.

    A printer no worker has tried yet is UNKNOWN with no check time.
    """
    statuses = {status.printer_uri: status for status in db.session.scalars(select(PrinterStatus))}
    kiosks = kiosks_by_printer()
    waiting = waiting_jobs_by_printer()
    overviews = []
    for printer_uri in sorted(set(statuses) | set(kiosks) | set(waiting)):
        status = statuses.get(printer_uri)
        overviews.append(
            PrinterOverview(
                printer_uri=printer_uri,
                state=status.state if status else PrinterState.UNKNOWN,
                last_error=status.last_error if status else "",
                checked_at=status.checked_at if status else None,
                last_success_at=status.last_success_at if status else None,
                waiting_jobs=waiting.get(printer_uri, 0),
                kiosks=tuple(kiosks.get(printer_uri, ())),
            )
        )
    return overviews
