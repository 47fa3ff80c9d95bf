"""HL7 v2 from the hospital's interface engine: SIU scheduling and ADT demographics messages
received over MLLP by `flask hl7 listen`, stored with the ACK each was answered with, and
applied through the schedule store. docs/hl7-interface.md is the interface specification."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff HL7 messages screen, `flask hl7 ...` and the retention of message
    content with `flask housekeeping`."""
    from admin.hl7 import views
    from admin.hl7.cli import hl7_group
    from admin.hl7.retention import forget_old_message_content
    from kiosk.shell.housekeeping import housekeeping_task

    app.register_blueprint(views.bp)
    app.cli.add_command(hl7_group)
    housekeeping_task(forget_old_message_content)
