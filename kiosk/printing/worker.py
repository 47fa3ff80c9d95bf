"""The print worker of one printer: taking its jobs from the queue and printing them.

One worker per printer because a USB printer can be opened by one writer only, and because a
slow printer then delays only its own receipts; `dispatcher` runs many workers as threads of
one process. The worker never holds a database transaction while talking to the printer (or
while it waits for the next poll), opens the printer per job, and survives any failure of a job
or the printer: it records the failure and carries on, so a printer that comes back is used
again without restarting anything.

A job is marked SENT as soon as its bytes are out, and PRINTED only when the printer then
answers a status query; a printer that can confirm but stays silent gets the job retried.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from kiosk.alerts.raising import raise_kiosk_alert
from kiosk.extensions import db
from kiosk.models import KioskAlertKind, PrinterState, PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from kiosk.printing.connections import (
    PrinterConnection,
    PrinterUnavailable,
    StatusReport,
    canonical_printer_uri,
    open_printer,
)
from kiosk.printing.queue import (
    ClaimedJob,
    claim_job,
    claim_next_job,
    has_queued_jobs,
    mark_attempt_failed,
    mark_printed,
    mark_sent,
    requeue_abandoned_jobs,
)
from kiosk.printing.settings import PrintSettings
from kiosk.printing.status import printer_status, record_printer_state

logger = logging.getLogger(__name__)

NOT_CONFIRMED_ERROR = "the printer did not confirm it read the receipt"


def alert_the_front_desk(
    job: ClaimedJob, outcome: PrintJobStatus, problem: str, now: datetime
) -> None:
    """The job's kiosk alerts the front desk: its printer is offline (out of paper, unreachable),
    and, once the job is out of attempts, that a patient's receipt did not print. Added to the
    session, committed with the job's outcome."""
    kiosk_id = db.session.scalar(select(PrintJob.kiosk_id).where(PrintJob.id == job.id))
    if kiosk_id is None:
        return
    raise_kiosk_alert(kiosk_id, KioskAlertKind.PRINTER_OFFLINE, detail=problem, now=now)
    if outcome is PrintJobStatus.FAILED:
        raise_kiosk_alert(kiosk_id, KioskAlertKind.PRINT_FAILED, detail=problem, now=now)


def job_file_name(job_id: int) -> str:
    """Name of a job's files from the dummy printer: sortable, no patient data."""
    return f"job-{job_id:06d}"


