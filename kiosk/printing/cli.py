"""`flask print-worker` runs a printer's worker; `flask print-jobs` lets staff look and reprint."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import PrintJob
from kiosk.printing.connections import PrinterUriError, canonical_printer_uri
from kiosk.printing.preview import receipt_text
from kiosk.printing.queue import reprint_job
from kiosk.printing.settings import current_settings
from kiosk.printing.worker import PrintWorker

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@click.command("print-worker")
@click.option(
    "--printer",
    "printer_uri",
    required=True,
    help="Printer URI, e.g. network://10.0.0.5:9100, usb://04b8:0202 or dummy://.",
)
@click.option("--once", is_flag=True, help="Print what is due now, then exit.")
@with_appcontext
def print_worker_command(printer_uri: str, once: bool) -> None:
    """Print queued receipts for one printer until stopped (SIGTERM or Ctrl+C)."""
    try:
        worker = PrintWorker(printer_uri, current_settings())
    except PrinterUriError as error:
        raise click.BadParameter(str(error), param_hint="--printer") from None
    if once:
        processed = worker.process_due_jobs()
        click.echo(f"{worker.printer_uri}: {processed} job(s) processed.")
        return
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # The job in hand finishes (its I/O is bounded by timeouts) before the loop ends.
        stop.set()

    previous_handlers = {
        stop_signal: signal.signal(stop_signal, request_stop) for stop_signal in STOP_SIGNALS
    }
    click.echo(f"Print worker for {worker.printer_uri}: waiting for jobs (Ctrl+C stops).")
    try:
        worker.run(stop)
    finally:
        for stop_signal, handler in previous_handlers.items():
            signal.signal(stop_signal, handler)
    click.echo(f"Print worker for {worker.printer_uri} stopped.")


def job_or_error(job_id: int) -> PrintJob:
    """The job, or a clear message and exit status 1."""
    job = db.session.get(PrintJob, job_id)
    if job is None:
        raise click.ClickException(f"there is no print job {job_id}")
    return job


def job_table_row(job: PrintJob) -> str:
    """One line of `flask print-jobs`."""
    created = job.created_at.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"{job.id:>6}  {job.printer_uri:<28.28}  {job.purpose:<12.12}  {job.status:<8}  "
        f"{job.attempts:>8}  {created}  {job.last_error}"
    ).rstrip()


def list_jobs(limit: int, printer_uri: str | None) -> None:
    """The most recent jobs first, optionally for one printer."""
    query = select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)
    if printer_uri:
        query = query.where(PrintJob.printer_uri == canonical_printer_uri(printer_uri))
    jobs = db.session.scalars(query).all()
    if not jobs:
        click.echo("No print jobs.")
        return
    click.echo(
        f"{'id':>6}  {'printer':<28}  {'purpose':<12}  {'status':<8}  {'attempts':>8}  "
        f"{'created (UTC)':<19}  last error"
    )
    for job in jobs:
        click.echo(job_table_row(job))


def reprint_now(job_id: int) -> None:
    """Queue a copy, then print it right away through the worker logic so staff see the result.

    If the printer's worker process claims the copy first, it prints it instead.
    """
    copy = reprint_job(job_id)
    if copy is None:
        raise click.ClickException(f"there is no print job {job_id}")
    db.session.commit()
    click.echo(f"Job {copy.id} queued as a reprint of job {job_id} on {copy.printer_uri}.")
    outcome = PrintWorker(copy.printer_uri, current_settings()).print_now(copy.id)
    if outcome is None:
        click.echo("The printer's worker took it; see `flask print-jobs`.")
        return
    db.session.refresh(copy)
    detail = f" ({copy.last_error})" if copy.last_error else ""
    click.echo(f"Job {copy.id}: {outcome}{detail}.")


@click.command("print-jobs")
@click.option("--limit", default=20, show_default=True, help="How many recent jobs to list.")
@click.option("--printer", "printer_uri", help="Only jobs for this printer URI.")
@click.option("--show", "show_id", type=int, help="Print the text of job ID as on paper.")
@click.option("--reprint", "reprint_id", type=int, help="Print a copy of job ID now.")
@with_appcontext
def print_jobs_command(
    limit: int, printer_uri: str | None, show_id: int | None, reprint_id: int | None
) -> None:
    """List recent print jobs, show one's text, or reprint one."""
    try:
        if show_id is not None:
            job = job_or_error(show_id)
            click.echo(receipt_text(job.payload, job.printer_profile))
        elif reprint_id is not None:
            reprint_now(reprint_id)
        else:
            list_jobs(limit, printer_uri)
    except PrinterUriError as error:
        raise click.BadParameter(str(error), param_hint="--printer") from None
