"""`flask interfaces send [--once]`: the delivery worker of the outbox, run beside the print
worker. It stops cleanly on SIGTERM or Ctrl+C after the message in hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from admin.interfaces.settings import InterfaceUrlError, current_settings
from admin.interfaces.worker import InterfaceWorker
from kiosk.printing.cli import stop_on_signals

interfaces_group = AppGroup("interfaces", help="Messages to the hospital's interface engine.")


@interfaces_group.command("send")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
def send_command(once: bool) -> None:
    """Send queued HL7 messages to HL7_OUTBOUND_URL until stopped (SIGTERM, Ctrl+C)."""
    try:
        settings = current_settings()
    except InterfaceUrlError as error:
        raise click.ClickException(f"{error} (no outbound interface is configured)") from None
    worker = InterfaceWorker(settings)
    if once:
        click.echo(f"{worker.process_due_messages()} message(s) processed.")
        return
    click.echo(f"Sending to mllp://{settings.host}:{settings.port} (Ctrl+C stops).")
    with stop_on_signals() as stop:
        worker.run(stop)
    click.echo("Interface worker stopped.")
