"""`flask print-worker` runs the print dispatcher; `flask print-jobs` lets staff look, reprint and
see the printers. The logic lives in `dispatcher` and `jobs`; this module only formats."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext

from kiosk.printing.connections import PrinterUriError
from kiosk.printing.dispatcher import PrintDispatcher
from kiosk.printing.jobs import (
    JobSummary,
    PrinterOverview,
    job_text,
    printer_states,
    recent_jobs,
    reprint_now,
)
from kiosk.printing.queue import PrintJobNotFound, ReceiptDropped
from kiosk.printing.settings import current_settings

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or Ctrl+C; the previous handlers come back afterwards."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Each job in hand finishes (its I/O is bounded by timeouts) before the loops end.
        stop.set()

    previous_handlers = {
        stop_signal: signal.signal(stop_signal, request_stop) for stop_signal in STOP_SIGNALS
    }
    try:
        yield stop
    finally:
        for stop_signal, handler in previous_handlers.items():
            signal.signal(stop_signal, handler)


def build_dispatcher(printer_uris: tuple[str, ...], serve_all: bool) -> PrintDispatcher:
    """The dispatcher for the options given, or a usage error (exit 2) saying what is wrong."""
    if not printer_uris and not serve_all:
        raise click.UsageError("name a printer with --printer URI (several allowed) or use --all")
    try:
        dispatcher = PrintDispatcher(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            current_settings(),
            printer_uris,
            discover=serve_all,
        )
    except PrinterUriError as error:
        raise click.BadParameter(str(error), param_hint="--printer") from None
    return dispatcher


@click.command("print-worker")
@click.option(
    "--printer",
    "printer_uris",
    multiple=True,
    help="Printer URI, e.g. network://10.0.0.5:9100, usb://04b8:0202 or dummy:// (repeatable).",
)
@click.option(
    "--all", "serve_all", is_flag=True, help="Every printer a kiosk uses, including new ones."
)
@click.option("--once", is_flag=True, help="Print what is due now, then exit.")
@with_appcontext
def print_worker_command(printer_uris: tuple[str, ...], serve_all: bool, once: bool) -> None:
    """Print queued receipts for the printers, a thread each, until stopped (SIGTERM, Ctrl+C)."""
    dispatcher = build_dispatcher(printer_uris, serve_all)
    if once:
        for uri, processed in dispatcher.process_due_jobs().items():
            click.echo(f"{uri}: {processed} job(s) processed.")
        return
    served = ", ".join(dispatcher.printer_uris) or "no printer yet"
    click.echo(f"Print worker for {served}: waiting for jobs (Ctrl+C stops).")
    with stop_on_signals() as stop:
        dispatcher.run(stop)
    for uri in dispatcher.printer_uris:
        click.echo(f"Print worker for {uri} stopped.")


def when(moment: datetime | None) -> str:
    """A stored UTC time for a table cell, or a dash."""
    return moment.strftime(TIME_FORMAT) if moment else "-"


def job_table(jobs: list[JobSummary]) -> list[str]:
    """The job list as aligned lines, header first."""
    lines = [
        f"{'id':>6}  {'printer':<28}  {'purpose':<12}  {'status':<8}  {'attempts':>8}  "
        f"{'created (UTC)':<19}  last error"
    ]
    for job in jobs:
        lines.append(
            f"{job.id:>6}  {job.printer_uri:<28.28}  {job.purpose:<12.12}  {job.status:<8}  "
            f"{job.attempts:>8}  {when(job.created_at)}  {job.last_error}".rstrip()
        )
    return lines


def printer_table(printers: list[PrinterOverview]) -> list[str]:
    """The printers as aligned lines, header first."""
    lines = [
        f"{'printer':<28}  {'state':<8}  {'waiting':>7}  {'checked (UTC)':<19}  "
        f"{'last success (UTC)':<19}  last error"
    ]
    for printer in printers:
        lines.append(
            f"{printer.printer_uri:<28.28}  {printer.state:<8}  {printer.waiting_jobs:>7}  "
            f"{when(printer.checked_at):<19}  {when(printer.last_success_at):<19}  "
            f"{printer.last_error}".rstrip()
        )
    return lines


def reprint_lines(job_id: int) -> list[str]:
    """Reprint a job now and say how it went."""
    result = reprint_now(job_id, current_settings())
    lines = [f"Job {result.copy_id} queued as a reprint of job {job_id} on {result.printer_uri}."]
    if result.outcome is None:
        lines.append("The printer's worker took it; see `flask print-jobs`.")
    else:
        detail = f" ({result.last_error})" if result.last_error else ""
        lines.append(f"Job {result.copy_id}: {result.outcome}{detail}.")
    return lines


@click.command("print-jobs")
@click.option("--limit", default=20, show_default=True, help="How many recent jobs to list.")
@click.option("--printer", "printer_uri", help="Only jobs for this printer URI.")
@click.option("--show", "show_id", type=int, help="Print the text of job ID as on paper.")
@click.option("--reprint", "reprint_id", type=int, help="Print a copy of job ID now.")
@click.option("--printers", "list_printers", is_flag=True, help="List printers and their state.")
@with_appcontext
def print_jobs_command(
    limit: int,
    printer_uri: str | None,
    show_id: int | None,
    reprint_id: int | None,
    list_printers: bool,
) -> None:
    """List recent print jobs, show one's text, reprint one, or list the printers."""
    try:
        if show_id is not None:
            lines = [job_text(show_id)]
        elif reprint_id is not None:
            lines = reprint_lines(reprint_id)
        elif list_printers:
            printers = printer_states()
            lines = printer_table(printers) if printers else ["No printers."]
        else:
            jobs = recent_jobs(limit, printer_uri)
            lines = job_table(jobs) if jobs else ["No print jobs."]
    except PrinterUriError as error:
        raise click.BadParameter(str(error), param_hint="--printer") from None
    except (PrintJobNotFound, ReceiptDropped) as error:
        raise click.ClickException(str(error)) from None
    for line in lines:
        click.echo(line)