class PrintWorker:
    """Prints the queued jobs of one printer. Needs an application context."""

    def __init__(self, printer_uri: str, settings: PrintSettings) -> None:
        self.printer_uri = canonical_printer_uri(printer_uri)
        self.settings = settings

    def send(self, job: ClaimedJob) -> StatusReport:
        """Open the printer, send the job's bytes, record them SENT, ask for status, close.

        The status query goes after the data on the same connection, so an answer proves the
        printer read every byte before it (not just that the kernel buffered them).
        """
        with open_printer(
            job.printer_uri,
            self.settings,
            profile_name=job.printer_profile,
            job_name=job_file_name(job.id),
        ) as printer:
            printer.send(job.payload)
            mark_sent(job)
            db.session.commit()
            return self.delivery_report(printer)

    @staticmethod
    def delivery_report(printer: PrinterConnection) -> StatusReport:
        """The printer's answer after the data; silence from a printer that can answer is a
        failure (it never read the job), from one that cannot it is UNKNOWN (job stays SENT)."""
        report = printer.query_status()
        if report.state is PrinterState.UNKNOWN and printer.can_confirm:
            return StatusReport(PrinterState.OFFLINE, NOT_CONFIRMED_ERROR)
        return report

    def print_claimed(self, job: ClaimedJob) -> PrintJobStatus:
        """Print one claimed job and record the outcome on the job and the printer status."""
        try:
            report = self.send(job)
        except PrinterUnavailable as error:
            report = StatusReport(PrinterState.OFFLINE, str(error))
        except Exception as error:  # a driver bug must cost one attempt, not the worker
            logger.exception("unexpected error printing job %d", job.id)
            db.session.rollback()
            report = StatusReport(PrinterState.OFFLINE, f"unexpected {type(error).__name__}")
        now = utcnow()
        record_printer_state(job.printer_uri, report.state, error=report.problem, now=now)
        match report.state:
            case PrinterState.OFFLINE:
                outcome = mark_attempt_failed(job, report.problem, self.settings, now)
            case PrinterState.ONLINE:
                mark_printed(job, now)
                outcome = PrintJobStatus.PRINTED
            case _:
                outcome = PrintJobStatus.SENT  # already recorded; this printer cannot confirm
        if report.state is PrinterState.OFFLINE:
            alert_the_front_desk(job, outcome, report.problem, now)
        db.session.commit()
        logger.info(
            "print job %d on %s: %s after attempt %d (%s)",
            job.id,
            job.printer_uri,
            outcome,
            job.attempts,
            report.problem or report.state,
        )
        return outcome

    def print_now(self, job_id: int) -> PrintJobStatus | None:
        """Print one queued job immediately (staff reprint); None if another worker has it."""
        job = claim_job(job_id)
        return None if job is None else self.print_claimed(job)

    def probe_if_offline(self) -> None:
        """Ask an offline printer, when no job waits for it, whether it is back.

        Without this a kiosk that stopped queueing receipts (because the printer was offline)
        would never learn that it works again. Waiting jobs need no probe: their retries are one.
        """
        status = printer_status(self.printer_uri)
        if status is None or status.state is not PrinterState.OFFLINE:
            return
        if has_queued_jobs(self.printer_uri):
            return
        now = utcnow()
        if now - status.checked_at < timedelta(seconds=self.settings.probe_seconds):
            return
        try:
            with open_printer(self.printer_uri, self.settings) as printer:
                report = printer.query_status()
        except PrinterUnavailable as error:
            report = StatusReport(PrinterState.OFFLINE, str(error))
        record_printer_state(self.printer_uri, report.state, error=report.problem, now=now)
        db.session.commit()

    def process_due_jobs(self, stop: threading.Event | None = None) -> int:
        """Print every job that is due now, one at a time; return how many were tried.

        Jobs abandoned by a crashed worker are re-queued first. Each job is tried at most once
        per pass: a failed one is due again only after the pass began, so this always ends,
        and a job's attempts are spread over its backoff even when an attempt outlasts it.
        """
        requeued = requeue_abandoned_jobs(self.printer_uri, self.settings)
        db.session.commit()
        if requeued:
            logger.warning("re-queued %d abandoned job(s) on %s", requeued, self.printer_uri)
        pass_started = utcnow()
        processed = 0
        while stop is None or not stop.is_set():
            job = claim_next_job(self.printer_uri, due_by=pass_started)
            if job is None:
                break
            self.print_claimed(job)
            processed += 1
        if not processed:
            self.probe_if_offline()
        return processed

    def idle_wait(self, stop: threading.Event, wake: threading.Event | None) -> None:
        """Wait before looking at the queue again: alone, poll every `poll_seconds`; in a
        dispatcher, sleep until it says a job is due (`wake`), or until the next look at an
        offline printer or at jobs a crashed worker abandoned."""
        if wake is None:
            stop.wait(self.settings.poll_seconds)
            return
        wake.wait(max(self.settings.poll_seconds, self.settings.probe_seconds))
        wake.clear()

    def run(self, stop: threading.Event, wake: threading.Event | None = None) -> None:
        """Print until `stop` is set; a lost database connection is retried. A dispatcher
        passes `wake` (and sets it on stop too), so idle threads do not each poll."""
        logger.info("print worker started for %s", self.printer_uri)
        while not stop.is_set():
            try:
                processed = self.process_due_jobs(stop)
            except SQLAlchemyError:
                logger.exception("database error in the print worker; retrying")
                db.session.rollback()
                processed = 0
            # End the read transaction: no pooled connection (or SQLite snapshot) is held
            # while waiting, which a dispatcher with a thread per printer relies on.
            db.session.rollback()
            if not processed:
                self.idle_wait(stop, wake)
        logger.info("print worker stopped for %s", self.printer_uri)
