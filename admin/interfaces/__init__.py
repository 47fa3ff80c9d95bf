"""Messages out to the hospital's interface engine: HL7 v2.5 builders (SIU^S14 or ADT^A10 for
arrivals and queue changes, ADT^A08 with IN1 for accepted insurance cards), a sender over MLLP
that waits for the ACK, the delivery worker (`flask interfaces send`) and the staff Interfaces
screen (`/staff/interfaces/`).

Features queue messages with `kiosk.outbox.enqueue` in their own transactions; everything here
happens after commit.
"""

from __future__ import annotations

from flask import Flask

from admin.interfaces import cli, retention, views
from admin.interfaces.settings import check_configuration
from kiosk.shell.housekeeping import housekeeping_task


def init_app(app: Flask) -> None:
    """Check the interface settings, register the screen, `flask interfaces` and the outbox's
    retention task of `flask housekeeping`."""
    check_configuration(app.config)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.interfaces_group)
    housekeeping_task(retention.forget_delivered_messages)
