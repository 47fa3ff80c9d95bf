"""What the Printers screen shows per printer: its state, its kiosks, its last jobs, its
failures of the last day, and for each job the printers a copy may go to.

Built from the print-jobs functions the `flask print-jobs` command uses; job lines carry the
purpose ("ticket", "directions"), status, attempts and times, never receipt text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from admin.printers.reprints import copies_by_job, printers_by_profile, profiles_by_job
from kiosk.extensions import db
from kiosk.models import PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from kiosk.printing.jobs import JobSummary, PrinterOverview, printer_states, recent_jobs

JOBS_PER_PRINTER = 5
FAILURE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class JobLine:
    """One recent job with what its reprint form needs."""

    job: JobSummary
    copies: int
    reprint_targets: tuple[str, ...]


@dataclass(frozen=True)
class PrinterPanel:
    """One printer on the screen."""

    printer: PrinterOverview
    failures_last_day: int
    jobs: tuple[JobLine, ...]


def failures_since(window: timedelta) -> dict[str, int]:
    """Failed jobs per printer that ended within the last `window`."""
    rows = db.session.execute(
        select(PrintJob.printer_uri, func.count())
        .where(PrintJob.status == PrintJobStatus.FAILED, PrintJob.ended_at >= utcnow() - window)
        .group_by(PrintJob.printer_uri)
    )
    return {printer_uri: count for printer_uri, count in rows}


def job_lines(jobs: list[JobSummary]) -> tuple[JobLine, ...]:
    """The jobs with their copy counts and the printers of the same profile."""
    ids = [job.id for job in jobs]
    copies = copies_by_job(ids)
    profiles = profiles_by_job(ids)
    same_profile = printers_by_profile()
    return tuple(
        JobLine(
            job=job,
            copies=copies.get(job.id, 0),
            reprint_targets=tuple(
                uri for uri in same_profile.get(profiles[job.id], []) if uri != job.printer_uri
            ),
        )
        for job in jobs
    )


def printer_panels() -> list[PrinterPanel]:
    """Every known printer, sorted by URI, with its last jobs and recent failures."""
    failures = failures_since(FAILURE_WINDOW)
    return [
        PrinterPanel(
            printer=printer,
            failures_last_day=failures.get(printer.printer_uri, 0),
            jobs=job_lines(recent_jobs(JOBS_PER_PRINTER, printer.printer_uri)),
        )
        for printer in printer_states()
    ]
