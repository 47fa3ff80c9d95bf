"""`flask hl7 listen` runs the MLLP listener; `flask hl7 messages` lists what was received.

The listing shows control ids, types, outcomes and reasons — never a message's content, which
holds patient data (it stays in the database, like the patient records it updated).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from admin.hl7.client import mllp_connection
from admin.hl7.header import decode_message
from admin.hl7.listener import Hl7Listener, ListenerSettings
from admin.hl7.listing import latest_messages
from kiosk.models import InboundMessageStatus

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

hl7_group = AppGroup("hl7", help="Receive HL7 v2 messages from the hospital's interface engine.")


def announce(host: str, port: int) -> None:
    """The line an operator (and the tests) wait for: the listener is accepting."""
    click.echo(f"HL7 listener on {host}:{port}: waiting for messages (Ctrl+C stops).")


@hl7_group.command("listen")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=2575,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port (0: any free port, printed at start).",
)
def listen_command(host: str, port: int) -> None:
    """Receive SIU and ADT messages over MLLP, store each, answer each with an ACK, until
    stopped (SIGTERM, Ctrl+C)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = ListenerSettings(
        host=host,
        port=port,
        max_message_bytes=int(app.config["HL7_MAX_MESSAGE_BYTES"]),
        idle_timeout_seconds=float(app.config["HL7_IDLE_TIMEOUT_SECONDS"]),
    )
    try:
        asyncio.run(Hl7Listener(app, settings, on_started=announce).serve())
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    click.echo("HL7 listener stopped.")


@hl7_group.command("send")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The listener's address.")
@click.option("--port", default=2575, show_default=True, type=click.IntRange(1, 65535))
def send_command(files: tuple[Path, ...], host: str, port: int) -> None:
    """Send each file's HL7 message (one per file, any line endings) to a listener and print
    the MSA segment of each ACK: a check of the whole path before the engine is connected."""
    try:
        with mllp_connection(host, port) as client:
            for file in files:
                ack = client.send(decode_message(file.read_bytes()))
                msa = next((s for s in ack.split("\r") if s.startswith("MSA")), ack)
                click.echo(f"{file.name}: {msa}")
    except OSError as error:
        raise click.ClickException(f"no answer from {host}:{port}: {error}") from None


@hl7_group.command("messages")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="How many.")
@click.option(
    "--status",
    type=click.Choice([status.value for status in InboundMessageStatus]),
    help="Only messages with this outcome.",
)
def messages_command(limit: int, status: str | None) -> None:
    """The latest messages received, newest first: when, sender, control id, type, outcome,
    ACK code and reason. Refused ones say which field and why."""
    click.echo(
        f"{'id':>6}  {'received (UTC)':<19}  {'sender':<20}  {'control id':<20}  "
        f"{'type':<8}  {'status':<9}  ack  reason"
    )
    for message in latest_messages(limit, InboundMessageStatus(status) if status else None):
        reason = " ".join(
            part
            for part in (message.error_condition or "", message.error_location, message.reason)
            if part
        )
        click.echo(
            f"{message.id:>6}  {message.received_at.strftime(TIME_FORMAT)}  "
            f"{message.sending_facility:<20.20}  {message.control_id or '-':<20.20}  "
            f"{message.message_type or '-':<8.8}  {message.status.value:<9}  "
            f"{message.ack_code:<3}  {reason}".rstrip()
        )
